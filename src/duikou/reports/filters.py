"""Filters of reports: one definition, read by the report list page and the API."""

from typing import Annotated

from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field

from duikou.core.filtering import Filter, Filters, Id
from duikou.core.periods import Period

from .models import Report


def _period_code(text: str) -> str:
    """Period.parse owns what a period is (its year range included): the API takes the same codes."""
    return str(Period.parse(text))


PeriodText = Annotated[
    str,
    Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$", max_length=7),
    AfterValidator(_period_code),
]

REPORT_FILTERS = Filters(
    [
        Filter("status", _("状态"), "status", Report.STATUSES),
        Filter("program", _("对口关系"), "program_id", type=Id),
        Filter("organization", _("填报单位"), "organization_id", type=Id, on_page=False),
        Filter("period", _("报告期"), "period", type=PeriodText, on_page=False),
    ]
)
