"""A period's bulletin figures (工作通报): tasks done and overdue, targets, money and reports per unit, as of the
period's end (never today's figures for a past period)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from duikou.core.dates import today_for
from duikou.core.periods import Period
from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import Responsibility, Task
from duikou.programs.models import Program
from duikou.reports.achieved import achieved_by_target
from duikou.targets.models import Target

from .models import AssessmentRule
from .scoring import HUNDRED, UnitScore, done_on_time, program_plans, q2, rule_weights, score_units


@dataclass
class UnitCompletion:
    """One unit's tasks as of a date: responsible for, completed, completed on time, overdue."""

    organization: Organization
    total: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    rank: int = 0

    @property
    def rate(self) -> Decimal:
        return q2(Decimal(self.completed) / self.total * HUNDRED) if self.total else Decimal("0.00")


@dataclass
class BulletinFigures:
    """Everything a bulletin states for one program and period."""

    program: Program
    period: Period
    as_of: dt.date
    task_count: int
    completed: int
    units: list[UnitCompletion]
    overdue: list[Task]
    targets: list[tuple[Target, Decimal]]
    funds: list[tuple[FundingLine, Decimal]]
    ranking: list[UnitScore]

    @property
    def completion_rate(self) -> Decimal:
        return q2(Decimal(self.completed) / self.task_count * HUNDRED) if self.task_count else Decimal("0.00")


def bulletin_figures(*, program: Program, period: Period | str) -> BulletinFigures:
    """Completion by unit, overdue items, targets against achieved and funds, as of the end of `period` (or of
    today while it runs): a past period's bulletin reads the same figures whenever it is printed."""
    if isinstance(period, str):
        period = Period.parse(period)
    as_of = min(period.end, today_for(program))
    plans = program_plans(program)
    tasks = list(
        Task.objects.filter(plan__in=plans)
        .order_by("plan_id", "order")
        .prefetch_related("responsibilities__organization")
    )
    units: dict[int, UnitCompletion] = {}
    overdue = []
    for task in tasks:
        done = task.done_by(as_of)
        late = task.overdue_on(as_of)
        if late:
            overdue.append(task)
        for resp in task.responsibilities.all():
            if resp.role != Responsibility.LEAD:
                continue
            u = units.setdefault(resp.organization_id, UnitCompletion(resp.organization))
            u.total += 1
            u.completed += done
            u.on_time += done and done_on_time(task, as_of)
            u.overdue += late
    ranked_units = sorted(units.values(), key=lambda u: (-u.rate, u.overdue, u.organization.full_name))
    for i, u in enumerate(ranked_units):
        prev = ranked_units[i - 1] if i else None
        u.rank = prev.rank if prev and (prev.rate, prev.overdue) == (u.rate, u.overdue) else i + 1
    achieved = achieved_by_target(program=program, as_of=as_of)
    targets = [
        (t, achieved.get(t.pk, Decimal(0)))
        for t in Target.objects.filter(plan__in=plans).order_by("plan_id", "order")
    ]
    lines = list(
        FundingLine.objects.filter(plan__in=plans, year__lte=period.end.year).order_by("year", "order")
    )
    paid = dict(
        Transaction.objects.spent()
        .filter(funding_line__in=lines, date__lte=as_of)
        .values_list("funding_line_id")
        .annotate(total=Sum("amount"))
        .values_list("funding_line_id", "total")
    )
    funds = [(line, paid.get(line.pk, Decimal(0))) for line in lines]
    rule = AssessmentRule.objects.filter(program=program, year=period.year).first()
    weights = rule_weights(rule) if rule else rule_weights(AssessmentRule(program=program, year=period.year))
    ranking = score_units(
        program=program, year=period.year, weights=weights, today=as_of + dt.timedelta(days=1)
    )
    return BulletinFigures(
        program,
        period,
        as_of,
        len(tasks),
        sum(t.done_by(as_of) for t in tasks),
        ranked_units,
        overdue,
        targets,
        funds,
        ranking,
    )
