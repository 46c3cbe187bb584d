"""Achieved to date: the one definition, used by pages, exports, tallies, bulletins and assessments.

A unit's figure in a report is cumulative, so what a unit has achieved toward a target as of a day is its
figure in its latest approved report whose period ended by that day; a target's achieved value is the sum
over units. "Latest" compares periods by end date, then start date, then report id: the stored text
(2023, 2023-Q3, 2023-07) does not sort by date, so it is turned into month numbers in SQL (`period_end_month`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.db.models import CharField, Expression, F, IntegerField, Q, QuerySet, Value, Window
from django.db.models.expressions import Case, When
from django.db.models.functions import Cast, Length, RowNumber, Substr
from django.db.models.lookups import Exact

from duikou.core import permissions as perms
from duikou.core.compiled import AmongIds, Compiled, IdList, Param
from duikou.organizations.models import Organization
from duikou.targets.models import Allocation, Target

from .models import Report, TargetFigure

UNIT, ALLOCATION = "unit", "allocation"
# Only the figures of reports in this status count toward achieved values (so a draft's figures change nothing).
COUNTED_STATUS = Report.APPROVED


def _part(column: str, start: int, length: int):
    return Cast(Substr(column, start, length, output_field=CharField()), IntegerField())


def period_end_month(column: str = "report__period"):
    """The period's last month as year * 12 + month, in SQL (2023 → 2023*12+12, 2023-Q3 → +9, 2023-07 → +7)."""
    return _part(column, 1, 4) * 12 + Case(
        When(Exact(Length(column), 4), then=Value(12)),
        When(Exact(Substr(column, 6, 1, output_field=CharField()), "Q"), then=_part(column, 7, 1) * 3),
        default=_part(column, 6, 2),
        output_field=IntegerField(),
    )


def period_start_month(column: str = "report__period"):
    """The period's first month as year * 12 + month, in SQL."""
    return _part(column, 1, 4) * 12 + Case(
        When(Exact(Length(column), 4), then=Value(1)),
        When(Exact(Substr(column, 6, 1, output_field=CharField()), "Q"), then=_part(column, 7, 1) * 3 - 2),
        default=_part(column, 6, 2),
        output_field=IntegerField(),
    )


def last_full_month(as_of: dt.date) -> int:
    """year * 12 + month of the last month that has ended by `as_of` (the month itself on its last day)."""
    months = as_of.year * 12 + as_of.month
    return months if as_of.day == calendar.monthrange(as_of.year, as_of.month)[1] else months - 1


def latest_figures(
    *,
    per: str = UNIT,
    as_of: dt.date | None = None,
    target_ids=None,
    organization_ids=None,
    allocation_ids=None,
    program=None,
    plan=None,
    user=None,
) -> QuerySet:
    """Approved figures, one per target and reporting unit (per=UNIT) or per allocation (per=ALLOCATION): each
    the latest whose period ended by `as_of` (None: every approved report). A queryset of TargetFigure rows."""
    figures = TargetFigure.objects.filter(report__status=COUNTED_STATUS)
    if per == ALLOCATION:
        figures = figures.filter(allocation__isnull=False)
    if target_ids is not None:
        figures = figures.filter(target_id__in=_ids(target_ids))
    if allocation_ids is not None:  # these shares' figures only
        figures = figures.filter(
            AmongIds("allocation_id", allocation_ids)
            if isinstance(allocation_ids, IdList)
            else Q(allocation_id__in=list(allocation_ids))
        )
    if organization_ids is not None:  # one unit's figures: its own reports, not every unit's on these targets
        figures = figures.filter(report__organization_id__in=_ids(organization_ids))
    if program is not None:
        figures = figures.filter(report__program=program)
    if plan is not None:
        figures = figures.filter(target__plan=plan)
    if user is not None:
        if per == ALLOCATION:
            figures = figures.filter(
                allocation__in=Allocation.objects.restrict(user, perms.VIEW).values("pk")
            )
        else:
            figures = figures.filter(target__in=Target.objects.restrict(user, perms.VIEW).values("pk"))
    end = period_end_month()
    if as_of is not None:
        figures = figures.annotate(period_end=end).filter(period_end__lte=last_full_month(as_of))
    partition = [F("allocation_id")] if per == ALLOCATION else [F("target_id"), F("report__organization_id")]
    return figures.annotate(
        latest=Window(
            RowNumber(),
            partition_by=partition,
            order_by=[end.desc(), period_start_month().desc(), F("report_id").desc()],
        )
    ).filter(latest=1)


def _ids(ids):
    """Ids as a filter takes them: a subquery or an expression (a compiled query's ids) as is, else a list."""
    return ids if isinstance(ids, QuerySet | Expression) else list(ids)


# One unit's figures on given targets (the unit page's shares), compiled once: building and compiling the window's
# expression cost several times what the database spends on a page's 50 targets.
_UNIT_FIGURES = Compiled(
    TargetFigure,
    lambda: latest_figures(target_ids=IdList(), organization_ids=Param("unit")).values_list(
        "target_id", "value"
    ),
)


def unit_figures(organization_id: int, target_ids) -> dict[int, Decimal]:
    """Target id → the unit's figure in its latest approved report: `latest_approved_figures` for one unit."""
    return dict(_UNIT_FIGURES.rows(target_ids, unit=organization_id))


def latest_approved_figures(**filters) -> dict[tuple[int, int], Decimal]:
    """(target id, organization id) → the organization's figure in its latest approved report."""
    return {
        (t, o): v
        for t, o, v in latest_figures(**filters).values_list("target_id", "report__organization_id", "value")
    }


def achieved_by_target(**filters) -> dict[int, Decimal]:
    """Target id → the sum over units of their latest approved figures (filters as `latest_figures`)."""
    totals: dict[int, Decimal] = {}
    for target_id, value in (
        latest_figures(**filters).values_list("target_id", "value").iterator(chunk_size=5000)
    ):
        totals[target_id] = totals.get(target_id, Decimal(0)) + value
    return totals


def achieved_by_allocation(**filters) -> dict[int, Decimal]:
    """Allocation id → the latest approved figure reported against it (filters as `latest_figures`)."""
    return dict(latest_figures(per=ALLOCATION, **filters).values_list("allocation_id", "value"))


# achieved_by_allocation for given shares, restricted to figures on given targets or in given units' reports,
# compiled once a process (building the window query cost ~15 ms of Python a call). The targets' ids are compared
# with the figures' column itself: read through the targets table, PostgreSQL joined every figure against a share to
# the ids one by one, 70–180 ms. The shares' ids are searched in the figures' share index (`AmongIds`): PostgreSQL's
# statistics may say no figure has a share (the bulk data has none; the reports since add thousands), and it then
# walked all that have one, 5–10 ms twice a unit's dashboard, against 0.2–0.7.
_BY_ALLOCATION = {
    name: Compiled(
        TargetFigure,
        lambda name=name, ids=ids: latest_figures(
            per=ALLOCATION, allocation_ids=IdList(name="shares"), **{name: ids()}
        ).values_list("allocation_id", "value"),
        maxsize=2,
    )
    for name, ids in (
        ("target_ids", IdList),
        ("organization_ids", lambda: Organization.objects.filter(pk__in=IdList()).values("pk")),
    )
}


def achieved_by_allocation_of(
    allocation_ids, *, target_ids=None, organization_ids=None
) -> dict[int, Decimal]:
    """achieved_by_allocation(target_ids=…) or (organization_ids=…), one of them, for these shares only: the same
    figures, by a query compiled once."""
    ((name, ids),) = [
        (k, v)
        for k, v in (("target_ids", target_ids), ("organization_ids", organization_ids))
        if v is not None
    ]
    return dict(_BY_ALLOCATION[name].rows(ids, shares=allocation_ids))
