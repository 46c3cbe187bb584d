"""People sent from one side to the other: cadres on secondment and specialists."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duikou.core.models import AuditedModel


class Dispatch(AuditedModel):
    """A cadre or specialist sent from one organization to another, counted against a target."""

    CADRE, TEACHER, DOCTOR, AGRONOMIST, TECHNICIAN, OTHER = (
        "cadre",
        "teacher",
        "doctor",
        "agronomist",
        "technician",
        "other",
    )
    FIELDS = [
        (CADRE, _("干部挂职")),
        (TEACHER, _("教师")),
        (DOCTOR, _("医生")),
        (AGRONOMIST, _("农业技术人员")),
        (TECHNICIAN, _("其他专业技术人才")),
        (OTHER, _("其他")),
    ]

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("对口关系"), on_delete=models.PROTECT, related_name="dispatches"
    )
    target = models.ForeignKey(
        "targets.Target",
        verbose_name=_("计入目标"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
    )
    person_name = models.CharField(_("姓名"), max_length=100)
    from_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("派出单位"),
        on_delete=models.PROTECT,
        related_name="dispatches_sent",
    )
    to_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("接收单位"),
        on_delete=models.PROTECT,
        related_name="dispatches_received",
    )
    field = models.CharField(_("类别"), max_length=12, choices=FIELDS, default=OTHER, db_index=True)
    position = models.CharField(_("挂职岗位"), max_length=200, blank=True)
    start_date = models.DateField(_("开始日期"), db_index=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    owner_paths = ("from_organization",)
    recipient_paths = ("to_organization",)
    unit_actions = ("add", "change")

    class Meta:
        verbose_name = _("选派人员")
        verbose_name_plural = _("选派人员")
        ordering = ["-start_date", "id"]
        # The list's default order (newest first, then id) read from an index: on start_date alone, the many people
        # who start on the same day were sorted on every view.
        indexes = [models.Index(fields=["-start_date", "id"], name="dispatch_newest_first")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(start_date__lte=F("end_date")),
                name="dispatch_start_before_end",
            ),
            models.CheckConstraint(
                condition=~Q(from_organization=F("to_organization")), name="dispatch_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.person_name}（{self.get_field_display()}）"

    @property
    def months(self) -> int | None:
        if self.end_date is None:
            return None
        return (self.end_date.year - self.start_date.year) * 12 + self.end_date.month - self.start_date.month
