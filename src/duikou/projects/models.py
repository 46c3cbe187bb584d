"""The project library: candidate → approved → under way → completed → in use (or cancelled)."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import MoneyField
from duikou.core.models import AuditedModel, VersionedModel


class Project(AuditedModel, VersionedModel):
    """An assistance project: recipient, implementing unit, sector, place, budget, beneficiaries."""

    CANDIDATE, APPROVED, UNDER_WAY, COMPLETED, IN_USE, CANCELLED = (
        "candidate",
        "approved",
        "under_way",
        "completed",
        "in_use",
        "cancelled",
    )
    STATUSES = [
        (CANDIDATE, _("储备")),
        (APPROVED, _("已立项")),
        (UNDER_WAY, _("在建")),
        (COMPLETED, _("已完工")),
        (IN_USE, _("已投用")),
        (CANCELLED, _("已取消")),
    ]
    # The life of a project: which status may follow which.
    TRANSITIONS = {
        CANDIDATE: {APPROVED, CANCELLED},
        APPROVED: {UNDER_WAY, CANCELLED},
        UNDER_WAY: {COMPLETED, CANCELLED},
        COMPLETED: {IN_USE},
        IN_USE: set(),
        CANCELLED: set(),
    }

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("对口关系"), on_delete=models.PROTECT, related_name="projects"
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    code = models.CharField(_("项目编号"), max_length=50, blank=True, db_index=True)
    name = models.CharField(_("项目名称"), max_length=300)
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=CANDIDATE, db_index=True)
    recipient = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("受援单位"),
        on_delete=models.PROTECT,
        related_name="projects_received",
    )
    implementer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("实施单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects_implemented",
    )
    proposed_by = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("申报单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects_proposed",
    )
    sector = models.CharField(_("领域"), max_length=100, blank=True, db_index=True)
    place = models.CharField(_("建设地点"), max_length=200, blank=True)
    budget = MoneyField(_("总投资（元）"), default=0)
    beneficiaries = models.PositiveIntegerField(_("受益人数"), default=0)
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    end_date = models.DateField(_("完工日期"), null=True, blank=True)
    description = models.TextField(_("建设内容"), blank=True)

    owner_paths = ("implementer",)
    recipient_paths = ("recipient",)
    unit_actions = ("add", "change")
    recipient_actions = ("add",)

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="project_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(start_date__lte=F("end_date")),
                name="project_start_before_end",
            ),
        ]

    def __str__(self):
        return self.name

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())
