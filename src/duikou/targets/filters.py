"""Filters of targets and allocations: one definition each, read by the list page, its export and the API."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import DistinctChoices, Filter, Filters, Id, Year

from .models import Target

TARGET_FILTERS = Filters(
    [
        Filter("plan", _("方案"), "plan_id", DistinctChoices("plan_id", "plan__title"), type=Id),
        Filter("program", _("对口关系"), "plan__program_id", type=Id, on_page=False),
        Filter("task", _("任务"), "task_id", type=Id, on_page=False),
        Filter("year", _("年份"), "year", DistinctChoices("year", "year"), type=Year),
        Filter("unit", _("计量单位"), "unit", Target.UNITS),
        Filter(
            "organization",
            _("分解单位"),
            "allocations__organization_id",
            DistinctChoices("allocations__organization_id", "allocations__organization__full_name"),
            type=Id,
        ),
    ],
    search=("indicator", "text"),
)

ALLOCATION_FILTERS = Filters(
    [
        Filter("target", _("目标"), "target_id", type=Id),
        Filter("plan", _("方案"), "target__plan_id", type=Id),
        Filter("organization", _("单位"), "organization_id", type=Id),
    ]
)
