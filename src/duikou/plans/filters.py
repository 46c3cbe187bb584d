"""Filters of plans, sections, tasks and responsibilities: one definition each, read by the list pages, their
exports and the API (`core.filtering`). The overdue rule itself is `plans.models.overdue_q`."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import Date, DistinctChoices, Filter, Filters, Id, Text, Year

from .models import Plan, Task

OVERDUE = "overdue"
TASK_STATUS_CHOICES = [*Task.STATUSES, (OVERDUE, _("已逾期"))]


def filter_task_status(queryset, value: str):
    """A status, or 已逾期 (`Task.objects.overdue`); an unknown status matches nothing."""
    if value == OVERDUE:
        return queryset.overdue()
    if value in dict(Task.STATUSES):
        return queryset.filter(status=value)
    return queryset.none()


PLAN_FILTERS = Filters(
    [
        Filter(
            "program", _("对口关系"), "program_id", DistinctChoices("program_id", "program__name"), type=Id
        ),
        Filter("status", _("状态"), "status", Plan.STATUSES),
        Filter("year", _("起始年度不晚于"), "start_year__lte", type=Year, on_page=False),
    ],
    search=("title", "doc_number", "issuer"),
)

SECTION_FILTERS = Filters(
    [
        Filter("plan", _("方案"), "plan_id", type=Id),
        Filter("parent", _("上级章节"), "parent_id", type=Id),
    ]
)

TASK_FILTERS = Filters(
    [
        Filter("plan", _("方案"), "plan_id", DistinctChoices("plan_id", "plan__title"), type=Id),
        Filter("program", _("对口关系"), "plan__program_id", type=Id, on_page=False),
        Filter("section", _("章节"), "section_id", type=Id, on_page=False),
        Filter(
            "unit",
            _("责任单位"),
            "responsibilities__organization_id",
            DistinctChoices("responsibilities__organization_id", "responsibilities__organization__full_name"),
            type=Id,
            aliases=("organization",),  # the API's name for it
        ),
        Filter("status", _("状态"), filter_task_status, TASK_STATUS_CHOICES),
        Filter("due_before", _("完成时限不晚于"), "due_date__lte", type=Date, on_page=False),
        Filter("due_after", _("完成时限不早于"), "due_date__gte", type=Date, on_page=False),
    ],
    search=("title", "text", "number"),
)

RESPONSIBILITY_FILTERS = Filters(
    [
        Filter("task", _("任务"), "task_id", type=Id),
        Filter("plan", _("方案"), "task__plan_id", type=Id),
        Filter("organization", _("单位"), "organization_id", type=Id),
        Filter("role", _("角色"), "role", type=Text),
    ]
)
