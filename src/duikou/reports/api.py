"""REST API for periodic reports (every write is a step of the report workflow in reports.services)."""

from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, ModelSchema, Schema
from pydantic import AfterValidator

from duikou.core import permissions as perms
from duikou.core.periods import Period
from duikou.core.rest import Id, Text, add_action, crud_router, resolve
from duikou.organizations.models import Organization
from duikou.programs.models import Program

from .models import Report
from .services import approve_report, return_report, save_report, start_report, submit_report


def _period_code(text: str) -> str:
    """Period.parse owns what a period is (its year range included): the API takes the same codes."""
    return str(Period.parse(text))


PeriodText = Annotated[
    str,
    Field(pattern=r"^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$", max_length=7),
    AfterValidator(_period_code),
]


class ReportRead(ModelSchema):
    period: str

    class Meta:
        model = Report
        fields = [
            "id",
            "program",
            "organization",
            "status",
            "summary",
            "submitted_at",
            "reviewed_at",
            "return_reason",
            "version",
            "created_at",
            "updated_at",
        ]

    @staticmethod
    def resolve_period(obj) -> str:
        return str(obj.period)


class ReportCreate(Schema):
    """Open (or find) a unit's report for a period; the current period when none is given."""

    program_id: Id
    organization_id: Id
    period: PeriodText | None = None


class ProgressIn(Schema):
    task: Id
    status: Annotated[str, Field(max_length=12)] = "in_progress"
    percent: Annotated[int, Field(ge=0, le=100)] = 0
    text: Annotated[str, Field(max_length=20000)] = ""


class FigureIn(Schema):
    allocation: Id
    value: Annotated[str, Field(max_length=40)] | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class ReportUpdate(Schema):
    """The content of a draft report; `version` is the one the editor saw (a stale one is refused)."""

    version: Annotated[int, Field(ge=1, le=2**31 - 1)]
    summary: Annotated[str, Field(max_length=50000)] | None = None
    progress: list[ProgressIn] = []
    figures: list[FigureIn] = []


class ReportReturn(Schema):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class ReportFilter(FilterSchema):
    program: Annotated[Id | None, FilterLookup("program_id")] = None
    organization: Annotated[Id | None, FilterLookup("organization_id")] = None
    status: Annotated[Text | None, FilterLookup("status")] = None
    period: Annotated[PeriodText | None, FilterLookup("period")] = None


def create_report(user, p: ReportCreate) -> Report:
    return start_report(
        program=resolve(Program, user, p.program_id, field="program_id"),
        organization=resolve(Organization, user, p.organization_id, field="organization_id"),
        user=user,
        period=p.period,
    )


def update_report(user, report: Report, p: ReportUpdate) -> Report:
    return save_report(
        report=report,
        user=user,
        version=p.version,
        summary=p.summary,
        progress=[row.dict() for row in p.progress],
        figures=[row.dict() for row in p.figures],
    )


router = crud_router(
    Report,
    name="report",
    read=ReportRead,
    filters=ReportFilter,
    create=ReportCreate,
    update=ReportUpdate,
    create_with=create_report,
    update_with=update_report,
    deletable=False,
)
add_action(
    router,
    Report,
    name="report",
    path="submit",
    response=ReportRead,
    action=perms.VIEW,
    do=lambda user, report, _p: submit_report(report=report, user=user),
)
add_action(
    router,
    Report,
    name="report",
    path="approve",
    response=ReportRead,
    action=perms.VIEW,
    do=lambda user, report, _p: approve_report(report=report, user=user),
)
add_action(
    router,
    Report,
    name="report",
    path="return",
    payload=ReportReturn,
    response=ReportRead,
    action=perms.VIEW,
    do=lambda user, report, p: return_report(report=report, user=user, reason=p.reason),
)
