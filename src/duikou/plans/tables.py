"""Columns of the plan and task lists (shared by the page and its .xlsx export)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Column
from duikou.core.rows import object_url


def plan_link(plan):
    return object_url("plans:detail", plan.pk)


def task_plan_link(task):
    """A task's own page (its units' parts, light, urges and requests)."""
    return object_url("supervision:task", task.pk)


def task_units(kind):
    """A task's units of one role as the plan printed them (`printed_units`, attached by TaskListView.decorate)."""

    def units(task):
        return "、".join(task.printed_units.get(kind, ()))

    return units


PLAN_COLUMNS = [
    Column("title", _("标题"), sort="title", link=plan_link),
    Column("doc_number", _("文号"), sort="doc_number"),
    Column("program", _("对口关系"), "program.name", sort="program__name"),
    Column("issuer", _("发布机构"), sort="issuer"),
    Column("issued_on", _("成文日期"), sort="issued_on"),
    Column("status", _("状态"), sort="status"),
    Column("task_count", _("任务数"), sort="task_count", css="num"),
]

TASK_COLUMNS = [
    Column("number", _("编号"), sort="order"),
    Column("title", _("任务"), sort="title", link=task_plan_link),
    Column("plan", _("方案"), "plan.title", sort="plan__title"),
    Column("lead", _("牵头单位"), task_units("lead")),
    Column("support", _("配合单位"), task_units("support")),
    Column("deadline", _("完成时限"), sort="due_date"),
    Column("due_date", _("截止日期"), sort="due_date"),
    Column("status", _("状态"), sort="status"),
    Column("progress", _("进度（%）"), sort="progress", css="num"),
]
