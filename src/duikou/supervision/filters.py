"""Filters of urges, change requests, instructions and 督办 notices (API lists), and of tasks by their light."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import Filter, Filters, Flag, Id, Text, Year

from . import lights

URGE_FILTERS = Filters(
    [
        Filter("task", _("任务"), "task_id", type=Id),
        Filter("report", _("报告"), "report_id", type=Id),
        Filter("organization", _("单位"), "organization_id", type=Id),
        Filter("unread", _("未读"), "read_at__isnull", type=Flag),
    ]
)

CHANGE_REQUEST_FILTERS = Filters(
    [
        Filter("task", _("任务"), "task_id", type=Id),
        Filter("organization", _("单位"), "organization_id", type=Id),
        Filter("kind", _("类型"), "kind", type=Text),
        Filter("status", _("状态"), "status", type=Text),
    ]
)

INSTRUCTION_FILTERS = Filters(
    [
        Filter("task", _("任务"), "task_id", type=Id),
        Filter("organization", _("承办单位"), "targets__organization_id", type=Id),
        Filter("open", _("未办结"), "closed_at__isnull", type=Flag),
    ]
)

NOTICE_FILTERS = Filters(
    [
        Filter("task", _("任务"), "task_id", type=Id),
        Filter("organization", _("单位"), "organization_id", type=Id),
        Filter("status", _("状态"), "status", type=Text),
        Filter("level", _("层级"), "level", type=Text),
        Filter("year", _("年度"), "year", type=Year),
    ]
)

# Added to the tasks' filters (plans.filters.TASK_FILTERS) when the app starts: the task list page, its export
# and the API's task list all take ?light=green|yellow|red|done.
TASK_LIGHT_FILTER = Filter(
    "light",
    _("红黄绿灯"),
    lambda queryset, value: lights.annotate_lights(queryset).filter(light=value),
    lights.LIGHTS,
)
