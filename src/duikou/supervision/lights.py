"""Lights (红黄绿灯): the one place that says whether a task, a unit, a program or a target is green, yellow, red
or done, by the rules the office sets per program (LightRule; defaults N = 15, X = 20, M = 7).

A task is
- done: completed or cancelled;
- red: overdue (plans.models.overdue_q, the one definition), or a responsible unit's report for the last period
  is missing past its due day (the period's end + the rule's grace days);
- yellow: due within N days, or its progress behind the time elapsed (plan issued → due date) by more than X points;
- green otherwise.
`annotate_lights(queryset)` adds `light` (and `light_rank`) in SQL, for lists, counts and the API; `task_light`
is the same rule for one task. A unit's or a program's light is the worst of its tasks' (done when all are done).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from duikou.core.compiled import AmongFound, AmongUncounted, Compiled, IdList, Param
from duikou.core.dates import local_date, today_for
from duikou.core.periods import MONTH, PERIOD_KINDS, Period
from duikou.organizations.models import unit_names
from duikou.plans.models import Plan, Responsibility, Task, is_overdue, overdue_q
from duikou.reports.models import Report
from duikou.targets.models import Allocation, progress, reached

from .models import LightRule

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"
LIGHTS = [(RED, _("红灯")), (YELLOW, _("黄灯")), (GREEN, _("绿灯")), (DONE, _("办结"))]
LABELS = dict(LIGHTS)
# Worst first: a unit or program shows the worst light among its tasks.
RANK = {DONE: 0, GREEN: 1, YELLOW: 2, RED: 3}
BY_RANK = {v: k for k, v in RANK.items()}
DEFAULTS = {"due_soon_days": 15, "behind_points": 20, "notice_after_days": 7, "report_grace_days": 10}
HANDED_IN = (Report.SUBMITTED, Report.APPROVED)


class DayNumber(Func):
    """A date as a whole number of days (the same scale for every date on one database), for date arithmetic."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", **extra
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="((%(expressions)s)::date - DATE '2000-01-01')", **extra
        )


def _rule(field: str, prefix: str = "plan__program__"):
    return Coalesce(F(f"{prefix}light_rule__{field}"), Value(DEFAULTS[field]))


def last_period_due(today: dt.date, kind: str) -> Period:
    """The period whose report is the one now expected (the last period that has ended)."""
    return Period.containing(today, kind).previous()


def report_missing_q(today: dt.date, prefix: str = "") -> Q:
    """Tasks with a responsible unit whose report for the last ended period is not in, past its due day."""
    q = Q(pk__in=[])
    for kind, _label in PERIOD_KINDS:
        period = last_period_due(today, kind)
        missing = Responsibility.objects.filter(task_id=OuterRef("pk")).filter(
            ~Exists(
                Report.objects.filter(
                    organization_id=OuterRef("organization_id"),
                    # The task's program from the outer query, not through the responsibility's own joins: so
                    # PostgreSQL cannot turn this EXISTS into one hashed anti-join over every responsibility in
                    # the country, and looks up only the responsibilities of the tasks it is asked about.
                    program_id=OuterRef(OuterRef("plan__program_id")),
                    period=str(period),
                    status__in=HANDED_IN,
                )
            )
        )
        past_due = (today - period.end).days
        q |= (
            Q(plan__program__reporting_period=kind)
            & Q(_grace__lt=past_due)
            & (Q(plan__program__start_year__isnull=True) | Q(plan__program__start_year__lte=period.year))
            & Exists(missing)
        )
    return q


def annotate_lights(queryset, today: dt.date | None = None):
    """Tasks with `light` (green/yellow/red/done) and `light_rank` (0 done … 3 red), computed in SQL."""
    for stage in _light_stages(today or today_for()):
        queryset = queryset.annotate(**stage)
    return queryset


@functools.lru_cache(maxsize=8)
def _light_stages(today: dt.date) -> tuple[dict, ...]:
    """The annotations of `annotate_lights` for one day, in the order they refer to each other.

    Built once per day and process (the expressions depend on nothing else: the rules are joined in SQL), since
    building them cost ~4–7 ms a page; an unresolved expression is copied when a query resolves it, so sharing is
    safe. The key is the date itself, so a new day (in whichever time zone the caller took it) builds afresh.
    """
    day = Value(today)
    start = Coalesce(F("plan__issued_on"), TruncDate("plan__created_at"))
    days = {
        "_grace": _rule("report_grace_days"),
        "_due_soon": _rule("due_soon_days"),
        "_behind": _rule("behind_points"),
        "_due_n": DayNumber(F("due_date")),
        "_today_n": DayNumber(day),
        "_start_n": DayNumber(start),
    }
    due_soon = Q(due_date__isnull=False, due_date__gte=today) & Q(_due_n__lte=F("_today_n") + F("_due_soon"))
    # progress + X < 100 × elapsed / span, without division: (progress + X) × span < 100 × elapsed.
    behind = Q(due_date__isnull=False, _due_n__gt=F("_start_n"), _today_n__gt=F("_start_n")) & Q(
        _lag_left__lt=F("_lag_right")
    )
    lag = {
        "_lag_left": (F("progress") + F("_behind")) * (F("_due_n") - F("_start_n")),
        "_lag_right": Value(100) * (F("_today_n") - F("_start_n")),
    }
    closed, red, yellow = (
        Q(status__in=Task.CLOSED),
        overdue_q(today) | report_missing_q(today),
        due_soon | behind,
    )

    def by_light(values: dict, output_field):
        return Case(
            When(closed, then=Value(values[DONE])),
            When(red, then=Value(values[RED])),
            When(yellow, then=Value(values[YELLOW])),
            default=Value(values[GREEN]),
            output_field=output_field,
        )

    # The rank from the same conditions, not from `light`: a CASE over `light` repeats its whole expression in the
    # SQL once per light (five copies of the missing-report subqueries; compiling them took ~25 ms a query).
    light = {
        "light": by_light({k: k for k in RANK}, CharField()),
        "light_rank": by_light(RANK, IntegerField()),
    }
    return days, lag, light


def task_light(task: Task, today: dt.date | None = None) -> str:
    """The light of one task (the same SQL rule, on that one row)."""
    today = today or today_for(task.plan.program if task.plan_id else None)
    found = task_lights([task.pk], today).get(task.pk)
    return found["light"] if found else GREEN


# The rule for given tasks, compiled once a day (compiling the light's expression cost more than running it for the
# rows of a page). Only the rank is read, its light named from it: the light's CASE beside it doubled the missing
# reports' subqueries, whose planning is most of the query's time (2.5 ms against 0.7 of running on national
# PostgreSQL, on every cold page of a unit's).
_TASK_LIGHTS = Compiled(
    Task,
    lambda today: annotate_lights(Task.objects.filter(pk__in=IdList()).order_by(), today).values_list(
        "pk", "light_rank"
    ),
)


def task_lights(ids, today: dt.date | None = None) -> dict[int, dict]:
    """Task id → {"light", "light_rank"}: `annotate_lights` for these tasks, in one query compiled once a day."""
    rows = _TASK_LIGHTS.rows(ids, today or today_for())
    return {pk: {"light": BY_RANK[rank], "light_rank": rank} for pk, rank in rows}


def task_light_ranks(ids, today: dt.date | None = None) -> dict[int, int]:
    """Task id → its light's rank (`RANK`): `task_lights` without a dict per task, for counting a unit's thousands."""
    return dict(_TASK_LIGHTS.rows(ids, today or today_for()))


def counts(tasks, today: dt.date | None = None) -> dict[str, int]:
    """How many of these tasks are in each light (one grouped query)."""

    rows = annotate_lights(tasks.order_by(), today).values("light_rank").annotate(n=Count("pk")).order_by()
    found = {BY_RANK[row["light_rank"]]: row["n"] for row in rows}
    return {key: found.get(key, 0) for key in RANK}


def worst_by(tasks, group: str, today: dt.date | None = None) -> dict[int, str]:
    """group value (an organization or program id) → the worst light among its tasks."""

    rows = annotate_lights(tasks.order_by(), today).values(group).annotate(worst=Max("light_rank"))
    return {row[group]: BY_RANK[row["worst"]] for row in rows if row[group] is not None}


def _worst_among(group: str, *, uncounted: bool = False):
    """The worst light per `group` value among published tasks whose `group` is in the ids, compiled once a day
    (`uncounted`: the ids hidden from the planner's count, `AmongUncounted`)."""

    def among():
        return AmongUncounted(group, IdList()) if uncounted else Q(**{f"{group}__in": IdList()})

    return Compiled(
        Task,
        lambda today: (
            annotate_lights(Task.objects.filter(among(), plan__status=Plan.PUBLISHED).order_by(), today)
            .values(group)
            .annotate(worst=Max("light_rank"))
            .values_list(group, "worst")
        ),
    )


# A page's few programs (a unit's dashboard, a program's badge), their count hidden from the planner: one plan for
# any number (planned at each run, the planning cost as much as the run: 0.7 ms on national PostgreSQL).
_UNIT_WORST, _PROGRAM_WORST = (
    _worst_among("responsibilities__organization_id"),
    _worst_among("plan__program_id", uncounted=True),
)


# Up to this many published tasks, one unit's light is the worst of its tasks' lights read by id (`unit_lights`).
ONE_UNIT_TASKS = 1000

# The worst light among one unit's published tasks (those it is responsible for, each once), and how many there are
# up to `limit` + 1, compiled once a day and limit: its tasks found first by the subquery (AmongFound), one statement.
_WORST_OF_UNIT = Compiled(
    Task,
    lambda today, limit: (
        annotate_lights(
            Task.objects.filter(
                AmongFound(
                    "pk",
                    Responsibility.objects.filter(
                        organization_id=Param("unit"), task__plan__status=Plan.PUBLISHED
                    )
                    .order_by()
                    .values("task_id")
                    .distinct()[: limit + 1],
                )
            ).order_by(),
            today,
        )
        .values(all_tasks=Value(1))  # a constant to group by: one group, no GROUP BY
        .annotate(worst=Max("light_rank"), tasks=Count("pk"))
        .values_list("worst", "tasks")
    ),
)


def unit_lights(organization_ids, today: dt.date | None = None) -> dict[int, str]:
    """Organization id → the worst light among the published tasks it is responsible for."""
    today = today or today_for()
    ids = list(organization_ids)
    if len(ids) == 1:
        # One unit (its page, its badge): the worst of its tasks' lights, its tasks found by id. The grouped query's
        # plan for one unit (PostgreSQL's generic one for its prepared statement) ran 3–5 ms against 1 ms for this.
        found = _WORST_OF_UNIT.rows(None, today, ONE_UNIT_TASKS, unit=ids[0])
        worst, tasks = found[0] if found else (None, 0)
        if tasks <= ONE_UNIT_TASKS:
            return {} if worst is None else {ids[0]: BY_RANK[worst]}
    rows = _UNIT_WORST.rows(ids, today)
    return {pk: BY_RANK[worst] for pk, worst in rows if pk is not None}


def program_lights(program_ids, today: dt.date | None = None) -> dict[int, str]:
    """Program id → the worst light among its published tasks."""
    rows = _PROGRAM_WORST.rows(program_ids, today or today_for())
    return {pk: BY_RANK[worst] for pk, worst in rows if pk is not None}


def red_since(task: Task, today: dt.date | None = None) -> dt.date | None:
    """Since when a red task has been red: its due date if overdue, else the missed report's due day."""
    today = today or today_for(task.plan.program)
    if is_overdue(task.status, task.due_date, today, task.completed_on):
        return task.due_date

    program = task.plan.program
    rule = LightRule.objects.filter(program=program).first()
    grace = rule.report_grace_days if rule else DEFAULTS["report_grace_days"]
    period = last_period_due(today, program.reporting_period or MONTH)
    return period.end + dt.timedelta(days=grace)


def target_light(
    comparator: str,
    value: Decimal,
    achieved: Decimal | None,
    *,
    start_year: int | None,
    end_year: int | None,
    today: dt.date,
    behind_points: int = DEFAULTS["behind_points"],
) -> str:
    """A target's (or a unit share's) light by achieved ÷ agreed against the time elapsed in its plan's years."""

    if reached(comparator, value, achieved):
        return DONE
    if end_year is not None and today > dt.date(end_year, 12, 31):
        return RED
    share = progress(comparator, value, achieved) or Decimal(0)
    if start_year is not None and end_year is not None and end_year >= start_year:
        span = (dt.date(end_year, 12, 31) - dt.date(start_year, 1, 1)).days or 1
        elapsed = max(0, (today - dt.date(start_year, 1, 1)).days)
        if share * 100 + behind_points < Decimal(100 * elapsed) / span:
            return YELLOW
    return GREEN


# A column of given programs' light rules (X for commitments, the reports' grace days), compiled once per column: a
# page reads it for a few programs.
_RULE_COLUMN = Compiled(
    LightRule,
    lambda column: (
        LightRule.objects.filter(program_id__in=IdList()).order_by().values_list("program_id", column)
    ),
)


def commitment_lights(rows, today: dt.date | None = None) -> list:
    """Attach `light` to targets or unit shares (allocations) whose `achieved` is already set: `target_light` over
    the target's year (or its plan's years) with its program's X. Rows: Target, Allocation (through .target) or rows of
    values shaped alike (the unit page's shares)."""
    rows = list(rows)
    targets = [getattr(r, "target", r) for r in rows]
    program_ids = {t.plan.program_id for t in targets}
    points = dict(_RULE_COLUMN.rows(program_ids, "behind_points"))
    days: dict[int, dt.date] = {}
    for row, target in zip(rows, targets, strict=True):
        plan = target.plan
        if plan.program_id not in days:
            days[plan.program_id] = today or today_for(plan.program)
        years = (target.year, target.year) if target.year else (plan.start_year, plan.end_year)
        row.light = target_light(
            target.comparator,
            row.value,
            getattr(row, "achieved", None),
            start_year=years[0],
            end_year=years[1],
            today=days[plan.program_id],
            behind_points=points.get(plan.program_id, DEFAULTS["behind_points"]),
        )
    return rows


def reporting_status(program, today: dt.date | None = None, *, units=None) -> dict:
    """The last ended period of a program: its due day, the units that have not reported (未报) and those that
    reported after the due day (迟报). `units` narrows to organizations a user may see."""
    return reporting_statuses([program], today, units=units)[0]


def reporting_statuses(programs, today: dt.date | None = None, *, units=None, members=None) -> list[dict]:
    """reporting_status for several programs in a fixed number of queries, whatever their number (the dashboard).
    `members` (program id → its reporting units among those a user may see, `reporting_members` of rows already
    read) spares reading them again."""

    programs = list(programs)
    if not programs:
        return []
    ids = [p.pk for p in programs]
    grace = dict(_RULE_COLUMN.rows(ids, "report_grace_days"))
    periods = {}
    for program in programs:
        day = today or today_for(program)
        period = last_period_due(day, program.reporting_period or MONTH)
        due = period.end + dt.timedelta(days=grace.get(program.pk, DEFAULTS["report_grace_days"]))
        periods[program.pk] = (day, period, due)
    if members is not None:
        members = {pk: set(members.get(pk, ())) for pk in ids}
    else:
        members = _reporting_units(ids, units)
    member_ids = {o for m in members.values() for o in m}
    by_id = unit_names(member_ids)
    # The members' reports for the periods wanted, read by unit (a program's thousands of other units are not read),
    # each kept if it is for its program's period.
    wanted = {(program_id, str(period)) for program_id, (_day, period, _due) in periods.items()}
    handed: dict[tuple[int, int], object] = {
        (program_id, org_id): submitted
        for program_id, org_id, period, submitted in _HANDED.rows(
            member_ids, tuple(sorted({p for _program, p in wanted}))
        )
        if (program_id, str(period)) in wanted  # the stored period read back as a Period
    }
    statuses = []
    for program in programs:
        day, period, due = periods[program.pk]
        missing, late = [], []
        shown = [
            by_id[o]
            for o in sorted(members[program.pk], key=lambda o: by_id[o].full_name if o in by_id else "")
            if o in by_id
        ][:2000]
        for org in shown:
            key = (program.pk, org.pk)
            if key not in handed:
                if day > due:
                    missing.append(org)
            elif handed[key] is not None and local_date(handed[key], program) > due:
                late.append(org)
        statuses.append({"program": program, "period": period, "due": due, "missing": missing, "late": late})
    return statuses


_HANDED = Compiled(
    Report,
    lambda periods: (
        Report.objects.filter(organization_id__in=IdList(), period__in=periods, status__in=HANDED_IN)
        .order_by()
        .values_list("program_id", "organization_id", "period", "submitted_at")
    ),
)


def _reporting_units(ids: list[int], units) -> dict[int, set[int]]:
    """Program id → the ids of its reporting units (among `units`, a subquery, when given): responsible for a task or
    given a target share in its published plans (reports.reminders.reporting_units, for all programs at once)."""
    members: dict[int, set[int]] = {pk: set() for pk in ids}
    published = {"status": Plan.PUBLISHED}
    # Only those among `units`: a unit's few, not the programs' thousand members read and listed by id again.
    among = {} if units is None else {"organization_id__in": units}
    for program_id, org_id in (
        Responsibility.objects.filter(
            task__plan__program__in=ids, **{f"task__plan__{k}": v for k, v in published.items()}, **among
        )
        .values_list("task__plan__program_id", "organization_id")
        .order_by()  # the models' default ordering would join the DISTINCT and multiply its rows
        .distinct()
    ):
        members[program_id].add(org_id)
    for program_id, org_id in (
        Allocation.objects.filter(
            target__plan__program__in=ids, **{f"target__plan__{k}": v for k, v in published.items()}, **among
        )
        .values_list("target__plan__program_id", "organization_id")
        .order_by()
        .distinct()
    ):
        members[program_id].add(org_id)
    return members


def reporting_members(assignments, shares) -> dict[int, set[int]]:
    """`_reporting_units` from rows a page has already read: (program id, organization id, whether the plan is
    published) of task assignments and of target shares, each of the units wanted."""
    members: dict[int, set[int]] = defaultdict(set)
    for rows in (assignments, shares):
        for program_id, org_id, published in rows:
            if published:
                members[program_id].add(org_id)
    return dict(members)


def _worst_light_subquery(**task_filter):
    """The worst light among published tasks matching `task_filter` (OuterRef to the outer row), as a subquery."""

    tasks = annotate_lights(Task.objects.filter(plan__status=Plan.PUBLISHED, **task_filter).order_by())
    worst = tasks.annotate(_one=Value(1)).values("_one").annotate(worst=Max("light_rank")).values("worst")[:1]
    return Subquery(worst, output_field=IntegerField())


def _light_from(rank_field: str):
    return Case(
        *[When(**{rank_field: v}, then=Value(k)) for k, v in RANK.items()],
        default=Value(DONE),
        output_field=CharField(),
    )


def annotate_unit_lights(queryset):
    """Organizations with `light`: the worst among the published tasks they are responsible for."""
    return queryset.annotate(
        _worst=_worst_light_subquery(responsibilities__organization_id=OuterRef("pk"))
    ).annotate(light=_light_from("_worst"))


def annotate_program_lights(queryset):
    """Programs with `light`: the worst among their published tasks."""
    return queryset.annotate(_worst=_worst_light_subquery(plan__program_id=OuterRef("pk"))).annotate(
        light=_light_from("_worst")
    )
