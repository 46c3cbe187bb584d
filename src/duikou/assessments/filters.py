"""Filters of assessment rules and results (API lists)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import Filter, Filters, Id, Year

ASSESSMENT_RULE_FILTERS = Filters(
    [
        Filter("program", _("对口关系"), "program_id", type=Id),
        Filter("year", _("年度"), "year", type=Year),
    ]
)

ASSESSMENT_FILTERS = Filters(
    [
        Filter("rule", _("考核规则"), "rule_id", type=Id),
        Filter("program", _("对口关系"), "rule__program_id", type=Id),
        Filter("year", _("年度"), "rule__year", type=Year),
        Filter("organization", _("单位"), "organization_id", type=Id),
    ]
)
