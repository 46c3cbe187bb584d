"""Filters of the plan and task lists (the overdue rule itself is `plans.models.overdue_q`)."""

from django.utils.translation import gettext_lazy as _

from duikou.web.lists import Filter, distinct_choices

from .models import Plan, Task

OVERDUE = "overdue"
TASK_STATUS_CHOICES = [*Task.STATUSES, (OVERDUE, _("已逾期"))]


def filter_task_status(queryset, value: str):
    if value == OVERDUE:
        return queryset.overdue()
    if value in dict(Task.STATUSES):
        return queryset.filter(status=value)
    return queryset


PLAN_FILTERS = [
    Filter("program", _("对口关系"), "program_id", distinct_choices("program_id", "program__name")),
    Filter("status", _("状态"), "status", Plan.STATUSES),
]

TASK_FILTERS = [
    Filter("plan", _("方案"), "plan_id", distinct_choices("plan_id", "plan__title")),
    Filter(
        "unit",
        _("责任单位"),
        "responsibilities__organization_id",
        distinct_choices("responsibilities__organization_id", "responsibilities__organization__full_name"),
    ),
    Filter("status", _("状态"), filter_task_status, TASK_STATUS_CHOICES),
]
