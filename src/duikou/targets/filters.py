"""Filters of the target list."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Filter, distinct_choices

from .models import Target

TARGET_FILTERS = [
    Filter("plan", _("方案"), "plan_id", distinct_choices("plan_id", "plan__title")),
    Filter("year", _("年份"), "year", distinct_choices("year", "year")),
    Filter("unit", _("计量单位"), "unit", Target.UNITS),
    Filter(
        "organization",
        _("分解单位"),
        "allocations__organization_id",
        distinct_choices("allocations__organization_id", "allocations__organization__full_name"),
    ),
]
