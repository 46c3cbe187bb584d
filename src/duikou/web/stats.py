"""Figures the pages show, computed with aggregate queries over what a user may see (never one query per row)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from duikou.analytics import services as analytics
from duikou.core import versioned
from duikou.core.dates import today_for
from duikou.core.lists import ratio
from duikou.core.permissions import VIEW, sees_everything
from duikou.funds.models import FundingLine, Transaction
from duikou.funds.models import spent_by_line as funds_by_line  # noqa: F401  (the funds pages' name)
from duikou.organizations.models import Organization
from duikou.plans.models import COMPLETED, Plan, Task, overdue_q
from duikou.programs.models import Program
from duikou.reports.achieved import achieved_by_allocation, achieved_by_target
from duikou.supervision import lights
from duikou.targets.models import Allocation, Target, reached


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

    Figures come from the analytics summary tables, kept current in the same transaction as the data. A
    unit or recipient sees figures over only the rows the gate lets it see, computed from those rows (a
    bounded slice); its unit table is the tallies of the units it may see. All of it is cached on the data's
    version and the day (core.versioned): any change shows on the next view.
    """
    from django.core.paginator import Paginator

    everything = sees_everything(user)
    visible = Program.objects.restrict(user, VIEW).order_by("name", "pk")
    if not everything:
        visible = list(
            visible
        )  # a unit's programs are few: the gate's query runs once, not per count and page
    programs_page = Paginator(visible, PROGRAMS_PER_PAGE).get_page(page)
    programs = list(programs_page.object_list)
    visible_ids = None if everything else {p.pk for p in visible}
    # Every figure below reads tallies and the lights over every task the user may see (the lights alone take
    # seconds at national scale): cached on the data's version (core.versioned), so the next view after any change
    # — a report approved, a task edited — computes them afresh, and a view with nothing changed reuses them. What
    # covers everything the user sees is cached once; what covers one page of programs, per page.
    scope, version = viewer_scope(user, everything), versioned.data_version()
    whole = versioned.cached(
        "dashboard", scope, lambda: _whole_figures(user, everything, visible_ids), version=version
    )
    ids = [p.pk for p in programs]
    page_figures = versioned.cached(
        "dashboard-page", (scope, ids), lambda: _page_figures(user, programs, everything), version=version
    )
    by_program = page_figures["programs"] if everything else whole["programs"]
    program_rows = [
        {
            "program": p,
            **_with_ratios(by_program.get(p.pk) or dict(EMPTY)),
            "light": page_figures["program_lights"].get(p.pk, lights.DONE),
        }
        for p in programs
    ]
    return {
        "programs": program_rows,
        "programs_page": programs_page,
        "units": whole["units"],
        "totals": whole["totals"],
        "light_counts": whole["light_counts"],
        "red_tasks": whole["red_tasks"],
        "reporting": page_figures["reporting"],
    }


def viewer_scope(user, everything: bool) -> tuple:
    """Whose view the figures are: the whole country for those who see everything, else this user in this role."""
    if everything:
        return ("all",)
    return ("user", user.pk, getattr(user, "role", ""), getattr(user, "organization_id", None))


RED_TASKS_SHOWN = 20


def _whole_figures(user, everything: bool, visible_ids: set | None) -> dict:
    """The totals, the units' rows, the tasks by light and the red tasks, over everything the user may see (and,
    for a user who sees a part, the figures of each of its programs: they make its totals)."""
    today = today_for()  # the day the tallies judge "overdue" by
    if everything:
        figures = {}
        total = analytics.program_figures(today=today, group=False).get(None)
    else:
        figures = _restricted_program_figures(user, today)
        # The totals are over the programs the user may see, as the rows are (a bounded list for these roles).
        shown = [f for pk, f in figures.items() if pk in visible_ids]
        total = {k: sum((f[k] for f in shown), Decimal(0) if k in MONEY else 0) for k in FIGURES}

    orgs = None if everything else Organization.objects.restrict(user, VIEW).values("pk")
    unit_rows = analytics.unit_figures(orgs, limit=100)
    ids = [r["organization_id"] for r in unit_rows]
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    paid = analytics.unit_paid(ids)
    shares = unit_shares(user, ids)
    unit_lights = lights.unit_lights(ids)
    for row in unit_rows:
        row["organization__full_name"] = names.get(row["organization_id"], "")
        row["completion"] = ratio(row["completed"], row["tasks"])
        row["disbursed"] = paid.get(row["organization_id"]) or Decimal(0)
        row["allocations"], row["allocations_reached"] = shares.get(row["organization_id"], (0, 0))
        row["light"] = unit_lights.get(row["organization_id"], lights.DONE)

    # What the dashboard leads with: tasks by light and the red tasks, over the tasks the user may see.
    tasks = Task.objects.restrict(user, VIEW).filter(plan__status=Plan.PUBLISHED)
    red = list(
        lights.annotate_lights(tasks)
        .filter(light=lights.RED)
        .select_related("plan")
        .order_by("due_date", "plan_id", "order")[:RED_TASKS_SHOWN]
    )
    return {
        "programs": dict(figures),
        "totals": _with_ratios(total or dict(EMPTY)),
        "units": list(unit_rows),
        "light_counts": lights.counts(tasks),
        "red_tasks": red,
    }


def _page_figures(user, programs: list, everything: bool) -> dict:
    """One page of programs: their tallied figures (for those who see everything), their lights, and the units
    that have not reported (未报) or reported late (迟报) for the last period of each (the first 20)."""
    ids = [p.pk for p in programs]
    units = None if everything else Organization.objects.restrict(user, VIEW).values("pk")
    reporting = lights.reporting_statuses(programs[:20], units=units)
    return {
        "programs": analytics.program_figures(ids, today=today_for()) if everything else {},
        "program_lights": lights.program_lights(ids),
        "reporting": [r for r in reporting if r["missing"] or r["late"]],
    }


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


def unit_shares(user, organization_ids) -> dict[int, tuple[int, int]]:
    """Organization id → (its target shares the user may see, those the latest approved figure against them meets)."""
    rows = list(
        targets_allocations(user)
        .filter(organization_id__in=list(organization_ids))
        .values_list("pk", "organization_id", "value", "target__comparator")
    )
    got = achieved_by_allocation(organization_ids=list(organization_ids))
    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, org_id, value, comparator in rows:
        out[org_id][0] += 1
        out[org_id][1] += reached(comparator, value, got.get(pk))
    return {k: (v[0], v[1]) for k, v in out.items()}


def _restricted_program_figures(user, today: dt.date) -> dict[int, dict]:
    """Per program, figures over only the tasks, targets, funding lines and payments this user may see."""

    out: dict[int, dict] = defaultdict(lambda: dict(EMPTY))
    for program_id, t in task_counts(Task.objects.restrict(user, VIEW), "plan__program_id").items():
        out[program_id].update(tasks=t["total"], completed=t["completed"], overdue=t["overdue"])
    targets = list(
        Target.objects.restrict(user, VIEW).values_list("pk", "value", "comparator", "plan__program_id")
    )
    achieved = achieved_by_target(target_ids=[pk for pk, *_ in targets])
    for pk, value, comparator, program_id in targets:
        out[program_id]["targets"] += 1
        out[program_id]["reached"] += reached(comparator, value, achieved.get(pk))
    shares = list(
        targets_allocations(user).values_list("pk", "value", "target__comparator", "target__plan__program_id")
    )
    got = achieved_by_allocation(target_ids={t for t, *_ in targets})
    for pk, value, comparator, program_id in shares:
        out[program_id]["allocations"] += 1
        out[program_id]["allocations_reached"] += reached(comparator, value, got.get(pk))
    for r in (
        FundingLine.objects.restrict(user, VIEW)
        .order_by()
        .values("plan__program_id")
        .annotate(s=Sum("amount"))
    ):
        out[r["plan__program_id"]]["planned"] = r["s"] or Decimal(0)
    paid = Transaction.objects.restrict(user, VIEW).spent().filter(funding_line__isnull=False)
    for r in paid.order_by().values("funding_line__plan__program_id").annotate(s=Sum("amount")):
        out[r["funding_line__plan__program_id"]]["disbursed"] += r["s"] or Decimal(0)
    return dict(out)


def targets_allocations(user):

    return Allocation.objects.restrict(user, VIEW)
