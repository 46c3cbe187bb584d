"""Analytics services: read the summaries (for dashboards and the API), refresh and rebuild them.

The summary tables are changed in the same transaction as the data (signals.py applies per-row deltas;
`refresh_plan` recomputes one plan after a bulk write; `rebuild` recomputes everything). Readers get
the current answer: overdue counts are computed at read time from tallies kept by due date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractYear

from duikou.core.compiled import AmongUncounted, Compiled, IdList, Param
from duikou.core.dates import today_for
from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import CANCELLED, COMPLETED, Responsibility, Task, is_overdue, overdue_q
from duikou.projects.models import Project
from duikou.reports.achieved import achieved_by_allocation, achieved_by_target
from duikou.targets.models import Allocation, Target, reached

from .models import NO_DUE_DATE, FundsTally, TargetTally, TaskTally, UnitFundsTally, UnitRollup, UnitTaskTally

KINDS = ("commitment", "appropriation", "disbursement", "expenditure")
ZERO = Decimal(0)


# -- writing ---------------------------------------------------------------------------------------
def add_to(model, key: dict, amounts: dict, extra: dict | None = None) -> None:
    """Add `amounts` to the tally row with `key` (created with `extra` if missing), in one concurrency-safe statement."""
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    extra = dict(extra or {})
    for field in model._meta.concrete_fields:  # the model's defaults are not the table's
        if not field.primary_key and field.has_default() and field.attname not in key | extra | amounts:
            extra[field.attname] = field.get_default()
    cols = list(key) + list(extra) + list(amounts)
    params = [_param(v) for v in [*key.values(), *extra.values(), *amounts.values()]]
    updates = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in amounts)
    sql = (
        f"INSERT INTO {table} ({', '.join(q(c) for c in cols)}) VALUES ({', '.join(['%s'] * len(cols))}) "
        f"ON CONFLICT ({', '.join(q(c) for c in key)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_to_unit(organization_id: int, role: str, status: str, due_date, sign: int) -> None:
    """Count task assignments in (sign +n) or out (-n) of the unit tally and the unit's rollup."""
    due = due_key(due_date)
    add_to(
        UnitTaskTally,
        {"organization_id": organization_id, "role": role, "status": status, "due_date": due},
        {"count": sign},
    )
    table, q = connection.ops.quote_name(UnitRollup._meta.db_table), connection.ops.quote_name
    today = today_for()
    open_sign = 0 if status in (COMPLETED, CANCELLED) else sign
    # "Overdue" (plans.models.is_overdue) is judged against the row's own as_of in the UPDATE: a row not yet
    # rolled to today stays consistent.
    sql = (
        f"INSERT INTO {table} ({q('organization_id')}, {q('tasks')}, {q('lead')}, {q('completed')}, {q('overdue')}, "
        f"{q('as_of')}) VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT ({q('organization_id')}) DO UPDATE SET "
        f"{q('tasks')} = {table}.{q('tasks')} + excluded.{q('tasks')}, "
        f"{q('lead')} = {table}.{q('lead')} + excluded.{q('lead')}, "
        f"{q('completed')} = {table}.{q('completed')} + excluded.{q('completed')}, "
        f"{q('overdue')} = {table}.{q('overdue')} + CASE WHEN %s < {table}.{q('as_of')} THEN %s ELSE 0 END"
    )
    params = [
        organization_id,
        sign,
        sign if role == "lead" else 0,
        sign if status == COMPLETED else 0,
        sign if is_overdue(status, due, today) else 0,
        today,
        due,
        open_sign,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [_param(p) for p in params])


def _param(value):
    if isinstance(value, Decimal) and connection.vendor == "sqlite":
        return str(value)
    return value


def due_key(due_date) -> dt.date:
    return due_date or NO_DUE_DATE


def _year(value) -> int:
    return value.year if isinstance(value, dt.date) else int(str(value)[:4])


def recompute_targets(target_ids: Iterable[int]) -> None:
    """Recompute achieved and reached for these targets (reports.achieved and targets.models own the rules), and
    how many of their unit shares (allocations) the figures reported against them meet."""

    ids = sorted(set(target_ids))
    if not ids:
        return
    achieved = achieved_by_target(target_ids=ids)
    shares = _allocation_counts(ids, achieved_by_allocation(target_ids=ids))
    # Tally rows are locked in id order: two reports saved at once that share targets then queue instead of
    # deadlocking (the load test met that deadlock with sets iterated in arbitrary order).
    targets = (
        Target.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "plan_id", "plan__program_id", "value", "comparator")
    )
    found = set()
    for pk, plan_id, program_id, value, comparator in targets:
        found.add(pk)
        got = achieved.get(pk, ZERO)
        n, met = shares.get(pk, (0, 0))
        TargetTally.objects.update_or_create(
            target_id=pk,
            defaults={
                "plan_id": plan_id,
                "program_id": program_id,
                "value": value,
                "achieved": got,
                "reached": reached(comparator, value, achieved.get(pk)),
                "allocations": n,
                "allocations_reached": met,
            },
        )
    TargetTally.objects.filter(target_id__in=set(ids) - found).delete()


def _allocation_counts(target_ids, by_allocation: dict[int, Decimal]) -> dict[int, tuple[int, int]]:
    """Target id → (its allocations, those the latest approved figure reported against them meets)."""

    out: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    rows = Allocation.objects.filter(target_id__in=list(target_ids)).values_list(
        "pk", "target_id", "value", "target__comparator"
    )
    for pk, target_id, value, comparator in rows.iterator(chunk_size=5000):
        out[target_id][0] += 1
        out[target_id][1] += reached(comparator, value, by_allocation.get(pk))
    return {k: (v[0], v[1]) for k, v in out.items()}


@transaction.atomic
def refresh_plan(plan_id: int) -> None:
    """Recompute every summary one plan touches (after rows were written in bulk without signals)."""

    TaskTally.objects.filter(plan_id=plan_id).delete()
    _fill_task_tally(Q(plan_id=plan_id))
    # Unit tallies are not recomputed here: a busy unit's assignments span the country, and recounting them
    # on every plan save took seconds nationally. Signals keep them; an import counts its bulk rows itself
    # (count_imported_assignments).
    FundsTally.objects.filter(plan_id=plan_id).delete()
    # The plan's transactions by the ids of its lines and projects (a few dozen): a condition across the joins
    # (funding_line__plan_id=… OR project__plan_id=…) read all 10 M transactions of a national database.
    line_ids = list(FundingLine.objects.filter(plan_id=plan_id).values_list("pk", flat=True))
    project_ids = list(Project.objects.filter(plan_id=plan_id).values_list("pk", flat=True))
    _fill_funds(
        Q(plan_id=plan_id),
        Q(funding_line_id__in=line_ids) | Q(project_id__in=project_ids, funding_line=None),
    )
    payers = Transaction.objects.filter(Q(funding_line_id__in=line_ids) | Q(project_id__in=project_ids))
    refresh_organization_funds(
        set(payers.values_list("payer_id", flat=True)) | set(payers.values_list("payee_id", flat=True))
    )
    recompute_targets(Target.objects.filter(plan_id=plan_id).values_list("pk", flat=True))


def count_imported_plan(*, plan_id: int) -> None:
    """A plan written in bulk (hooks.PLAN_IMPORTED): its assignments into the unit tallies, then its own tallies."""
    count_imported_assignments(plan_id)
    refresh_plan(plan_id)  # whether or not the plan is published now


def count_imported_assignments(plan_id: int) -> None:
    """Add a newly imported plan's task assignments (written in bulk, so no signal counted them) to the unit
    tallies and rollups: one grouped query over the plan's own rows, whatever the size of the country."""

    groups = (
        Responsibility.objects.filter(task__plan_id=plan_id)
        .values("organization_id", "role", "task__status", "task__due_date")
        .annotate(n=_count())
        .order_by()
    )
    for g in groups:
        add_to_unit(g["organization_id"], g["role"], g["task__status"], g["task__due_date"], g["n"])


def refresh_organizations(org_ids: Iterable[int]) -> None:
    """Recompute the task-assignment tallies of these organizations."""
    org_ids = list(set(org_ids))
    for start in range(0, len(org_ids), 500):
        chunk = org_ids[start : start + 500]
        UnitTaskTally.objects.filter(organization_id__in=chunk).delete()
        _fill_unit_task_tally(Q(organization_id__in=chunk))
        UnitRollup.objects.filter(organization_id__in=chunk).delete()
        _fill_unit_rollup(chunk)


def refresh_organization_funds(org_ids: Iterable[int]) -> None:
    """Recompute the paid and received tallies of these organizations."""
    org_ids = list(set(org_ids))
    for start in range(0, len(org_ids), 500):
        chunk = org_ids[start : start + 500]
        UnitFundsTally.objects.filter(organization_id__in=chunk).delete()
        _fill_unit_funds(chunk)


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recompute every summary table from the data; returns the rows each now holds.

    Set-based at any size: the tables are emptied with one DELETE each (the ORM's delete() would load every
    row first), each fill groups in SQL and streams its rows to `_bulk` in batches.
    """

    tallies = (TaskTally, UnitTaskTally, UnitRollup, FundsTally, UnitFundsTally, TargetTally)
    with connection.cursor() as cursor:
        for model in tallies:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
    _fill_task_tally(Q())
    _fill_unit_task_tally(Q())
    _fill_unit_rollup(None)
    _fill_funds(Q(), Q())
    _fill_unit_funds(None)
    _fill_targets(Target.objects.all())
    return {m.__name__: m.objects.count() for m in tallies}


def _batched(rows, size: int):
    """Lists of `size` rows (itertools.batched arrives only in Python 3.12)."""
    chunk: list = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _bulk(model, rows, batch: int = 5000) -> None:
    """Insert new tally rows (model instances, any iterable), streaming: COPY on PostgreSQL, executemany on SQLite.

    Not bulk_create: at national scale (a million tally rows) the ORM's per-value preparation and huge INSERT
    statements cost more than the grouping queries; streaming keeps memory to one batch.
    """
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or not f.auto_created]
    q = connection.ops.quote_name
    columns = ", ".join(q(f.column) for f in fields)
    attnames = [f.attname for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One COPY per batch: `rows` may be a server-side cursor on this same connection, which cannot
            # fetch while a COPY is open (the connection would wait on itself).
            for chunk in _batched(rows, batch):
                with cursor.cursor.copy(f"COPY {q(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                    for obj in chunk:
                        copy.write_row([getattr(obj, a) for a in attnames])
            return
        sql = f"INSERT INTO {q(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        chunk: list = []
        for obj in rows:
            chunk.append([_param(getattr(obj, a)) for a in attnames])
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def _fill_task_tally(where: Q) -> None:

    groups = (
        Task.objects.filter(where)
        .values("plan_id", "plan__program_id", "status", "due_date")
        .annotate(n=_count())
        .order_by()
    )
    merged: dict[tuple, int] = defaultdict(int)
    for g in groups.iterator(chunk_size=5000):
        merged[(g["plan_id"], g["plan__program_id"], g["status"], due_key(g["due_date"]))] += g["n"]
    _bulk(
        TaskTally,
        (
            TaskTally(plan_id=k[0], program_id=k[1], status=k[2], due_date=k[3], count=n)
            for k, n in merged.items()
        ),
    )


def _fill_unit_task_tally(where: Q) -> None:

    groups = (
        Responsibility.objects.filter(where)
        .values("organization_id", "role", "task__status", "task__due_date")
        .annotate(n=_count())
        .order_by()
    )
    merged: dict[tuple, int] = defaultdict(int)
    for g in groups.iterator(chunk_size=5000):
        merged[(g["organization_id"], g["role"], g["task__status"], due_key(g["task__due_date"]))] += g["n"]
    _bulk(
        UnitTaskTally,
        (
            UnitTaskTally(organization_id=k[0], role=k[1], status=k[2], due_date=k[3], count=n)
            for k, n in merged.items()
        ),
    )


def _rollup_sums(today: dt.date) -> dict:
    whole = IntegerField()
    return {
        "n": Sum("count"),
        "n_lead": Sum(Case(When(role="lead", then=F("count")), default=0, output_field=whole)),
        "n_completed": Sum(Case(When(status=COMPLETED, then=F("count")), default=0, output_field=whole)),
        "n_overdue": Sum(
            Case(
                When(overdue_q(today, completion_date=False), then=F("count")), default=0, output_field=whole
            )
        ),
    }


def _fill_unit_rollup(org_ids: list[int] | None) -> None:
    """Sum the unit tallies of these organizations (None: all) into their rollup rows, as of today."""
    today = today_for()
    tallies = (
        UnitTaskTally.objects.all()
        if org_ids is None
        else UnitTaskTally.objects.filter(organization_id__in=org_ids)
    )
    rows = tallies.values("organization_id").annotate(**_rollup_sums(today)).order_by()
    _bulk(
        UnitRollup,
        (
            UnitRollup(
                organization_id=r["organization_id"],
                tasks=r["n"] or 0,
                lead=r["n_lead"] or 0,
                completed=r["n_completed"] or 0,
                overdue=r["n_overdue"] or 0,
                as_of=today,
            )
            for r in rows.iterator(chunk_size=5000)
        ),
    )


def roll_unit_rollups() -> int:
    """Recompute the overdue counts of rollup rows whose as_of is before today; returns how many rows moved on.

    Runs on the first read of a day. On PostgreSQL the table is locked against writers for the recompute, so a
    write in flight is either counted by it (committed first) or judged against the new as_of (after).
    """
    today = today_for()
    oldest = _OLDEST_ROLLUP.rows(None)
    if not oldest or oldest[0][0] >= today:
        return 0
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    f"LOCK TABLE {connection.ops.quote_name(UnitRollup._meta.db_table)} IN SHARE ROW EXCLUSIVE MODE"
                )
        stale = list(UnitRollup.objects.filter(as_of__lt=today).values_list("organization_id", flat=True))
        for start in range(0, len(stale), 5000):
            chunk = stale[start : start + 5000]
            UnitRollup.objects.filter(organization_id__in=chunk).delete()
            _fill_unit_rollup(chunk)
    return len(stale)


# Asked at every read of the rollups (a unit's dashboard): the oldest as_of, compared here. Asked for a row before a
# day given as a parameter, PostgreSQL's generic plan for the prepared statement scanned the whole table for none
# (0.8 ms a view at national scale) where the index gives the oldest row at once.
_OLDEST_ROLLUP = Compiled(UnitRollup, lambda: UnitRollup.objects.order_by("as_of").values_list("as_of")[:1])


def _count():
    from django.db.models import Count

    return Count("pk")


def _fill_funds(line_where: Q, tx_where: Q) -> None:

    rows: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(("planned", *KINDS, "line_spent"), ZERO))
    for g in (
        FundingLine.objects.filter(line_where)
        .values("plan_id", "plan__program_id", "year")
        .annotate(s=Sum("amount"))
        .order_by()
        .iterator(chunk_size=5000)
    ):
        rows[(g["plan__program_id"], g["plan_id"], g["year"])]["planned"] += g["s"] or ZERO
    money = DecimalField(max_digits=20, decimal_places=2)
    txs = Transaction.objects.filter(tx_where).annotate(
        program=Coalesce("funding_line__plan__program_id", "project__program_id"),
        plan=Coalesce("funding_line__plan_id", "project__plan_id", Value(0), output_field=IntegerField()),
        y=ExtractYear("date"),
    )
    for g in (
        txs.values("program", "plan", "y", "kind")
        .annotate(s=Sum("amount", output_field=money))
        .order_by()
        .iterator(chunk_size=5000)
    ):
        rows[(g["program"], g["plan"], g["y"])][g["kind"]] += g["s"] or ZERO
    on_lines = (
        Transaction.objects.spent()
        .filter(tx_where, funding_line__isnull=False)
        .annotate(y=ExtractYear("date"))
    )
    for g in (
        on_lines.values("funding_line__plan__program_id", "funding_line__plan_id", "y")
        .annotate(s=Sum("amount", output_field=money))
        .order_by()
        .iterator(chunk_size=5000)
    ):
        key = (g["funding_line__plan__program_id"], g["funding_line__plan_id"], g["y"])
        rows[key]["line_spent"] += g["s"] or ZERO
    _bulk(FundsTally, (FundsTally(program_id=k[0], plan_id=k[1], year=k[2], **v) for k, v in rows.items()))


def _fill_unit_funds(org_ids: list[int] | None) -> None:

    rows: dict[tuple, dict] = defaultdict(lambda: {"paid": ZERO, "received": ZERO})
    for side, column in (("payer_id", "paid"), ("payee_id", "received")):
        qs = (
            Transaction.objects.all()
            if org_ids is None
            else Transaction.objects.filter(**{f"{side}__in": org_ids})
        )
        for g in (
            qs.annotate(y=ExtractYear("date"))
            .values(side, "y", "kind")
            .annotate(s=Sum("amount"))
            .order_by()
            .iterator(chunk_size=5000)
        ):
            rows[(g[side], g["y"], g["kind"])][column] += g["s"] or ZERO
    _bulk(
        UnitFundsTally,
        (UnitFundsTally(organization_id=k[0], year=k[1], kind=k[2], **v) for k, v in rows.items()),
    )


def _fill_targets(targets) -> None:
    """Achieved values, reached and shares met of many targets, streamed in batches (the rules: reports.achieved,
    targets)."""
    achieved = achieved_by_target()
    by_allocation = achieved_by_allocation()
    batch = []
    for row in targets.values_list("pk", "plan_id", "plan__program_id", "value", "comparator").iterator(
        chunk_size=5000
    ):
        batch.append(row)
        if len(batch) >= 5000:
            _bulk(TargetTally, _target_rows(batch, achieved, by_allocation))
            batch = []
    _bulk(TargetTally, _target_rows(batch, achieved, by_allocation))


def _target_rows(batch, achieved, by_allocation) -> list:
    shares = _allocation_counts([row[0] for row in batch], by_allocation)
    rows = []
    for pk, plan_id, program_id, value, comparator in batch:
        got = achieved.get(pk)
        n, met = shares.get(pk, (0, 0))
        rows.append(
            TargetTally(
                target_id=pk,
                plan_id=plan_id,
                program_id=program_id,
                value=value,
                achieved=(got or ZERO).quantize(Decimal("0.0001")),
                reached=reached(comparator, value, got),
                allocations=n,
                allocations_reached=met,
            )
        )
    return rows


# -- reading ---------------------------------------------------------------------------------------
def _task_counts(tallies, today: dt.date, rows=None) -> dict:
    """Tasks by status and overdue from task tallies, or from their `rows` (status, due date, count) already read."""
    by_status = dict.fromkeys(("not_started", "in_progress", "completed", "suspended"), 0)
    overdue = 0
    if rows is None:
        rows = (
            tallies.values("status", "due_date")
            .annotate(n=Sum("count"))
            .values_list("status", "due_date", "n")
            .order_by()
        )
    for status, due, n in rows:
        by_status[status] = by_status.get(status, 0) + (n or 0)
        if is_overdue(status, due, today):
            overdue += n or 0
    return _counted(by_status, overdue)


def _counted(by_status: dict, overdue: int) -> dict:
    """Task counts as the summaries give them, from the tasks by status and the overdue ones."""
    total = sum(by_status.values())
    return {
        "tasks": total,
        "by_status": by_status,
        "overdue": overdue,
        "completed_share": round(by_status.get(COMPLETED, 0) / total, 4) if total else 0.0,
    }


def _funds(tallies) -> dict:
    sums = tallies.aggregate(**{k: Sum(k) for k in ("planned", *KINDS)})
    out = {k: (v or ZERO) for k, v in sums.items()}
    out["disbursed_share"] = float(out["disbursement"] / out["planned"]) if out["planned"] else 0.0
    return out


def _targets(tallies) -> dict:
    agg = tallies.aggregate(
        total=Sum(Value(1)),
        reached=Sum(Case(When(reached=True, then=1), default=0, output_field=IntegerField())),
    )
    return {"targets": agg["total"] or 0, "reached": agg["reached"] or 0}


def plan_summary(plan, *, today: dt.date | None = None) -> dict:
    """Tasks by status, overdue tasks, targets reached and funds planned vs moved for one plan."""
    today = today or today_for()
    pid = getattr(plan, "pk", plan)
    return {
        "plan": pid,
        **_task_counts(TaskTally.objects.filter(plan_id=pid), today),
        "targets": _targets(TargetTally.objects.filter(plan_id=pid)),
        "funds": _funds(FundsTally.objects.filter(plan_id=pid)),
    }


def program_summary(program, *, today: dt.date | None = None) -> dict:
    """The same figures for a whole program (all its plans, and project money outside plans)."""
    today = today or today_for()
    pid = getattr(program, "pk", program)
    return {
        "program": pid,
        **_task_counts(TaskTally.objects.filter(program_id=pid), today),
        "targets": _targets(TargetTally.objects.filter(program_id=pid)),
        "funds": _funds(FundsTally.objects.filter(program_id=pid)),
    }


def national_summary(*, today: dt.date | None = None, programs=None) -> dict:
    """Figures over all programs, or over a queryset/list of program ids (e.g. those a user may see)."""
    today = today or today_for()
    tasks, targets, funds = TaskTally.objects.all(), TargetTally.objects.all(), FundsTally.objects.all()
    if programs is not None:
        ids = programs.values("pk") if hasattr(programs, "values") else list(programs)
        tasks, targets, funds = (m.filter(program_id__in=ids) for m in (tasks, targets, funds))
    return {**_task_counts(tasks, today), "targets": _targets(targets), "funds": _funds(funds)}


def program_ranking(*, today: dt.date | None = None, limit: int = 20) -> list[dict]:
    """Programs by completed share of tasks, with overdue counts (one grouped query over the tallies)."""
    today = today or today_for()
    rows = (
        TaskTally.objects.values("program_id")
        .annotate(
            total=Sum("count"),
            done=Sum(Case(When(status=COMPLETED, then=F("count")), default=0, output_field=IntegerField())),
            overdue=Sum(
                Case(
                    When(overdue_q(today, completion_date=False), then=F("count")),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
        )
        .order_by()
    )
    out = [
        {
            "program": r["program_id"],
            "tasks": r["total"],
            "completed": r["done"],
            "overdue": r["overdue"],
            "completed_share": round(r["done"] / r["total"], 4) if r["total"] else 0.0,
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["completed_share"], r["program"]))
    return out[:limit]


def organization_summary(organization, *, subtree: bool = True, today: dt.date | None = None) -> dict:
    """One unit's assignments by status (lead and support), overdue, and money paid and received.

    With subtree=True (the default) the figures include every organization under it (a province's
    departments, counties, towns).
    """

    today = today or today_for()
    if subtree:
        path = (
            organization.tree_path
            if hasattr(organization, "tree_path")
            else Organization.objects.get(pk=organization).tree_path
        )
        ids = Organization.objects.filter(tree_path__startswith=path).values("pk")
        task_rows = _by_role(UnitTaskTally.objects.filter(organization_id__in=ids))
        money = _by_kind(UnitFundsTally.objects.filter(organization_id__in=ids))
    else:
        unit = getattr(organization, "pk", organization)
        money = _UNIT_FUNDS.rows(None, unit=unit)
        lead, support = _unit_task_counts(unit, today)
        task_rows = None
    if task_rows is not None:
        by_role: dict[str, list] = {"lead": [], "support": []}
        for role, *row in task_rows:
            by_role[role].append(row)
        lead = _task_counts(None, today, by_role["lead"])
        support = _task_counts(None, today, by_role["support"])
    return {
        "organization": getattr(organization, "pk", organization),
        "lead": lead,
        "support": support,
        "funds": {
            kind: {"paid": paid or ZERO, "received": received or ZERO} for kind, paid, received in money
        },
    }


def _by_role(tallies):
    """Task tallies summed by role (lead and support, in one grouped query), status and due date."""
    return (
        tallies.filter(role__in=["lead", "support"])
        .values("role", "status", "due_date")
        .annotate(n=Sum("count"))
        .values_list("role", "status", "due_date", "n")
        .order_by()
    )


def _by_kind(tallies):
    """Money tallies summed by kind: paid and received."""
    return (
        tallies.values("kind")
        .annotate(paid=Sum("paid"), received=Sum("received"))
        .values_list("kind", "paid", "received")
        .order_by()
    )


def _unit_task_counts(unit: int, today: dt.date) -> tuple[dict, dict]:
    """One unit's lead and support tasks as `_task_counts` gives them, each status's overdue ones summed in SQL
    (overdue_q on the tallies, as the rollups judge them): a row per role and status, not per due date."""
    counts = {"lead": _task_counts(None, today, []), "support": _task_counts(None, today, [])}
    for role, status, n, overdue in _UNIT_TASKS.rows(None, today, unit=unit):
        by_status = counts[role]["by_status"]
        by_status[status] = by_status.get(status, 0) + (n or 0)
        counts[role]["overdue"] += overdue or 0
    lead, support = counts["lead"], counts["support"]
    return _counted(lead["by_status"], lead["overdue"]), _counted(support["by_status"], support["overdue"])


# One unit's (the unit page's cards), compiled once a day: building the grouped queries cost more than running them.
_UNIT_TASKS = Compiled(
    UnitTaskTally,
    lambda today: (
        UnitTaskTally.objects.filter(organization_id=Param("unit"), role__in=["lead", "support"])
        .values("role", "status")
        .annotate(
            n=Sum("count"),
            overdue=Sum(
                Case(
                    When(overdue_q(today, completion_date=False), then=F("count")),
                    default=0,
                    output_field=IntegerField(),
                )
            ),
        )
        .values_list("role", "status", "n", "overdue")
        .order_by()
    ),
)
_UNIT_FUNDS = Compiled(
    UnitFundsTally, lambda: _by_kind(UnitFundsTally.objects.filter(organization_id=Param("unit")))
)


def program_figures(program_ids=None, *, today: dt.date | None = None, group: bool = True) -> dict:
    """Per program (or, with group=False, over all of them under key None): tasks, completed, overdue, targets,
    reached, funds planned and disbursed against funding lines: three grouped queries over the tallies.

    `program_ids` is None (every program), a list, or a subquery (e.g. the programs a user may see).
    """
    today = today or today_for()
    tasks, targets, funds = TaskTally.objects.all(), TargetTally.objects.all(), FundsTally.objects.all()
    if program_ids is not None:
        tasks, targets, funds = (qs.filter(program_id__in=program_ids) for qs in (tasks, targets, funds))
    out: dict = defaultdict(
        lambda: {
            "tasks": 0,
            "completed": 0,
            "overdue": 0,
            "targets": 0,
            "reached": 0,
            "planned": ZERO,
            "disbursed": ZERO,
            "allocations": 0,
            "allocations_reached": 0,
        }
    )
    whole = IntegerField()

    def rows(qs, **sums):
        # Grouped per program, or one aggregate (under key None) over all of them.
        if group:
            return qs.values("program_id").annotate(**sums).order_by()
        return [{"program_id": None, **qs.aggregate(**sums)}]

    for r in rows(
        tasks,
        total=Sum("count"),
        done=Sum(Case(When(status=COMPLETED, then=F("count")), default=0, output_field=whole)),
        late=Sum(
            Case(
                When(overdue_q(today, completion_date=False), then=F("count")), default=0, output_field=whole
            )
        ),
    ):
        row = out[r["program_id"]]
        row["tasks"], row["completed"], row["overdue"] = r["total"] or 0, r["done"] or 0, r["late"] or 0
    for r in rows(
        targets,
        total=Sum(Value(1), output_field=whole),
        hit=Sum(Case(When(reached=True, then=1), default=0, output_field=whole)),
        shares=Sum("allocations"),
        shares_hit=Sum("allocations_reached"),
    ):
        row = out[r["program_id"]]
        row["targets"], row["reached"] = r["total"] or 0, r["hit"] or 0
        row["allocations"], row["allocations_reached"] = r["shares"] or 0, r["shares_hit"] or 0
    for r in rows(funds, p=Sum("planned"), d=Sum("line_spent")):
        row = out[r["program_id"]]
        row["planned"], row["disbursed"] = r["p"] or ZERO, r["d"] or ZERO
    return dict(out)


def unit_figures(organization_ids=None, *, limit: int | None = 100) -> list[dict]:
    """Units by overdue then assigned tasks: assignments (lead + support), lead, completed, overdue as of today,
    read from the unit rollups. `organization_ids` narrows them (None: every unit; a list, a set or a subquery)."""
    roll_unit_rollups()
    if isinstance(organization_ids, list | set | frozenset) and limit:
        return [dict(zip(_UNIT_COLUMNS, row, strict=True)) for row in _UNITS_OF.rows(organization_ids, limit)]
    return list(_unit_rows(organization_ids, limit))


_UNIT_COLUMNS = ("organization_id", "tasks", "lead", "completed", "overdue")


def _unit_rows(organization_ids, limit: int | None):
    rows = UnitRollup.objects.filter(tasks__gt=0)
    if isinstance(organization_ids, IdList):  # compiled (_UNITS_OF): planned once for any number of units
        rows = rows.filter(AmongUncounted("organization_id", organization_ids))
    elif organization_ids is not None:
        rows = rows.filter(organization_id__in=organization_ids)
    rows = rows.order_by("-overdue", "-tasks", "organization_id").values(*_UNIT_COLUMNS)
    return rows[:limit] if limit else rows


# Given units' rows (a unit's subtree, its ids read already: its dashboard), compiled once.
_UNITS_OF = Compiled(UnitRollup, lambda limit: _unit_rows(IdList(), limit).values_list(*_UNIT_COLUMNS))
_REACHED = Compiled(
    TargetTally,
    lambda: TargetTally.objects.filter(target_id__in=IdList(), reached=True).values_list("target_id"),
)


def targets_reached(target_ids) -> set[int]:
    """The ids among `target_ids` whose achieved value meets the target, read from the target tallies (kept in the
    transaction that approves a report: the same answer as reports.achieved with targets.models.reached)."""
    return {pk for (pk,) in _REACHED.rows(target_ids)}


def unit_paid(organization_ids, kind: str = "disbursement") -> dict[int, Decimal]:
    """Organization id → money of this kind it paid out (all years)."""
    return {pk: paid or ZERO for pk, paid in _UNIT_PAID.rows(organization_ids, kind)}


_UNIT_PAID = Compiled(
    UnitFundsTally,
    lambda kind: (
        UnitFundsTally.objects.filter(AmongUncounted("organization_id", IdList()), kind=kind)
        .values("organization_id")
        .annotate(s=Sum("paid"))
        .order_by()
        .values_list("organization_id", "s")
    ),
)
