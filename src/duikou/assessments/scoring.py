"""Scoring a year (绩效考核): the parts of a unit's score (tasks on time, targets reached, money spent, reports
on time), their weights, and the ranked scores as of the year's end. Computation only; `services` stores them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy

from duikou.core.dates import local_date, today_for
from duikou.core.periods import Period
from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Responsibility, Task
from duikou.programs.models import Program
from duikou.reports.achieved import achieved_by_allocation
from duikou.reports.models import Report
from duikou.targets.models import Allocation, credit

from .models import AssessmentRule

# A report counts as on time when submitted within this many days after its period ends.
REPORT_GRACE_DAYS = 10
COMPONENTS = (
    ("tasks_on_time", gettext_lazy("任务按时完成"), "weight_tasks_on_time"),
    ("targets_reached", gettext_lazy("目标完成"), "weight_targets_reached"),
    ("funds_spent", gettext_lazy("资金执行"), "weight_funds_spent"),
    ("reports_on_time", gettext_lazy("月报按时报送"), "weight_reports_on_time"),
)
HUNDRED = Decimal(100)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Component:
    """One part of a unit's score: how many items, how many met, the ratio and the points it gives."""

    done: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    ratio: Decimal | None = None  # None: nothing to judge this unit on, its weight goes to the other parts

    def close(self) -> Component:
        self.ratio = None if self.total == 0 else min(Decimal(1), self.done / self.total)
        return self


@dataclass
class UnitScore:
    """A unit's score with its breakdown, before it is stored as an Assessment."""

    organization: Organization
    parts: dict[str, Component] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0


def program_plans(program: Program):
    return Plan.objects.filter(program=program, status=Plan.PUBLISHED)


def _covers(year: int) -> Q:
    """Items with no date of their own count in every year their plan covers."""
    return (Q(plan__start_year__isnull=True) | Q(plan__start_year__lte=year)) & (
        Q(plan__end_year__isnull=True) | Q(plan__end_year__gte=year)
    )


def _tasks_for_year(program: Program, year: int):
    plans = program_plans(program)
    return Task.objects.filter(plan__in=plans).filter(
        Q(due_date__year=year) | (Q(due_date__isnull=True) & _covers(year))
    )


def done_on_time(task: Task, by: dt.date) -> bool:
    """Completed, and no later than its due date (or `by` when it has none)."""
    if task.status != Task.COMPLETED:
        return False
    deadline = min(task.due_date or by, by)
    return task.completed_on is None or task.completed_on <= deadline


def _expected_periods(program: Program, year: int, today: dt.date) -> list[Period]:
    """The reporting periods of `year` whose deadline has passed by `today`."""
    period = Period.containing(dt.date(year, 1, 1), program.reporting_period)
    out = []
    while period.year == year:
        if period.end + dt.timedelta(days=REPORT_GRACE_DAYS) < today:
            out.append(period)
        period = period.next()
    return out


def score_units(
    *, program: Program, year: int, weights: dict[str, Decimal], today: dt.date | None = None
) -> list[UnitScore]:
    """Every responsible unit of the program scored for `year` by `weights` (0–100), ranked; every figure is
    as of the year's end, or of `today` (the program's today by default) while the year runs."""
    today = today or today_for(program)
    year_end = dt.date(year, 12, 31)
    by = min(year_end, today)
    plans = program_plans(program)
    scores: dict[int, UnitScore] = {}

    def unit(org: Organization) -> UnitScore:
        if org.pk not in scores:
            scores[org.pk] = UnitScore(org, {key: Component() for key, _label, _w in COMPONENTS})
        return scores[org.pk]

    tasks = _tasks_for_year(program, year)
    for resp in Responsibility.objects.filter(task__in=tasks).select_related("task", "organization"):
        part = unit(resp.organization).parts["tasks_on_time"]
        part.total += 1
        part.done += 1 if done_on_time(resp.task, by) else 0

    achieved = achieved_by_allocation(program=program, as_of=by)
    allocations = (
        Allocation.objects.filter(target__plan__in=plans)
        .filter(
            Q(target__year=year)
            | (
                Q(target__year__isnull=True)
                & Q(
                    target__plan__in=plans.filter(
                        Q(start_year__isnull=True) | Q(start_year__lte=year),
                        Q(end_year__isnull=True) | Q(end_year__gte=year),
                    )
                )
            )
        )
        .select_related("target", "organization")
    )
    for alloc in allocations:
        part = unit(alloc.organization).parts["targets_reached"]
        part.total += 1
        part.done += credit(alloc.target.comparator, alloc.value, achieved.get(alloc.pk))

    lines = FundingLine.objects.filter(plan__in=plans, year=year, source_organization__isnull=False)
    planned = defaultdict(Decimal)
    for line in lines.select_related("source_organization"):
        unit(line.source_organization)
        planned[line.source_organization_id] += line.amount
    spent = dict(
        Transaction.objects.spent()
        .filter(date__year=year, date__lte=by)
        .filter(Q(funding_line__in=lines) | Q(funding_line__isnull=True, project__program=program))
        .values_list("payer_id")
        .annotate(total=Sum("amount"))
        .values_list("payer_id", "total")
    )
    for org_id, amount in planned.items():
        if amount > 0:
            part = scores[org_id].parts["funds_spent"]
            part.total, part.done = amount, min(spent.get(org_id, Decimal(0)), amount)

    periods = _expected_periods(program, year, today)
    if periods:
        reports = Report.objects.filter(
            program=program, organization_id__in=list(scores), period__in=[str(p) for p in periods]
        )
        on_time = defaultdict(int)
        for report in reports.exclude(submitted_at__isnull=True):
            deadline = report.period.end + dt.timedelta(days=REPORT_GRACE_DAYS)
            if local_date(report.submitted_at, program) <= deadline:
                on_time[report.organization_id] += 1
        for org_id, s in scores.items():
            s.parts["reports_on_time"].total = Decimal(len(periods))
            s.parts["reports_on_time"].done = Decimal(on_time[org_id])

    for s in scores.values():
        applicable = [(weights[key], s.parts[key].close().ratio) for key, _l, _w in COMPONENTS]
        weight_sum = sum((w for w, r in applicable if r is not None), Decimal(0))
        points = sum((w * r for w, r in applicable if r is not None), Decimal(0))
        s.score = q2(points / weight_sum * HUNDRED) if weight_sum > 0 else Decimal("0.00")
    ranked = sorted(scores.values(), key=lambda s: (-s.score, s.organization.full_name))
    for i, s in enumerate(ranked):
        # Competition ranking: equal scores share a rank, the next rank skips (1, 1, 3).
        s.rank = ranked[i - 1].rank if i and s.score == ranked[i - 1].score else i + 1
    return ranked


def rule_weights(rule: AssessmentRule) -> dict[str, Decimal]:
    return {key: Decimal(getattr(rule, attr)) for key, _label, attr in COMPONENTS}


def breakdown_of(s: UnitScore, weights: dict[str, Decimal]) -> dict:
    """The stored breakdown: per part, items met / items, ratio, weight and points (JSON-ready)."""
    weight_sum = sum((weights[k] for k, _l, _a in COMPONENTS if s.parts[k].ratio is not None), Decimal(0))
    out = {}
    for key, label, _attr in COMPONENTS:
        part = s.parts[key]
        points = (
            (weights[key] * part.ratio / weight_sum * HUNDRED)
            if part.ratio is not None and weight_sum
            else None
        )
        out[key] = {
            "label": str(label),
            "done": float(part.done),
            "total": float(part.total),
            "ratio": None if part.ratio is None else float(q2(part.ratio * HUNDRED)) / 100,
            "weight": float(weights[key]),
            "points": None if points is None else float(q2(points)),
        }
    return out
