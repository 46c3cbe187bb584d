"""Plans (published documents), their sections, tasks and the units responsible for each task."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duikou.core.dates import today_for
from duikou.core.fields import YearField
from duikou.core.models import AuditedModel, VersionedModel
from duikou.core.permissions import RestrictedQuerySet
from duikou.core.rows import attach_figures

COMPLETED = "completed"
CANCELLED = "cancelled"  # a task cancelled by an approved request: closed, never overdue


# -- the one definition of "overdue" ----------------------------------------------------------------
# A task is overdue on `day` when its due date is before `day` and it was not completed by `day`. Everything
# that counts overdue tasks (lists, dashboard, tallies, bulletins, reminders, assessments) calls one of these.
def is_overdue(
    status: str, due_date: dt.date | None, day: dt.date, completed_on: dt.date | None = None
) -> bool:
    """The rule on plain values (tally rows carry status and due date only: they judge the present)."""
    if due_date is None or not due_date < day or status == CANCELLED:
        return False
    return not (status == COMPLETED and (completed_on is None or completed_on <= day))


def overdue_q(day: dt.date, prefix: str = "", *, completion_date: bool = True) -> Q:
    """The rule as a query condition, on tasks (`prefix` reaches them through a relation, e.g. "task__").

    completion_date=False judges by status alone, for tallies kept per status and due date; for `day` today it
    is the same answer (no task was completed after today).
    """
    done = Q(**{f"{prefix}status": COMPLETED})
    if completion_date:
        done &= Q(**{f"{prefix}completed_on__isnull": True}) | Q(**{f"{prefix}completed_on__lte": day})
    return Q(**{f"{prefix}due_date__lt": day}) & ~done & ~Q(**{f"{prefix}status": CANCELLED})


# Per-row figures other apps add to tasks shown on pages and in the API (supervision adds each task's light):
# functions queryset -> queryset, registered at app start. Plans cannot import the layers above it.
TASK_ANNOTATORS: list = []


# The same figures for tasks already read, by id, for pages that show a bounded set of rows (one query each, which
# the registrant may compile once): functions (ids) -> {task id: {name: value}}.
TASK_FIGURES: list = []


def annotate_tasks(queryset):
    """Any task queryset with every registered per-row annotation (the light, …)."""
    for annotate in TASK_ANNOTATORS:
        queryset = annotate(queryset)
    return queryset


def task_figures(ids) -> dict[int, dict]:
    """Every registered per-row figure (the light, …) of the tasks with these ids: {id: {name: value}}."""
    found: dict[int, dict] = {}
    for figures in TASK_FIGURES:
        for pk, values in figures(ids).items():
            found.setdefault(pk, {}).update(values)
    return found


def attach_task_figures(tasks):
    """Tasks already read, given every registered per-row figure (the light, …): what `annotate_tasks` adds."""
    return attach_figures(list(tasks), task_figures)


class TaskQuerySet(RestrictedQuerySet):
    def with_extras(self):
        """The tasks with every registered per-row annotation (the light, …)."""
        return annotate_tasks(self)

    def overdue(self, day: dt.date | None = None):
        """Tasks overdue on `day` (default: today in the program office's time zone)."""
        return self.filter(overdue_q(day or today_for()))

    def done_by(self, day: dt.date):
        """Tasks completed on or before `day`."""
        return self.filter(Q(status=COMPLETED) & (Q(completed_on__isnull=True) | Q(completed_on__lte=day)))


class Plan(AuditedModel, VersionedModel):
    """A published document of a program: its header, the source kept verbatim, and its tasks."""

    DRAFT, PUBLISHED, ARCHIVED = "draft", "published", "archived"
    STATUSES = [(DRAFT, _("草稿")), (PUBLISHED, _("已发布")), (ARCHIVED, _("已归档"))]

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("对口关系"), on_delete=models.PROTECT, related_name="plans"
    )
    title = models.CharField(_("标题"), max_length=500)
    doc_number = models.CharField(_("文号"), max_length=100, blank=True)
    issuer = models.CharField(_("发布机构"), max_length=200, blank=True)
    issuer_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("发布单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_plans",
    )
    issued_on = models.DateField(_("成文日期"), null=True, blank=True, db_index=True)
    start_year = YearField(_("起始年份"), null=True, blank=True)
    end_year = YearField(_("结束年份"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=DRAFT, db_index=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    source_name = models.CharField(_("来源文件名"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("来源文件摘要"), max_length=64, unique=True)
    source_content = models.BinaryField(_("来源文件"), editable=False)
    source_text = models.TextField(_("来源正文"), blank=True)
    donors_printed = models.JSONField(_("支援方（原文）"), default=list, blank=True)
    recipients_printed = models.JSONField(_("受援方（原文）"), default=list, blank=True)
    extra = models.JSONField(
        _("其他字段"), default=dict, blank=True, help_text=_("导入文件中的附加字段，导出时原样带回")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    owner_paths = ("tasks__responsibilities__organization", "targets__allocations__organization")
    recipient_paths = ("program__recipients",)
    unit_actions = ()
    audit_exclude = ("created_at", "updated_at", "source_content", "source_text")

    class Meta:
        verbose_name = _("方案")
        verbose_name_plural = _("方案")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(start_year__lte=F("end_year")),
                name="plan_start_before_end",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="plan_title_not_empty"),
        ]

    def __str__(self):
        return self.title


class Section(AuditedModel):
    """A numbered heading of a plan (二、重点任务) that groups tasks."""

    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("编号"), max_length=20)
    path = models.JSONField(_("编号路径"), default=list)
    title = models.CharField(_("标题"), max_length=500, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)

    owner_paths = ("tasks__responsibilities__organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("章节")
        verbose_name_plural = _("章节")
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class Task(AuditedModel, VersionedModel):
    """A numbered work item with its responsible units and deadline."""

    NOT_STARTED, IN_PROGRESS, COMPLETED, SUSPENDED = "not_started", "in_progress", COMPLETED, "suspended"
    CANCELLED = CANCELLED
    STATUSES = [
        (NOT_STARTED, _("未开始")),
        (IN_PROGRESS, _("推进中")),
        (COMPLETED, _("已完成")),
        (SUSPENDED, _("暂缓")),
        (CANCELLED, _("已取消")),
    ]
    # Closed tasks: never overdue, never red; their light is "done".
    CLOSED = (COMPLETED, CANCELLED)

    plan = models.ForeignKey(Plan, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="tasks")
    section = models.ForeignKey(
        Section,
        verbose_name=_("章节"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    number = models.CharField(_("编号"), max_length=20, blank=True)
    path = models.JSONField(_("编号路径"), default=list)
    title = models.CharField(_("标题"), max_length=1000)
    text = models.TextField(_("内容"), blank=True)
    deadline = models.CharField(_("完成时限"), max_length=100, blank=True)
    due_date = models.DateField(_("截止日期"), null=True, blank=True, db_index=True)
    status = models.CharField(_("状态"), max_length=12, choices=STATUSES, default=NOT_STARTED, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    extra = models.JSONField(
        _("其他字段"), default=dict, blank=True, help_text=_("导入文件中该项的附加字段，导出时原样带回")
    )

    objects = TaskQuerySet.as_manager()

    owner_paths = ("responsibilities__organization",)
    recipient_paths = ("plan__program__recipients",)
    # Units change a task only through approved reports and change requests (supervision), never directly.
    unit_actions = ()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        # By the plan's id, not through Plan's own ordering: the (plan, order) index then serves paged lists
        # such as the API's without a join and a sort over every task.
        ordering = ["plan_id", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.UniqueConstraint(fields=["plan", "order"], name="task_unique_order_in_plan"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def is_overdue(self) -> bool:
        """Overdue today (in the program office's time zone)."""
        return self.overdue_on(today_for())

    def overdue_on(self, day: dt.date) -> bool:
        return is_overdue(self.status, self.due_date, day, self.completed_on)

    def done_by(self, day: dt.date) -> bool:
        """Completed on or before `day`."""
        return self.status == self.COMPLETED and (self.completed_on is None or self.completed_on <= day)

    def roll_up_parts(self) -> None:
        """Set status and progress from the units' parts: the one rule for a task several units share.

        Progress is the mean of the lead units' parts (of every unit's when none leads); the task is completed
        only when every lead part is approved done. A cancelled task stays cancelled. Saves only on a change.
        """
        if self.status == self.CANCELLED:
            return
        parts = list(self.responsibilities.all())
        leads = [p for p in parts if p.role == Responsibility.LEAD] or parts
        if not leads:
            return
        progress = round(sum(p.part_progress for p in leads) / len(leads))
        if all(p.part_status == self.COMPLETED for p in leads):
            status, progress = self.COMPLETED, 100
        elif any(p.part_status == self.SUSPENDED for p in leads):
            status = self.SUSPENDED
        elif progress > 0 or any(p.part_status != self.NOT_STARTED for p in parts):
            status = self.IN_PROGRESS
        else:
            status = self.NOT_STARTED
        completed_on = self.completed_on
        if status == self.COMPLETED:
            completed_on = (
                completed_on
                or max((p.part_completed_on for p in leads if p.part_completed_on), default=None)
                or today_for(self.plan.program)
            )
        else:
            completed_on = None
        if (status, progress, completed_on) != (self.status, self.progress, self.completed_on):
            self.status, self.progress, self.completed_on = status, progress, completed_on
            self.save()


class Responsibility(AuditedModel):
    """One organization's part in one task: lead (牵头) or support (配合)."""

    LEAD, SUPPORT = "lead", "support"
    ROLES = [(LEAD, _("牵头")), (SUPPORT, _("配合"))]

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="responsibilities"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    role = models.CharField(_("分工"), max_length=8, choices=ROLES, db_index=True)
    printed_name = models.CharField(_("原文名称"), max_length=200)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    # This unit's part of the task, moved only by its approved reports and approved completion requests.
    part_status = models.CharField(
        _("本单位状态"), max_length=12, choices=Task.STATUSES, default=Task.NOT_STARTED
    )
    part_progress = models.PositiveSmallIntegerField(_("本单位进度（%）"), default=0)
    part_completed_on = models.DateField(_("本单位完成日期"), null=True, blank=True)

    owner_paths = ("organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("责任分工")
        verbose_name_plural = _("责任分工")
        ordering = ["task", "role", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "role", "printed_name"], name="responsibility_unique_name_in_task"
            ),
            models.CheckConstraint(
                condition=Q(part_progress__lte=100), name="responsibility_part_at_most_100"
            ),
        ]

    def __str__(self):
        # A plain lookup, not get_role_display(): an import logs 20,000 of these and Django's display hashes the
        # choices on every call.
        return f"{dict(self.ROLES).get(self.role, self.role)}：{self.printed_name}"
