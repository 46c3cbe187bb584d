"""Programs (standing counterpart relations) and pairings (who supports whom)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import YearField
from duikou.core.models import AuditedModel
from duikou.core.periods import MONTH, PERIOD_KINDS


class Program(AuditedModel):
    """A standing counterpart relation with its sides and period (福建→万州, 十四五)."""

    SUPPORT, COLLABORATION, COOPERATION, EAST_WEST = "support", "collaboration", "cooperation", "east_west"
    KINDS = [
        (SUPPORT, _("对口支援")),
        (COLLABORATION, _("对口协作")),
        (COOPERATION, _("对口合作")),
        (EAST_WEST, _("东西部协作")),
    ]

    name = models.CharField(_("名称"), max_length=300, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=KINDS, default=SUPPORT)
    office = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("牵头办公室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="offices_programs",
    )
    donors = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("支援方"), related_name="donor_programs", blank=True
    )
    recipients = models.ManyToManyField(
        "organizations.Organization", verbose_name=_("受援方"), related_name="recipient_programs", blank=True
    )
    start_year = YearField(_("起始年份"), null=True, blank=True)
    end_year = YearField(_("结束年份"), null=True, blank=True)
    reporting_period = models.CharField(_("报告周期"), max_length=8, choices=PERIOD_KINDS, default=MONTH)
    # Private until the office publishes it (programs.services.publish_program): live payments, task status and
    # budgets are open data only by decision.
    is_public = models.BooleanField(
        _("公开"),
        default=False,
        help_text=_("此件主动公开：由对口支援办公室发布后显示在公开页面和开放数据中"),
    )
    description = models.TextField(_("说明"), blank=True)

    recipient_paths = ("recipients",)
    owner_paths = ("plans__tasks__responsibilities__organization", "donors")
    unit_actions = ()

    class Meta:
        verbose_name = _("对口关系")
        verbose_name_plural = _("对口关系")
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(start_year__lte=F("end_year")),
                name="program_start_before_end",
            ),
        ]

    def __str__(self):
        return self.name


class Pairing(AuditedModel):
    """One donor organization supporting one recipient organization, at one level, within a program."""

    PROVINCE, CITY, COUNTY, TOWN, VILLAGE, SCHOOL, HOSPITAL, ENTERPRISE, DEPARTMENT, OTHER = (
        "province",
        "city",
        "county",
        "town",
        "village",
        "school",
        "hospital",
        "enterprise",
        "department",
        "other",
    )
    LEVELS = [
        (PROVINCE, _("省际")),
        (CITY, _("市际")),
        (COUNTY, _("县际")),
        (TOWN, _("乡镇街道")),
        (VILLAGE, _("村")),
        (SCHOOL, _("学校")),
        (HOSPITAL, _("医院")),
        (ENTERPRISE, _("企业")),
        (DEPARTMENT, _("部门")),
        (OTHER, _("其他")),
    ]

    program = models.ForeignKey(
        Program, verbose_name=_("对口关系"), on_delete=models.CASCADE, related_name="pairings"
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("来源方案"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pairings",
    )
    donor = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("支援方"),
        on_delete=models.PROTECT,
        related_name="pairings_given",
    )
    recipient = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受援方"),
        on_delete=models.PROTECT,
        related_name="pairings_received",
    )
    donor_printed = models.CharField(_("支援方（原文）"), max_length=200, blank=True)
    recipient_printed = models.CharField(_("受援方（原文）"), max_length=200, blank=True)
    level = models.CharField(_("层级"), max_length=12, choices=LEVELS, default=OTHER)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    extra = models.JSONField(
        _("其他字段"), default=dict, blank=True, help_text=_("导入文件中该项的附加字段，导出时原样带回")
    )

    owner_paths = ("donor",)
    recipient_paths = ("recipient",)
    unit_actions = ()

    class Meta:
        verbose_name = _("结对关系")
        verbose_name_plural = _("结对关系")
        ordering = ["program", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "donor", "recipient"], name="pairing_unique_in_plan"),
            models.UniqueConstraint(
                fields=["program", "donor", "recipient"],
                condition=Q(plan__isnull=True),
                name="pairing_unique_in_program",
            ),
            models.CheckConstraint(condition=~Q(donor=F("recipient")), name="pairing_not_self"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date")),
                name="pairing_start_before_end",
            ),
        ]

    def __str__(self):
        return f"{self.donor} → {self.recipient}"
