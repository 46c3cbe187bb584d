"""Figures the pages show, computed with aggregate queries over what a user may see (never one query per row)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from duikou.core.dates import today_for
from duikou.core.lists import ratio
from duikou.core.permissions import VIEW, sees_everything
from duikou.funds.models import spent_by_line as funds_by_line  # noqa: F401  (the funds pages' name)
from duikou.plans.models import COMPLETED, overdue_q
from duikou.reports.achieved import achieved_by_target
from duikou.targets.models import reached


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
    bounded slice); its unit table is the tallies of the units it may see.
    """
    from django.core.paginator import Paginator

    from duikou.analytics import services as analytics
    from duikou.organizations.models import Organization
    from duikou.programs.models import Program

    today = today_for()  # the day the tallies judge "overdue" by
    everything = sees_everything(user)
    visible = Program.objects.restrict(user, VIEW).order_by("name", "pk")
    if not everything:
        visible = list(
            visible
        )  # a unit's programs are few: the gate's query runs once, not per count and page
    programs_page = Paginator(visible, PROGRAMS_PER_PAGE).get_page(page)
    programs = list(programs_page.object_list)
    if everything:
        figures = analytics.program_figures([p.pk for p in programs], today=today)
        total = analytics.program_figures(today=today, group=False).get(None)
    else:
        figures = _restricted_program_figures(user, today)
        # The totals are over the programs the user may see, as the rows are (a bounded list for these roles).
        visible_ids = {p.pk for p in visible}
        shown = [f for pk, f in figures.items() if pk in visible_ids]
        total = {k: sum((f[k] for f in shown), Decimal(0) if k in MONEY else 0) for k in FIGURES}
    program_rows = [{"program": p, **_with_ratios(figures.get(p.pk) or dict(EMPTY))} for p in programs]
    totals = _with_ratios(total or dict(EMPTY))

    orgs = None if everything else Organization.objects.restrict(user, VIEW).values("pk")
    unit_rows = analytics.unit_figures(orgs, limit=100)
    ids = [r["organization_id"] for r in unit_rows]
    names = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "full_name"))
    paid = analytics.unit_paid(ids)
    allocated = {
        r["organization_id"]: r["n"]
        for r in targets_allocations(user)
        .filter(organization_id__in=ids)
        .order_by()
        .values("organization_id")
        .annotate(n=Count("pk"))
    }
    for row in unit_rows:
        row["organization__full_name"] = names.get(row["organization_id"], "")
        row["completion"] = ratio(row["completed"], row["tasks"])
        row["disbursed"] = paid.get(row["organization_id"]) or Decimal(0)
        row["allocations"] = allocated.get(row["organization_id"], 0)
    return {"programs": program_rows, "programs_page": programs_page, "units": unit_rows, "totals": totals}


FIGURES = ("tasks", "completed", "overdue", "targets", "reached", "planned", "disbursed")
MONEY = ("planned", "disbursed")
EMPTY = {k: (Decimal(0) if k in MONEY else 0) for k in FIGURES}


def _with_ratios(figures: dict) -> dict:
    return {
        **figures,
        "completion": ratio(figures["completed"], figures["tasks"]),
        "execution": ratio(figures["disbursed"], figures["planned"]),
    }


def _restricted_program_figures(user, today: dt.date) -> dict[int, dict]:
    """Per program, figures over only the tasks, targets, funding lines and payments this user may see."""
    from duikou.funds.models import FundingLine, Transaction
    from duikou.plans.models import Task
    from duikou.targets.models import Target

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
    from duikou.targets.models import Allocation

    return Allocation.objects.restrict(user, VIEW)
