"""Figures the pages show, computed with aggregate queries over what a user may see (never one query per row)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, Sum

from duikou.core.permissions import VIEW


def latest_approved_figures(target_ids) -> dict[tuple[int, int], Decimal]:
    """(target id, organization id) → latest approved figure; the reports service is the one definition."""
    from duikou.reports.services import latest_approved_figures as latest

    return latest(target_ids=target_ids)


def achieved_by_target(target_ids) -> dict[int, Decimal]:
    """Target id → the sum over units of their latest approved figures."""
    from duikou.reports.services import achieved_by_target as achieved

    return achieved(target_ids=target_ids)


def is_reached(target, achieved: Decimal | None) -> bool:
    """Whether the achieved figure meets the target's comparator."""
    if achieved is None:
        return False
    if target.comparator == "<=":
        return achieved <= target.value
    return achieved >= target.value


def ratio(part, whole) -> float | None:
    if not whole:
        return None
    return float(Decimal(part or 0) / Decimal(whole))


def task_counts(tasks_queryset, group_by: str) -> dict:
    """group value → {total, completed, overdue} for a (restricted) task queryset."""
    today = dt.date.today()
    rows = (
        tasks_queryset.order_by()
        .values(group_by)
        .annotate(
            total=Count("pk", distinct=True),
            completed=Count("pk", filter=Q(status="completed"), distinct=True),
            overdue=Count("pk", filter=Q(due_date__lt=today) & ~Q(status="completed"), distinct=True),
        )
    )
    return {row[group_by]: row for row in rows}


def funds_by_line(lines_queryset) -> dict[int, Decimal]:
    """Funding line id → amount disbursed (支付到账) against it."""
    from duikou.funds.models import Transaction

    rows = (
        Transaction.objects.filter(
            funding_line__in=lines_queryset.values("pk"), kind=Transaction.DISBURSEMENT
        )
        .order_by()
        .values("funding_line_id")
        .annotate(total=Sum("amount"))
    )
    return {row["funding_line_id"]: row["total"] or Decimal(0) for row in rows}


def dashboard(user) -> dict:
    """Completion, overdue tasks, targets reached and funds executed, per program and per unit."""
    from duikou.funds.models import FundingLine, Transaction
    from duikou.plans.models import Responsibility, Task
    from duikou.programs.models import Program
    from duikou.targets.models import Target

    programs = list(Program.objects.restrict(user, VIEW).order_by("name"))
    tasks = Task.objects.restrict(user, VIEW)
    by_program = task_counts(tasks, "plan__program_id")

    targets = list(
        Target.objects.restrict(user, VIEW)
        .only("pk", "value", "comparator", "plan_id")
        .select_related("plan")
    )
    achieved = achieved_by_target([t.pk for t in targets])
    reached_by_program: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for target in targets:
        counts = reached_by_program[target.plan.program_id]
        counts[1] += 1
        counts[0] += is_reached(target, achieved.get(target.pk))

    lines = FundingLine.objects.restrict(user, VIEW)
    planned = {
        r["plan__program_id"]: r["total"]
        for r in lines.order_by().values("plan__program_id").annotate(total=Sum("amount"))
    }
    disbursed = {
        r["funding_line__plan__program_id"]: r["total"]
        for r in Transaction.objects.restrict(user, VIEW)
        .filter(kind=Transaction.DISBURSEMENT, funding_line__isnull=False)
        .order_by()
        .values("funding_line__plan__program_id")
        .annotate(total=Sum("amount"))
    }
    program_rows = []
    for program in programs:
        t = by_program.get(program.pk, {"total": 0, "completed": 0, "overdue": 0})
        reached, target_total = reached_by_program.get(program.pk, [0, 0])
        program_rows.append(
            {
                "program": program,
                "tasks": t["total"],
                "completed": t["completed"],
                "overdue": t["overdue"],
                "completion": ratio(t["completed"], t["total"]),
                "targets": target_total,
                "reached": reached,
                "planned": planned.get(program.pk) or Decimal(0),
                "disbursed": disbursed.get(program.pk) or Decimal(0),
                "execution": ratio(disbursed.get(program.pk), planned.get(program.pk)),
            }
        )

    today = dt.date.today()
    unit_rows = list(
        Responsibility.objects.restrict(user, VIEW)
        .filter(task__in=tasks.values("pk"))
        .order_by()
        .values("organization_id", "organization__full_name")
        .annotate(
            tasks=Count("task", distinct=True),
            lead=Count("task", filter=Q(role="lead"), distinct=True),
            completed=Count("task", filter=Q(task__status="completed"), distinct=True),
            overdue=Count(
                "task", filter=Q(task__due_date__lt=today) & ~Q(task__status="completed"), distinct=True
            ),
        )
        .order_by("-overdue", "-tasks")[:100]
    )
    unit_paid = {
        r["payer_id"]: r["total"]
        for r in Transaction.objects.restrict(user, VIEW)
        .filter(kind=Transaction.DISBURSEMENT)
        .order_by()
        .values("payer_id")
        .annotate(total=Sum("amount"))
    }
    unit_allocated = {
        r["organization_id"]: r["n"]
        for r in targets_allocations(user).order_by().values("organization_id").annotate(n=Count("pk"))
    }
    for row in unit_rows:
        row["completion"] = ratio(row["completed"], row["tasks"])
        row["disbursed"] = unit_paid.get(row["organization_id"]) or Decimal(0)
        row["allocations"] = unit_allocated.get(row["organization_id"], 0)

    totals = {
        "tasks": sum(r["tasks"] for r in program_rows),
        "completed": sum(r["completed"] for r in program_rows),
        "overdue": sum(r["overdue"] for r in program_rows),
        "targets": sum(r["targets"] for r in program_rows),
        "reached": sum(r["reached"] for r in program_rows),
        "planned": sum((r["planned"] for r in program_rows), Decimal(0)),
        "disbursed": sum((r["disbursed"] for r in program_rows), Decimal(0)),
    }
    totals["completion"] = ratio(totals["completed"], totals["tasks"])
    totals["execution"] = ratio(totals["disbursed"], totals["planned"])
    return {"programs": program_rows, "units": unit_rows, "totals": totals}


def targets_allocations(user):
    from duikou.targets.models import Allocation

    return Allocation.objects.restrict(user, VIEW)
