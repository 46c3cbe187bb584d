"""Plan workflow: publish a plan, and who may set a task's status or terms directly. Importing a plan is
`plans.importer`, writing it out again as duikou.plan/1 `plans.export`."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core import workflow

from .models import Plan, Task

# A task's status, progress and completion date move only through approved reports and approved change requests
# (Task.roll_up_parts); its deadline and units only through approved change requests. Set directly only while the
# plan is a draft, by the office (the steps `tasks.set_status` and `tasks.change_terms` in plans/rules.py).
TASK_STATUS_FIELDS = frozenset({"status", "progress", "completed_on"})
TASK_TERM_FIELDS = frozenset({"deadline", "due_date"})


def may_set_task_status(user, task: Task | None = None) -> bool:
    """Whether `user` may set a task's status, progress or completion date directly (step `tasks.set_status`)."""
    return workflow.can(user, "tasks.set_status", task)


def may_change_task_terms(user, task: Task | None = None) -> bool:
    """Whether `user` may change a task's deadline or units directly (step `tasks.change_terms`)."""
    return workflow.can(user, "tasks.change_terms", task)


def require_task_fields(user, task: Task, fields) -> None:
    """Refuse a direct edit of `task`'s status or terms that the steps do not allow (pages, API and admin alike)."""
    fields = set(fields)
    if fields & TASK_STATUS_FIELDS:
        workflow.require(
            user,
            "tasks.set_status",
            task,
            message=_(
                "任务的状态和进度只随审核通过的月报和批准的变更申请变化（%(task)s）；"
                "责任单位请通过月报报送进展，或提出“申请完成”“取消任务”"
            )
            % {"task": task},
        )
    if fields & TASK_TERM_FIELDS:
        workflow.require(
            user,
            "tasks.change_terms",
            task,
            message=_("已发布方案的任务，完成时限只能通过变更申请调整（%(task)s）") % {"task": task},
        )


def require_unit_change(user, task: Task) -> None:
    """Refuse a direct change of a task's responsible units unless the steps allow it (step `tasks.change_terms`)."""
    workflow.require(
        user,
        "tasks.change_terms",
        task,
        message=_("已发布方案的任务，责任单位只能通过变更申请调整（%(task)s）") % {"task": task},
    )


@transaction.atomic
def publish_plan(*, plan: Plan, user=None) -> Plan:
    """Make a plan live: its tasks become trackable and visible to the responsible units (the CLI passes no user)."""
    if user is not None:
        workflow.require(user, "plans.publish", plan)
    if plan.status == Plan.PUBLISHED:
        return plan
    plan.status = Plan.PUBLISHED
    plan.published_at = timezone.now()
    plan.save()
    return plan
