"""Filters of the funding-line list."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Filter, distinct_choices

FUNDING_FILTERS = [
    Filter("plan", _("方案"), "plan_id", distinct_choices("plan_id", "plan__title")),
    Filter(
        "program",
        _("对口关系"),
        "plan__program_id",
        distinct_choices("plan__program_id", "plan__program__name"),
    ),
    Filter("year", _("年度"), "year", distinct_choices("year", "year")),
    Filter("source", _("资金来源"), "source", distinct_choices("source", "source")),
]
