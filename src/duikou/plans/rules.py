"""Who may import, publish and edit plans and set a task's status (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import ADD, CHANGE, DELETE
from duikou.core.workflow import allowed, is_office, status_in, step

from .models import Plan, Task

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
# A task's status and progress move through approved reports (and the office's own hand), never by a unit
# setting them directly: a supporting unit must not complete a task it does not lead.
step("tasks.set_status", who=is_office & allowed(Task, CHANGE), label=_("直接设置任务状态和进度"))
