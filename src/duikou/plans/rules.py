"""Who may import, publish and edit plans and set a task's status (see duikou.core.workflow)."""

import rules
from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import ADD, CHANGE, DELETE
from duikou.core.workflow import allowed, is_office, status_in, step

from .models import Plan, Responsibility, Task

step("plans.import", who=allowed(Plan, ADD), label=_("导入方案"))
step(
    "plans.publish",
    who=is_office & allowed(Plan, CHANGE),
    when=~status_in(Plan.ARCHIVED),
    label=_("发布方案"),
)
# The plan's words (title, text, deadline, units) are the office's; the task table applies many such edits at once.
step("plans.edit_task", who=is_office & allowed(Task, CHANGE), label=_("修改任务"))
step(
    "plans.apply_task_table",
    who=is_office & allowed(Task, ADD) & allowed(Task, CHANGE) & allowed(Task, DELETE),
    label=_("通过任务分工表修改方案"),
)


@rules.predicate(name="in_draft_plan")
def in_draft_plan(user, obj) -> bool:
    """The task (or a unit's part of it) belongs to a plan not yet published: the office still corrects it."""
    task = getattr(obj, "task", None) if isinstance(obj, Responsibility) else obj
    plan = getattr(task, "plan", None)
    return plan is not None and plan.status == Plan.DRAFT


# Once the plan is published, a task's status and progress move only through approved reports and approved
# change requests (supervision), for everyone, the office included; before, the office corrects the import.
step(
    "tasks.set_status",
    who=is_office & allowed(Task, CHANGE),
    when=in_draft_plan,
    label=_("直接设置任务状态和进度"),
)
# Likewise a published task's deadline and units change only through an approved change request.
step(
    "tasks.change_terms",
    who=is_office & allowed(Task, CHANGE),
    when=in_draft_plan,
    label=_("直接修改任务的完成时限和责任单位"),
)
