"""REST API for periodic reports (every write is a step of the report workflow in reports.services)."""

from typing import Annotated

from ninja import Field, ModelSchema, Schema

from duikou.core import permissions as perms
from duikou.core.rest import Id, add_action, crud_router, resolve
from duikou.organizations.models import Organization
from duikou.programs.models import Program

from .filters import REPORT_FILTERS, PeriodText
from .models import Report
from .services import approve_report, return_report, save_report, start_report, submit_report


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
    filters=REPORT_FILTERS,
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
