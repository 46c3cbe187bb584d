"""Quantified targets of a plan and their allocations to units, and the rules of reaching them."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import YearField
from duikou.core.models import AuditedModel

from . import units

AT_MOST = "<="


# -- the one definition of "reached" and "progress" --------------------------------------------------
# Pages, exports, tallies, bulletins and scores call these with the achieved value from
# `duikou.reports.achieved` (None: nothing approved yet).
def progress(comparator: str, value: Decimal, achieved: Decimal | None) -> Decimal | None:
    """How far a commitment (a target or a unit's share) is met, 1 = met, uncapped (1.2: 20% over).

    For a ceiling (不超过) staying under it is full progress; above it, the ceiling over the achieved value.
    """
    if achieved is None:
        return None
    achieved, value = Decimal(achieved), Decimal(value)
    if comparator == AT_MOST:
        return Decimal(1) if achieved <= value else value / achieved
    if value <= 0:
        return Decimal(1)
    return achieved / value


def credit(comparator: str, value: Decimal, achieved: Decimal | None) -> Decimal:
    """Progress capped at 1 (what an assessment awards); nothing approved counts as 0."""
    got = progress(comparator, value, achieved)
    return Decimal(0) if got is None else min(Decimal(1), got)


def reached(comparator: str, value: Decimal, achieved: Decimal | None) -> bool:
    """Whether the achieved value meets the commitment (nothing approved yet: not reached)."""
    if achieved is None:
        return False
    return (
        Decimal(achieved) <= Decimal(value) if comparator == AT_MOST else Decimal(achieved) >= Decimal(value)
    )


class Target(AuditedModel):
    """A quantitative commitment: indicator, value, unit, comparator and year."""

    YUAN, PERSON, PERSON_TIME, COUNT, PERCENT, OTHER = (
        units.YUAN,
        units.PERSON,
        units.PERSON_TIME,
        units.COUNT,
        units.PERCENT,
        units.OTHER,
    )
    UNITS = units.UNIT_CHOICES
    AT_LEAST, AT_MOST, EXACTLY = ">=", AT_MOST, "="
    COMPARATORS = [(AT_LEAST, _("不低于")), (AT_MOST, _("不超过")), (EXACTLY, _("等于"))]

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="targets"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    text = models.TextField(_("原文"), blank=True)
    indicator = models.CharField(_("指标"), max_length=500)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4)
    unit = models.CharField(_("计量单位"), max_length=12, choices=UNITS)
    unit_text = models.CharField(
        _("原文单位"), max_length=20, blank=True, help_text=_("其他计量单位时照录，如 千瓦、亩")
    )
    comparator = models.CharField(_("比较"), max_length=2, choices=COMPARATORS, default=EXACTLY)
    year = YearField(_("年份"), null=True, blank=True)
    extra = models.JSONField(
        _("其他字段"), default=dict, blank=True, help_text=_("导入文件中该项的附加字段，导出时原样带回")
    )
    order = models.PositiveIntegerField(_("顺序"), default=0)
    # The national indicator this target counts toward: proposed from its words at import, confirmed by the office.
    national_indicator = models.ForeignKey(
        "indicators.Indicator",
        verbose_name=_("对应协作指标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    national_indicator_confirmed = models.BooleanField(_("指标对应已确认"), default=False)

    owner_paths = ("allocations__organization", "task__responsibilities__organization")
    recipient_paths = ("plan__program__recipients",)
    unit_actions = ()

    class Meta:
        verbose_name = _("目标指标")
        verbose_name_plural = _("目标指标")
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="target_value_not_negative"),
        ]

    def __str__(self):
        return self.indicator

    def format_value(self, value=None) -> str:
        """This target's value (or another in its unit, e.g. achieved) with the unit: 7.50亿元, 3,000人."""
        return units.format_quantity(self.value if value is None else value, self.unit, self.unit_text)

    @property
    def unit_label(self) -> str:
        """人, 人次, 万元, 千瓦…: the unit in the page's language, or as printed for 其他."""
        return units.unit_label(self.unit, self.unit_text)

    @property
    def commitment(self) -> str:
        """不少于 3,000人（2023年）."""
        return units.format_target(self.comparator, self.value, self.unit, self.unit_text, self.year)

    def progress_of(self, achieved: Decimal | None) -> Decimal | None:
        return progress(self.comparator, self.value, achieved)

    def is_reached_by(self, achieved: Decimal | None) -> bool:
        return reached(self.comparator, self.value, achieved)


class Allocation(AuditedModel):
    """The share of a target assigned to one unit (马尾区 9000万元)."""

    target = models.ForeignKey(
        Target, verbose_name=_("目标"), on_delete=models.CASCADE, related_name="allocations"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    printed_name = models.CharField(_("原文名称"), max_length=200)
    value = models.DecimalField(_("分解值"), max_digits=20, decimal_places=4)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    owner_paths = ("organization",)
    recipient_paths = ("target__plan__program__recipients",)
    unit_actions = ()

    class Meta:
        verbose_name = _("目标分解")
        verbose_name_plural = _("目标分解")
        ordering = ["target", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="allocation_value_not_negative"),
            models.UniqueConstraint(
                fields=["target", "printed_name"], name="allocation_unique_name_in_target"
            ),
        ]

    def __str__(self):
        return f"{self.printed_name} {self.value}"

    def progress_of(self, achieved: Decimal | None) -> Decimal | None:
        """Progress of this unit's share, by its target's comparator."""
        return progress(self.target.comparator, self.value, achieved)
