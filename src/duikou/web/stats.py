"""Figures the pages show, computed with aggregate queries over what a user may see (never one query per row)."""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import io
import pickle
from collections import Counter, defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import connection, router
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from duikou.analytics import services as analytics
from duikou.core import jobs, versioned
from duikou.core.compiled import AmongUncounted, Compiled, IdList
from duikou.core.dates import today_for
from duikou.core.lists import ratio
from duikou.core.permissions import VIEW, Shape, sees_everything, viewer_key
from duikou.funds.models import FundingLine, Transaction
from duikou.funds.models import spent_by_line as funds_by_line  # noqa: F401  (the funds pages' name)
from duikou.organizations.models import Organization, unit_names
from duikou.plans.models import COMPLETED, Plan, Responsibility, Task, is_overdue, overdue_q
from duikou.programs.models import Program
from duikou.reports.achieved import achieved_by_allocation, achieved_by_allocation_of
from duikou.supervision import lights
from duikou.targets.models import Allocation, Target, reached

from .models import DashboardSnapshot


def task_counts(tasks_queryset, group_by: str) -> dict:
    """group value → {total, completed, overdue} for a (restricted) task queryset."""
    today = today_for()
    rows = (
        tasks_queryset.order_by()
        .values(group_by)
        .annotate(
            total=Count("pk", distinct=True),
            completed=Count("pk", filter=Q(status=COMPLETED), distinct=True),
            overdue=Count("pk", filter=overdue_q(today), distinct=True),
        )
    )
    return {row[group_by]: row for row in rows}


PROGRAMS_PER_PAGE = 50


def dashboard(user, page=1) -> dict:
    """Completion, overdue tasks, targets reached and funds executed, per program (a page of them) and per unit.

    Figures come from the analytics summary tables, kept current in the same transaction as the data. For those
    who see everything, what covers the whole country (tasks by light, the red tasks, the units' rows and lights,
    every program's light) is the snapshot last computed on the task queue (`refresh_snapshot`), shown with the
    time it was computed; a view after the data moved on asks the queue for a new one. A unit or recipient sees
    figures over only the rows the gate lets it see, computed from those rows (a bounded slice) and cached on the
    data's version and the day (core.versioned): its own unit's changes show on the next view, others' within
    DUIKOU_REUSE_SECONDS.
    """
    from django.core.paginator import Paginator

    everything = sees_everything(user)
    version = versioned.data_version()
    if everything:
        visible = Program.objects.restrict(user, VIEW).order_by("name", "pk")
    else:
        # A unit's programs are few: the gate's query runs once, not per count and page, and its answer is kept on
        # the data's version (a responsibility or a program's recipients changed moves it): the gate's walk through
        # the unit's tasks was most of a cached view's SQL.
        visible = versioned.cached(
            "dashboard-programs", viewer_scope(user, everything), lambda: _programs(user), version=version
        )
    programs_page = Paginator(visible, PROGRAMS_PER_PAGE).get_page(page)
    programs = list(programs_page.object_list)
    ids = [p.pk for p in programs]
    # Under a stream of writes (reports saved every second) each view would compute afresh: figures computed before
    # others' changes are served a while (core.versioned, DUIKOU_REUSE_SECONDS), with the time they were computed.
    if everything:
        snapshot = whole_snapshot(version=version)
        whole = snapshot["figures"]
        # One page of programs: their tallies (a few grouped queries) and their 未报/迟报, cached on the version.
        # Read only when the tables are rendered: a view whose tables are in the fragment cache (tables_key below)
        # skips the page's tallies and the reporting statuses.
        page_figures = {
            "programs": SimpleLazyObject(lambda: analytics.program_figures(ids, today=today_for())),
            "program_lights": whole["program_lights"],
            "reporting": SimpleLazyObject(
                lambda: versioned.cached(
                    "dashboard-reporting",
                    ids,
                    lambda: _reporting(programs, None),
                    version=version,
                    viewer=user,
                )
            ),
        }
    else:
        visible_ids = {p.pk for p in visible}
        scope = viewer_scope(user, everything)
        asked: dict = {}  # whether the unit wrote since a version: asked once for both parts' kept figures
        whole, whole_at = versioned.cached_with_time(
            "dashboard",
            scope,
            lambda: _drawn(_whole_figures(user, everything, visible_ids)),
            version=version,
            viewer=user,
            asked=asked,
        )
        page_figures, page_at = versioned.cached_with_time(
            "dashboard-page",
            (scope, ids),
            lambda: _drawn(_page_figures(user, programs, whole.get("reporting_members"))),
            version=version,
            viewer=user,
            asked=asked,
        )
        snapshot = {"computed": True, "computed_at": min(whole_at, page_at), "refreshing": False}
    # What the tables are rendered from, for the page's fragment cache: the day (the tallies and lights), which
    # figures, whose view and role (a link or two depend on it), which page of which programs, and the code that
    # renders them. For those who see everything, when the snapshot was computed and the data's version (the page's
    # tallies are read at it); for a unit, its figures themselves (their digests): a view served the kept figures
    # after others' changes, or figures computed afresh that came out the same (its write moved none), redraws
    # nothing (~3 ms) unless its programs moved (read at each version: their names, how many).
    if everything:
        computed, listed = (snapshot["computed_at"], version), ids
    else:
        computed = (whole["drawn"], page_figures["drawn"])
        listed = ([(p.pk, p.name) for p in programs], programs_page.paginator.count)
    role = (getattr(user, "role", ""), getattr(user, "is_superuser", False))
    drawn_from = (
        viewer_scope(user, everything),
        role,
        today_for(),
        computed,
        programs_page.number,
        listed,
        versioned.code_stamp(),
    )
    tables_key = hashlib.sha256(repr(drawn_from).encode()).hexdigest()
    by_program = page_figures["programs"] if everything else whole["programs"]
    program_rows = SimpleLazyObject(
        lambda: [
            {
                "program": p,
                **_with_ratios(by_program.get(p.pk) or dict(EMPTY)),
                "light": page_figures["program_lights"].get(p.pk, lights.DONE),
            }
            for p in programs
        ]
    )
    return {
        "programs": program_rows,
        "programs_page": programs_page,
        "units": whole["units"],
        "totals": whole["totals"],
        "light_counts": whole["light_counts"],
        "red_tasks": whole["red_tasks"],
        "reporting": page_figures["reporting"],
        "snapshot": snapshot,
        "tables_key": tables_key,
        "tables_seconds": settings.DUIKOU_FIGURES_CACHE_SECONDS,
    }


# -- the snapshot of the whole country's figures ---------------------------------------------------
EVERYTHING = "all"
# A refresh asked this long ago and still not done (its job failed or was lost) may be asked again.
REFRESH_GIVEN_UP = dt.timedelta(minutes=10)


def whole_snapshot(*, version: int | None = None) -> dict:
    """The last computed figures over everything (`figures`, decoded; empty before the first computation), when
    they were computed (`computed_at`) and whether a newer computation is under way (`refreshing`). Stale
    figures (the data or the day moved on) are served while the queue computes new ones."""
    version = versioned.data_version() if version is None else version
    row = DashboardSnapshot.objects.filter(scope=EVERYTHING).first()
    if row is None or row.figures is None or row.version != version or row.day != today_for():
        if request_refresh():
            # Run at once by the immediate backend (tests, DUIKOU_TASKS_BACKEND=immediate): read what it wrote.
            row = DashboardSnapshot.objects.filter(scope=EVERYTHING).first()
    figures = _decode(row.figures) if row is not None and row.figures is not None else None
    return {
        "figures": figures or _empty_whole(),
        "computed": figures is not None,
        "computed_at": row.computed_at if row is not None else None,
        "refreshing": row is not None and row.refresh_requested_at is not None,
    }


def request_refresh() -> bool:
    """Queue the snapshot's refresh unless one is already queued or running, or the figures were computed less than
    DUIKOU_DASHBOARD_REFRESH_SECONDS ago. The claim is one conditional UPDATE of the snapshot's row, so two views
    at once queue one refresh. Returns whether this call queued it."""
    now = timezone.now()
    DashboardSnapshot.objects.get_or_create(scope=EVERYTHING)
    recent = now - dt.timedelta(seconds=settings.DUIKOU_DASHBOARD_REFRESH_SECONDS)
    claimed = (
        DashboardSnapshot.objects.filter(scope=EVERYTHING)
        .filter(Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=now - REFRESH_GIVEN_UP))
        .filter(Q(computed_at__isnull=True) | Q(computed_at__lte=recent))
        .update(refresh_requested_at=now)
    )
    if claimed:
        jobs.start("web.refresh_dashboard", user=None, title=_("刷新工作总览数据"))
    return bool(claimed)


def refresh_snapshot() -> DashboardSnapshot:
    """Compute the figures over everything and store them (the queue's job web.refresh_dashboard)."""
    # The version and day are read first: a change committed while this computes leaves the snapshot stale.
    version, today = versioned.data_version(), today_for()
    whole = _whole_figures(None, True, None)
    published = Task.objects.filter(plan__status=Plan.PUBLISHED)
    whole["program_lights"] = lights.worst_by(published, "plan__program_id", today)
    row, _created = DashboardSnapshot.objects.update_or_create(
        scope=EVERYTHING,
        defaults={
            "figures": _encode(whole),
            "version": version,
            "day": today,
            "computed_at": timezone.now(),
            "refresh_requested_at": None,
        },
    )
    return row


def _drawn(figures: dict) -> dict:
    """The figures with `drawn`, a digest of them all: the key of the tables drawn from them. Pickled (every value of
    every object, as the cache keeps them) without the pickler's memo, which writes a value met twice as a reference
    and so gave equal figures computed twice different bytes."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
    pickler.fast = True
    pickler.dump(figures)
    figures["drawn"] = hashlib.sha256(out.getbuffer()).hexdigest()
    return figures


def _encode(whole: dict) -> dict:
    """The figures as JSON: red tasks by id (read again with their plan when shown), amounts as text."""
    return {
        "totals": whole["totals"],
        "units": whole["units"],
        "light_counts": whole["light_counts"],
        "red_tasks": [t.pk for t in whole["red_tasks"]],
        "program_lights": {str(k): v for k, v in whole["program_lights"].items()},
    }


def _decode(data: dict) -> dict:
    def red_tasks():
        tasks = {row[0]: RedTask(*row) for row in _RED_TASKS.rows(data["red_tasks"])}
        return [tasks[pk] for pk in data["red_tasks"] if pk in tasks]

    totals = {k: (Decimal(v) if k in MONEY else v) for k, v in data["totals"].items()}
    units = [{**u, "disbursed": Decimal(u["disbursed"])} for u in data["units"]]
    return {
        "programs": {},
        "totals": totals,
        "units": units,
        "light_counts": data["light_counts"],
        "red_tasks": SimpleLazyObject(red_tasks),  # read when the tables are rendered (not from their cache)
        "program_lights": {int(k): v for k, v in data["program_lights"].items()},
    }


def _empty_whole() -> dict:
    return {
        "programs": {},
        "totals": _with_ratios(dict(EMPTY)),
        "units": [],
        "light_counts": dict.fromkeys(lights.RANK, 0),
        "red_tasks": [],
        "program_lights": {},
    }


def viewer_scope(user, everything: bool) -> tuple:
    """Whose view the figures are: the whole country for those who see everything, else what the gate reads of the
    user (its role and unit: two reporters of one unit see the same figures)."""
    if everything:
        return ("all",)
    return ("part", *viewer_key(user))


RED_TASKS_SHOWN = 20


def _whole_figures(user, everything: bool, visible_ids: set | None) -> dict:
    """The totals, the units' rows, the tasks by light and the red tasks, over everything the user may see (and,
    for a user who sees a part, the figures of each of its programs: they make its totals)."""
    if not everything:
        return _part_figures(user, visible_ids or set())
    today = today_for()  # the day the tallies judge "overdue" by
    total = analytics.program_figures(today=today, group=False).get(None)
    unit_rows = analytics.unit_figures(None, limit=100)
    ids = [r["organization_id"] for r in unit_rows]
    # What the dashboard leads with: tasks by light and the red tasks, over the published tasks.
    tasks = Task.objects.filter(plan__status=Plan.PUBLISHED)
    light_counts = lights.counts(tasks)
    red = lights.annotate_lights(tasks).filter(light=lights.RED)
    red = red.order_by("due_date", "plan_id", "order").values_list(*RedTask._fields)[:RED_TASKS_SHOWN]
    red = [RedTask(*row) for row in red]
    return {
        "programs": {},
        "totals": _with_ratios(total or dict(EMPTY)),
        "units": _unit_rows(unit_rows, unit_shares(user, ids, everything=True), lights.unit_lights(ids)),
        "light_counts": light_counts,
        "red_tasks": red,
    }


def _unit_rows(unit_rows: list[dict], shares: dict, unit_lights: dict) -> list[dict]:
    """The units' rows (their rollups) with their names, completion, money paid, shares reached and light."""
    ids = [r["organization_id"] for r in unit_rows]
    names = {pk: unit.full_name for pk, unit in unit_names(ids).items()}
    paid = analytics.unit_paid(ids)
    for row in unit_rows:
        row["organization__full_name"] = names.get(row["organization_id"], "")
        row["completion"] = ratio(row["completed"], row["tasks"])
        row["disbursed"] = paid.get(row["organization_id"]) or Decimal(0)
        row["allocations"], row["allocations_reached"] = shares.get(row["organization_id"], (0, 0))
        row["light"] = unit_lights.get(row["organization_id"], lights.DONE)
    return list(unit_rows)


def _part_figures(user, visible_ids: set) -> dict:
    """_whole_figures for a user who sees a part of the country: each table it draws on is read once, over the
    rows the gate lets it see (a busy unit's ~1,500 tasks, ~3,000 target shares, ~30,000 payments), and every figure
    is counted from those rows: its programs' figures and totals, its units' rows, its tasks by light and its red
    tasks. Reading the tasks and the shares twice, and counting each in SQL, cost ~200 ms on national PostgreSQL."""
    today = today_for()
    rows = _PartRows.read(user)
    figures = _restricted_program_figures(user, today, rows=rows)
    # The totals are over the programs the user may see, as the rows are (a bounded list for these roles).
    shown = [f for pk, f in figures.items() if pk in visible_ids]
    total = {k: sum((f[k] for f in shown), Decimal(0) if k in MONEY else 0) for k in FIGURES}

    units = {pk for (pk,) in _seen(_UNITS, user)}
    unit_rows = analytics.unit_figures(units, limit=100)
    ids = [r["organization_id"] for r in unit_rows]
    # Every light it shows is over its own published tasks (its units' tasks are among them): each task's light
    # once (one query compiled once a day), counted here.
    published = {t.pk: t.program_id for t in rows.tasks if t.plan_status == Plan.PUBLISHED}
    task_light = lights.task_light_ranks(published, today)
    found = Counter(task_light.values())
    light_counts = {key: found.get(rank, 0) for key, rank in lights.RANK.items()}
    # Its units' task assignments, read once: the units' lights, and which of its units report on which programs
    # (the page's 未报/迟报, which read them again with the shares, joined to their plans: ~25 ms nationally).
    assignments = _ASSIGNMENTS.rows(units)
    mine = set(ids)
    worst: dict[int, int] = {}
    reporting: list[tuple[int, int, bool]] = []
    for org_id, task_id in assignments:
        if task_id in published:  # a task of its units' is one it sees: among its rows
            reporting.append((published[task_id], org_id, True))
            if org_id in mine and task_id in task_light:
                worst[org_id] = max(worst.get(org_id, 0), task_light[task_id])
    unit_lights = {org_id: lights.BY_RANK[rank] for org_id, rank in worst.items()}
    # The first red tasks in the order the database sorts them (due date, its nulls as it places them, plan,
    # order), read by id: asked to sort a thousand ids, PostgreSQL walked the due-date index (19,000 rows).
    nulls_last = connection.features.nulls_order_largest
    red_rank = lights.RANK[lights.RED]
    red_rows = heapq.nsmallest(
        RED_TASKS_SHOWN,
        (t for t in rows.tasks if task_light.get(t.pk) == red_rank),
        key=lambda t: ((t.due_date is None) == nulls_last, t.due_date or dt.date.min, t.plan_id, t.order),
    )
    red = [RedTask(*row) for row in _RED_TASKS.rows([t.pk for t in red_rows])]
    # The units' shares among those read, against the figures their own reports give (as unit_shares counts them).
    own_shares = [a for a in rows.allocations if a.organization_id in mine]
    got = achieved_by_allocation_of([a.pk for a in own_shares], organization_ids=ids)
    shares = _shares_reached(((a.organization_id, a.pk, a.value, a.comparator) for a in own_shares), got)
    return {
        "programs": figures,
        "totals": _with_ratios(total or dict(EMPTY)),
        "units": _unit_rows(unit_rows, shares, unit_lights),
        "light_counts": light_counts,
        "red_tasks": red,
        "reporting_members": lights.reporting_members(
            reporting,
            (
                (a.program_id, a.organization_id, a.published)
                for a in rows.allocations
                if a.organization_id in units
            ),
        ),
    }


# Its units' task assignments (not in the responsibilities' order: joining every one to its task cost ~30 ms).
_ASSIGNMENTS = Compiled(
    Responsibility,
    lambda: (
        Responsibility.objects.filter(AmongUncounted("organization_id", IdList()))
        .order_by()
        .values_list("organization_id", "task_id")
    ),
)


class RedTask(NamedTuple):
    """What the dashboard shows of a red task (not the task and its plan with the plan's source file)."""

    pk: int
    number: str
    title: str
    due_date: dt.date | None
    progress: int
    plan__title: str


_RED_TASKS = Compiled(
    Task,
    lambda: (
        Task.objects.filter(pk__in=IdList())
        .order_by("due_date", "plan_id", "order")
        .values_list(*RedTask._fields)[:RED_TASKS_SHOWN]
    ),
)


def _page_figures(user, programs: list, members: dict | None = None) -> dict:
    """One page of programs of a user who sees a part: their lights, and the units that have not reported (未报) or
    reported late (迟报) for the last period of each (the first 20). `members`: each program's reporting units
    among the user's, as `_part_figures` found them (None: read here)."""
    ids = [p.pk for p in programs]
    units = Organization.objects.restrict(user, VIEW).values("pk") if members is None else None
    return {
        "programs": {},
        "program_lights": lights.program_lights(ids),
        "reporting": _reporting(programs, units, members),
    }


REPORTING_SHOWN = 30  # units named per program under 未报 and 迟报; the rest are counted


def _reporting(programs: list, units, members: dict | None = None) -> list:
    """未报 and 迟报 of the first 20 programs of a page (those with any): the program and the units the page names, as
    (pk, name), and how many units there are. Cached and read back on every view: a program's thousands of unit
    instances took ~70 ms to unpickle at national scale, and its program's instance most of a unit's page figures."""
    return [
        {
            **r,
            "program": _Named(r["program"].pk, r["program"].name),
            "missing": [_Named(o.pk, o.name) for o in r["missing"][:REPORTING_SHOWN]],
            "missing_count": len(r["missing"]),
            "late": [_Named(o.pk, o.name) for o in r["late"][:REPORTING_SHOWN]],
            "late_count": len(r["late"]),
        }
        for r in lights.reporting_statuses(programs[:20], units=units, members=members)
        if r["missing"] or r["late"]
    ]


class _Named(NamedTuple):
    pk: int
    name: str


FIGURES = (
    "tasks",
    "completed",
    "overdue",
    "targets",
    "reached",
    "planned",
    "disbursed",
    "allocations",
    "allocations_reached",
)
MONEY = ("planned", "disbursed")
EMPTY = {k: (Decimal(0) if k in MONEY else 0) for k in FIGURES}


def _with_ratios(figures: dict) -> dict:
    return {
        **figures,
        "completion": ratio(figures["completed"], figures["tasks"]),
        "execution": ratio(figures["disbursed"], figures["planned"]),
        "shares_reached": ratio(figures["allocations_reached"], figures["allocations"]),
    }


def unit_shares(user, organization_ids, *, everything: bool = False) -> dict[int, tuple[int, int]]:
    """Organization id → (its target shares the user may see — all with `everything` — and those the latest
    approved figure against them meets)."""
    rows = list(
        (Allocation.objects.all() if everything else targets_allocations(user))
        .filter(organization_id__in=list(organization_ids))
        .order_by()  # counted, not shown: without the shares' order (plan, target) no join and sort
        .values_list("organization_id", "pk", "value", "target__comparator")
    )
    return _shares_reached(rows, achieved_by_allocation(organization_ids=list(organization_ids)))


def _shares_reached(rows, got: dict) -> dict:
    """(key, allocation id, value, comparator) rows → key → (shares, those whose figure in `got` meets them)."""
    out: dict = defaultdict(lambda: [0, 0])
    for key, pk, value, comparator in rows:
        counts = out[key]
        counts[0] += 1
        if pk in got:  # most shares have no approved figure yet: not reached
            counts[1] += reached(comparator, value, got[pk])
    return {k: (v[0], v[1]) for k, v in out.items()}


class _TaskRow(NamedTuple):
    pk: int
    program_id: int
    plan_status: str
    status: str
    due_date: dt.date | None
    completed_on: dt.date | None
    plan_id: int
    order: int


class _ShareRow(NamedTuple):
    pk: int
    organization_id: int
    value: Decimal
    comparator: str
    program_id: int
    published: bool


class _PartRows(NamedTuple):
    """The tasks, targets and target shares a user may see, each read once through the gate."""

    tasks: list[_TaskRow]
    targets: dict[int, tuple[int, str, bool]]  # target id → (program id, comparator, plan published)
    allocations: list[_ShareRow]

    @classmethod
    def read(cls, user) -> _PartRows:
        tasks = list(map(_TaskRow._make, _seen(_TASKS, user)))
        targets = _target_info(_seen(_TARGETS, user))
        # The shares without their targets joined (3,000 rows, two index lookups each): a share the user sees is on
        # a target it sees (the gate's paths say so); any other is read by id.
        shares = _seen(_SHARES, user)
        other = {target_id for *_share, target_id in shares if target_id not in targets}
        their = _target_info(_TARGETS_BY_ID.rows(other)) if other else {}
        allocations = []
        for pk, org_id, value, target_id in shares:
            program_id, comparator, published = targets.get(target_id) or their[target_id]
            allocations.append(_ShareRow(pk, org_id, value, comparator, program_id, published))
        return cls(tasks, targets, allocations)


def _target_info(rows) -> dict[int, tuple[int, str, bool]]:
    """Target id → (program id, comparator, whether its plan is published): what _PartRows keeps of a target, from
    rows of _TARGET_COLUMNS."""
    published = Plan.PUBLISHED
    return {pk: (program_id, comparator, status == published) for pk, program_id, comparator, status in rows}


def _seen(query: Compiled, user) -> list[tuple]:
    """The rows of a `_gated` query for `user`."""
    shape = Shape(user)
    return query.rows(None, shape, **shape.values())


def _gated(model, build) -> Compiled:
    """`build(rows the user may see)` compiled once per gate `Shape`: every unit's reporters share one SQL."""
    return Compiled(model, lambda shape: build(model.objects.restrict(shape.stand_in(), VIEW).order_by()))


_TASK_COLUMNS = (
    "pk",
    "plan__program_id",
    "plan__status",
    "status",
    "due_date",
    "completed_on",
    "plan_id",
    "order",
)
_TARGET_COLUMNS = ("pk", "plan__program_id", "comparator", "plan__status")
_TASKS = _gated(Task, lambda rows: rows.values_list(*_TASK_COLUMNS))
_TARGETS = _gated(Target, lambda rows: rows.values_list(*_TARGET_COLUMNS))
_TARGETS_BY_ID = Compiled(
    Target, lambda: Target.objects.filter(pk__in=IdList()).order_by().values_list(*_TARGET_COLUMNS)
)
_SHARES = _gated(Allocation, lambda rows: rows.values_list("pk", "organization_id", "value", "target_id"))
_UNITS = _gated(Organization, lambda rows: rows.values_list("pk"))
# Each line's program looked up by its plan: joined, PostgreSQL hashed all 20,000 plans for a unit's 300 lines
# (its guess of the gate's lines is a few hundred).
_PROGRAM_OF_LINE = Subquery(Plan.objects.filter(pk=OuterRef("plan_id")).values("program_id"))
_PLANNED = _gated(FundingLine, lambda rows: rows.values_list(_PROGRAM_OF_LINE).annotate(s=Sum("amount")))
# Summed per funding line, then the lines' programs read by id: joining each of a unit's ~10,000 payments to its
# line and plan hashed all 100,000 lines (80 ms against ~10 on national PostgreSQL).
_PAID = _gated(
    Transaction,
    lambda rows: (
        rows.spent()
        .filter(funding_line__isnull=False)
        .values("funding_line_id")
        .annotate(s=Sum("amount"))
        .values_list("funding_line_id", "s")
    ),
)
_LINE_PROGRAM = Compiled(
    FundingLine,
    lambda: FundingLine.objects.filter(pk__in=IdList()).order_by().values_list("pk", _PROGRAM_OF_LINE),
)
_PROGRAM_FIELDS = tuple(f.attname for f in Program._meta.concrete_fields)
_PROGRAMS = _gated(Program, lambda rows: rows.order_by("name", "pk").values_list(*_PROGRAM_FIELDS))


def _programs(user) -> list[Program]:
    """The programs `user` may see, by name."""
    alias = router.db_for_read(Program)
    return [Program.from_db(alias, _PROGRAM_FIELDS, row) for row in _seen(_PROGRAMS, user)]


def _restricted_program_figures(user, today: dt.date, *, rows: _PartRows | None = None) -> dict[int, dict]:
    """Per program, figures over only the tasks, targets, funding lines and payments this user may see (`rows`:
    its tasks, targets and shares already read)."""
    rows = rows or _PartRows.read(user)
    out: dict[int, dict] = defaultdict(lambda: dict(EMPTY))
    for task in rows.tasks:
        figures = out[task.program_id]
        figures["tasks"] += 1
        figures["completed"] += task.status == COMPLETED
        figures["overdue"] += is_overdue(task.status, task.due_date, today, task.completed_on)
    # Whether each target is reached is kept in its tally (summing every unit's latest figures of a unit's few
    # hundred targets read ~40,000 figures: 80–1,500 ms on national PostgreSQL).
    met = analytics.targets_reached(rows.targets)
    for pk, (program_id, _comparator, _published) in rows.targets.items():
        out[program_id]["targets"] += 1
        out[program_id]["reached"] += pk in met
    got = achieved_by_allocation_of([a.pk for a in rows.allocations], target_ids=rows.targets)
    shares = _shares_reached(((a.program_id, a.pk, a.value, a.comparator) for a in rows.allocations), got)
    for program_id, (count, met_shares) in shares.items():
        out[program_id]["allocations"] += count
        out[program_id]["allocations_reached"] += met_shares
    for program_id, amount in _seen(_PLANNED, user):
        out[program_id]["planned"] = amount or Decimal(0)
    by_line = dict(_seen(_PAID, user))
    line_program = dict(_LINE_PROGRAM.rows(by_line)) if by_line else {}
    for line_id, amount in by_line.items():
        out[line_program[line_id]]["disbursed"] += amount or Decimal(0)
    return dict(out)


def targets_allocations(user):

    return Allocation.objects.restrict(user, VIEW)
