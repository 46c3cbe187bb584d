"""Open data of a public program (此件主动公开): pairings, tasks, targets, funds and projects as rows."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from duikou.core.cells import csv_text
from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Plan, Responsibility, Task
from duikou.programs.models import Pairing, Program
from duikou.projects.models import Project
from duikou.targets.models import Target

DATASETS = ("pairings", "tasks", "targets", "funds", "projects")
# Column keys and their Chinese headers, in the order the files carry them.
COLUMNS = {
    "pairings": [
        ("donor", "支援方"),
        ("recipient", "受援方"),
        ("level", "层级"),
        ("plan", "来源方案"),
        ("start_date", "开始日期"),
        ("end_date", "结束日期"),
    ],
    "tasks": [
        ("plan", "方案"),
        ("number", "序号"),
        ("title", "工作任务"),
        ("lead_units", "牵头单位"),
        ("support_units", "配合单位"),
        ("deadline", "完成时限"),
        ("due_date", "截止日期"),
        ("status", "状态"),
        ("progress", "进度（%）"),
    ],
    "targets": [
        ("plan", "方案"),
        ("indicator", "指标"),
        ("comparator", "比较"),
        ("value", "目标值"),
        ("unit", "单位"),
        ("year", "年份"),
        ("allocations", "分解"),
    ],
    "funds": [
        ("plan", "方案"),
        ("source", "资金来源"),
        ("year", "年度"),
        ("planned_yuan", "计划金额（元）"),
        ("disbursed_yuan", "已拨付（元）"),
    ],
    "projects": [
        ("name", "项目名称"),
        ("status", "状态"),
        ("recipient", "受援单位"),
        ("implementer", "实施单位"),
        ("sector", "领域"),
        ("place", "建设地点"),
        ("budget_yuan", "总投资（元）"),
        ("beneficiaries", "受益人数"),
        ("start_date", "开工日期"),
        ("end_date", "完工日期"),
    ],
}


def public_program(pk: int) -> Program:
    """A program the public may read, or 404 (a private program is indistinguishable from a missing one)."""
    program = Program.objects.filter(pk=pk, is_public=True).first() if 0 < pk < 2**63 else None
    if program is None:
        raise Http404
    return program


def _plans(programs):
    return Plan.objects.filter(program__in=programs, status=Plan.PUBLISHED)


def _num(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


# Rows are read in chunks so that a national file (500,000 tasks) never sits in memory whole.
CHUNK = 2000


def _chunks(iterable, size: int):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


TASK_KEYS = ("program", *(key for key, _label in COLUMNS["tasks"]))


def _task_rows(plans):
    """The tasks of `plans` as tuples in TASK_KEYS order (units as lists, the status as its label), in file order."""
    # Plain values, not model instances: at national scale building 500,000 Task objects is the cost.
    statuses = {key: str(label) for key, label in Task.STATUSES}
    tasks = (
        Task.objects.filter(plan__in=plans)
        .order_by("plan__program_id", "plan_id", "order")
        .values_list(
            "pk",
            "plan__program__name",
            "plan__title",
            "number",
            "title",
            "deadline",
            "due_date",
            "status",
            "progress",
        )
    )
    lead = Responsibility.LEAD
    for chunk in _chunks(tasks.iterator(chunk_size=CHUNK), CHUNK):
        units: dict[int, tuple[list, list]] = {}
        for task_id, role, name in (
            Responsibility.objects.filter(task_id__in=[t[0] for t in chunk])
            .order_by("task_id", "order", "id")
            .values_list("task_id", "role", "printed_name")
        ):
            mine = units.get(task_id)
            if mine is None:
                mine = units[task_id] = ([], [])
            mine[0 if role == lead else 1].append(name)
        for pk, program, plan, number, title, deadline, due_date, status, progress in chunk:
            leads, supports = units.get(pk) or ([], [])
            yield (
                program,
                plan,
                number,
                title,
                leads,
                supports,
                deadline,
                due_date,
                statuses.get(status, status),
                progress,
            )


def iter_rows(programs, dataset: str):
    """The rows of one dataset over `programs` (a queryset), published plans only, each with its program's name."""
    plans = _plans(programs)
    if dataset == "pairings":
        pairings = (
            Pairing.objects.filter(program__in=programs)
            .exclude(plan__status__in=[Plan.DRAFT, Plan.ARCHIVED])
            .select_related("donor", "recipient", "plan", "program")
            .order_by("program_id", "plan_id", "order", "id")
        )
        for p in pairings.iterator(chunk_size=CHUNK):
            yield {
                "program": p.program.name,
                "donor": p.donor.full_name,
                "recipient": p.recipient.full_name,
                "level": p.get_level_display(),
                "plan": p.plan.title if p.plan else "",
                "start_date": p.start_date,
                "end_date": p.end_date,
            }
    elif dataset == "tasks":
        for row in _task_rows(plans):
            yield dict(zip(TASK_KEYS, row, strict=True))
    elif dataset == "targets":
        targets = (
            Target.objects.filter(plan__in=plans)
            .select_related("plan__program")
            .prefetch_related("allocations")
            .order_by("plan__program_id", "plan_id", "order")
        )
        for t in targets.iterator(chunk_size=CHUNK):
            yield {
                "program": t.plan.program.name,
                "plan": t.plan.title,
                "indicator": t.indicator,
                "comparator": t.comparator,
                "value": _num(t.value),
                "unit": t.unit_text or t.unit,
                "year": t.year,
                "allocations": [
                    {"unit": a.printed_name, "value": _num(a.value)} for a in t.allocations.all()
                ],
            }
    elif dataset == "funds":
        # The disbursed sum per line comes from a subquery, not a dict of every line in the country.
        paid = (
            Transaction.objects.filter(
                funding_line=OuterRef("pk"), kind__in=[Transaction.DISBURSEMENT, Transaction.EXPENDITURE]
            )
            .values("funding_line")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        money = DecimalField(max_digits=20, decimal_places=2)
        lines = (
            FundingLine.objects.filter(plan__in=plans)
            .select_related("plan__program")
            .annotate(
                disbursed=Coalesce(Subquery(paid, output_field=money), Value(Decimal(0)), output_field=money)
            )
            .order_by("plan__program_id", "plan_id", "year", "order")
        )
        for f in lines.iterator(chunk_size=CHUNK):
            yield {
                "program": f.plan.program.name,
                "plan": f.plan.title,
                "source": f.source,
                "year": f.year,
                "planned_yuan": _num(f.amount),
                "disbursed_yuan": _num(Decimal(f.disbursed)),
            }
    elif dataset == "projects":
        projects = (
            Project.objects.filter(program__in=programs)
            .exclude(status=Project.CANDIDATE)
            .select_related("recipient", "implementer", "program")
            .order_by("program_id", "id")
        )
        for p in projects.iterator(chunk_size=CHUNK):
            yield {
                "program": p.program.name,
                "name": p.name,
                "status": p.get_status_display(),
                "recipient": p.recipient.full_name,
                "implementer": p.implementer.full_name if p.implementer else "",
                "sector": p.sector,
                "place": p.place,
                "budget_yuan": _num(p.budget),
                "beneficiaries": p.beneficiaries,
                "start_date": p.start_date,
                "end_date": p.end_date,
            }
    else:
        raise Http404


def rows(program: Program, dataset: str) -> list[dict]:
    """The rows of one dataset of a public program (published plans only)."""
    out = []
    for row in iter_rows(Program.objects.filter(pk=program.pk), dataset):
        del row["program"]
        out.append(row)
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return csv_text("、".join(v if isinstance(v, str) else f"{v['unit']} {v['value']}" for v in value))
    return csv_text(value) if isinstance(value, str) else str(value)


def as_csv(program: Program, dataset: str) -> bytes:
    """CSV with Chinese headers, UTF-8 with a BOM so that Excel opens it right."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = COLUMNS[dataset]
    writer.writerow([label for _key, label in columns])
    for row in rows(program, dataset):
        writer.writerow([_cell(row[key]) for key, _label in columns])
    return out.getvalue().encode("utf-8-sig")


def as_json(program: Program, dataset: str) -> bytes:
    payload = {
        "program": {"id": program.pk, "name": program.name},
        "dataset": dataset,
        "fields": {key: label for key, label in COLUMNS[dataset]},
        "items": rows(program, dataset),
    }
    return json.dumps(payload, ensure_ascii=False, default=str, indent=1).encode("utf-8")


NATIONAL_COLUMN = ("program", "对口关系")


def national_columns(dataset: str) -> list[tuple[str, str]]:
    return [NATIONAL_COLUMN, *COLUMNS[dataset]]


def public_programs():
    return Program.objects.filter(is_public=True)


class _Line:
    """A file-like object whose write() hands back the line, for csv.writer inside a generator."""

    def write(self, text: str) -> str:
        return text


def national_copy_sql(dataset: str) -> tuple[str, list] | None:
    """The COPY … TO STDOUT writing the national tasks CSV's rows inside PostgreSQL (None for other datasets)."""
    statement = national_rows_sql(dataset, "postgresql")
    if statement is None:
        return None
    sql, params = statement
    return f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params


def national_rows_sql(dataset: str, vendor: str) -> tuple[str, list] | None:
    """The SELECT giving the national tasks CSV's cells, row by row (None for other datasets).

    The same rows, order and cells as iter_rows + _cell: units joined with 、 in their order, the status label,
    every text that would start a formula given an apostrophe in front (cells.FORMULA_STARTS, one owner). One
    statement for PostgreSQL (inside COPY) and SQLite (read by a cursor): only the aggregate's name differs.
    """
    if dataset != "tasks":
        return None
    from django.db import connection

    from duikou.core.cells import FORMULA_STARTS

    q = connection.ops.quote_name
    task, resp, plan, program = (q(m._meta.db_table) for m in (Task, Responsibility, Plan, Program))
    texts = ["program", "plan", "number", "title", "lead", "support", "deadline"]
    starts = ", ".join(["%s"] * len(FORMULA_STARTS))
    outer = [f"CASE WHEN substr({c}, 1, 1) IN ({starts}) THEN '''' || {c} ELSE {c} END" for c in texts]
    params: list = list(FORMULA_STARTS) * len(texts)
    statuses = " ".join("WHEN %s THEN %s" for _ in Task.STATUSES)
    for key, label in Task.STATUSES:
        params += [key, str(label)]
    outer += ["due_date", f"CASE status {statuses} ELSE status END", "progress"]

    # The units of every task in one grouped pass (not two subqueries per task), joined by their order.
    # The rows come in sorted (task, order, id), so each aggregate takes them in that order without a sort per task.
    joined = "string_agg" if vendor == "postgresql" else "group_concat"
    units = (
        f"SELECT task_id, {joined}(printed_name, '、') FILTER (WHERE role = %s) AS lead, "
        f"{joined}(printed_name, '、') FILTER (WHERE role = %s) AS support FROM (SELECT task_id, role, "
        f"printed_name FROM {resp} ORDER BY task_id, {q('order')}, id) sorted GROUP BY task_id"
    )
    params += [Responsibility.LEAD, Responsibility.SUPPORT, Plan.PUBLISHED]
    sql = (
        f"SELECT {', '.join(outer)} FROM (SELECT pr.name AS program, pl.title AS plan, t.number, t.title, "
        f"COALESCE(u.lead, '') AS lead, COALESCE(u.support, '') AS support, t.deadline, t.due_date, t.status, "
        f"t.progress, pl.program_id, t.plan_id, t.{q('order')} AS position FROM {task} t "
        f"JOIN {plan} pl ON pl.id = t.plan_id JOIN {program} pr ON pr.id = pl.program_id "
        f"LEFT JOIN ({units}) u ON u.task_id = t.id "
        f"WHERE pr.is_public AND pl.status = %s) rows ORDER BY program_id, plan_id, position"
    )
    return sql, params


def _copy_rows(sql: str, params: list, *, size: int = 64 * 1024):
    """The bytes of a COPY … TO STDOUT in pieces of about `size`, with CRLF line ends as csv.writer writes."""
    from django.db import connection

    # psycopg's own cursor: Django's wrapper takes no parameters for COPY (psycopg binds them client-side).
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        pending, length = [], 0
        for data in copy:
            pending.append(bytes(data))
            length += len(data)
            if length >= size:
                yield b"".join(pending).replace(b"\n", b"\r\n")
                pending, length = [], 0
        if pending:
            yield b"".join(pending).replace(b"\n", b"\r\n")


def _cursor_rows(sql: str, params: list, *, size: int = 2000):
    """The CSV bytes of a SELECT's rows (the cells as the database gave them), read and written `size` rows at a
    time: csv.writer's writerows does the work, no Python per row or cell."""
    from django.db import connection

    out = io.StringIO()
    writer = csv.writer(out)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(size):
            writer.writerows(rows)
            yield out.getvalue().encode("utf-8")
            out.seek(0)
            out.truncate()


def stream_national_csv(dataset: str, *, batch: int = 500, copy: bool = True):
    """CSV of one dataset over every public program, yielded in pieces (UTF-8 with a BOM, Chinese headers).

    The tasks (500,000 at national scale) have their cells made by the database (national_rows_sql): on
    PostgreSQL written by it too (COPY … TO STDOUT), on SQLite read by a cursor; building each row in Python was
    most of the file's time. `batch` is the rows per piece of the Python writer, which
    `copy=False` asks for everywhere."""
    from django.db import connection

    columns = national_columns(dataset)
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow([label for _key, label in columns])).encode("utf-8")
    statement = national_rows_sql(dataset, connection.vendor) if copy else None
    if statement and connection.vendor == "postgresql":
        yield from _copy_rows(*national_copy_sql(dataset))
        return
    if statement:  # SQLite: the same SELECT read by a cursor, written by csv.writer a batch at a time
        yield from _cursor_rows(*statement)
        return
    pending: list[str] = []
    for row in iter_rows(public_programs(), dataset):
        pending.append(writer.writerow([_cell(row[key]) for key, _label in columns]))
        if len(pending) >= batch:
            yield "".join(pending).encode("utf-8")
            pending = []
    if pending:
        yield "".join(pending).encode("utf-8")


def stream_national_json(dataset: str, *, batch: int = 500):
    """JSON of one dataset over every public program, yielded in pieces: {"dataset", "fields", "items": [...]}."""
    head = {"dataset": dataset, "fields": dict(national_columns(dataset))}
    yield (json.dumps(head, ensure_ascii=False)[:-1] + ', "items": [\n').encode("utf-8")
    pending: list[str] = []
    first = True
    for row in iter_rows(public_programs(), dataset):
        pending.append(("" if first else ",\n") + json.dumps(row, ensure_ascii=False, default=str))
        first = False
        if len(pending) >= batch:
            yield "".join(pending).encode("utf-8")
            pending = []
    yield ("".join(pending) + "\n]}\n").encode("utf-8")
