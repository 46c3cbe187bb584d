"""The generator makes the shape a scale promises, deterministically, with one change-log entry per run;
the analytics tallies it leaves (and that signals keep) equal a recomputation from the data."""

import datetime as dt
import hashlib

import pytest
from django.core.management import call_command
from django.db import transaction

from duikou.analytics import services as analytics
from duikou.analytics.models import FundsTally, TargetTally, TaskTally, UnitFundsTally, UnitTaskTally
from duikou.core.models import ChangeLog
from duikou.funds.models import Transaction
from duikou.plans.models import Plan, Responsibility, Task
from duikou.reports.models import TargetFigure
from duikou.scale.generator import SCALES, generate
from duikou.scale.models import GenerationRun

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def fingerprint() -> str:
    digest = hashlib.sha256()
    for row in Task.objects.order_by("pk").values_list("title", "status", "due_date", "plan__title"):
        digest.update(repr(row).encode())
    for row in Transaction.objects.order_by("pk").values_list("amount", "date", "kind", "payer__name"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def tallies() -> dict:
    """Every summary row with a non-zero value, keyed without ids of the tally rows themselves."""
    out = {}
    for row in TaskTally.objects.values_list("plan_id", "program_id", "status", "due_date", "count"):
        if row[-1]:
            out[("task",) + row[:-1]] = row[-1]
    for row in UnitTaskTally.objects.values_list("organization_id", "role", "status", "due_date", "count"):
        if row[-1]:
            out[("unit",) + row[:-1]] = row[-1]
    for row in FundsTally.objects.values_list(
        "program_id",
        "plan_id",
        "year",
        "planned",
        "commitment",
        "appropriation",
        "disbursement",
        "expenditure",
    ):
        if any(row[3:]):
            out[("funds",) + row[:3]] = tuple(v.normalize() for v in row[3:])
    for row in UnitFundsTally.objects.values_list("organization_id", "year", "kind", "paid", "received"):
        if any(row[3:]):
            out[("ufunds",) + row[:3]] = tuple(v.normalize() for v in row[3:])
    for row in TargetTally.objects.values_list("target_id", "plan_id", "achieved", "reached"):
        out[("target", row[0], row[1])] = (row[2].normalize(), row[3])
    return out


def test_city_scale_shape_and_one_changelog_entry():
    logs = ChangeLog.objects.count()
    counts = generate("city", seed=5)
    scale = SCALES["city"]
    assert counts["plan"] == scale.plans
    assert counts["task"] == scale.plans * scale.tasks_per_plan
    assert counts["allocation"] == scale.plans * scale.targets_per_plan * scale.allocations_per_target
    assert counts["transaction"] == scale.transactions
    assert counts["targetfigure"] == scale.reports * scale.figures_per_report
    assert Task.objects.count() == counts["task"] and Transaction.objects.count() == counts["transaction"]
    # Rows are real: every task has a lead unit, every pairing a distinct donor and recipient.
    assert not Task.objects.exclude(responsibilities__role=Responsibility.LEAD).exists()
    run = GenerationRun.objects.get()
    assert run.counts == counts and run.seed == 5
    new_logs = ChangeLog.objects.filter(pk__gt=0).count() - logs
    assert new_logs == 1, "a generation run writes one summary entry, not one per row"
    assert ChangeLog.objects.order_by("-id").first().object_repr.startswith("generate city seed=5")
    # The generated rows validate against the models' own rules.
    for task in Task.objects.order_by("?")[:20]:
        task.full_clean(validate_unique=False)


def test_same_seed_same_data_other_seed_other_data():
    prints = []
    for seed in (9, 9, 10):
        try:
            with transaction.atomic():
                generate("city", seed=seed)
                prints.append(fingerprint())
                raise Rollback
        except Rollback:
            pass
    assert prints[0] == prints[1]
    assert prints[0] != prints[2]


def test_signal_maintained_tallies_match_a_rebuild():
    generate("city", seed=6)
    assert tallies() == (analytics.rebuild() and tallies())
    # Change data through the ORM the way pages and services do; the tallies follow in the same transaction.
    task = Task.objects.filter(status=Task.IN_PROGRESS).select_related("plan").first()
    task.status, task.due_date = Task.COMPLETED, dt.date(2030, 1, 1)
    task.save()
    Task.objects.filter(status=Task.NOT_STARTED).first().delete()
    r = Responsibility.objects.first()
    r.organization_id = (
        Responsibility.objects.exclude(organization_id=r.organization_id).first().organization_id
    )
    r.save()
    tx = Transaction.objects.first()
    tx.amount, tx.kind = tx.amount + 1234, Transaction.EXPENDITURE
    tx.save()
    Transaction.objects.create(
        funding_line=tx.funding_line or None,
        project=tx.project,
        kind=Transaction.DISBURSEMENT,
        amount=777,
        date=dt.date(2024, 3, 1),
        payer=tx.payer,
        payee=tx.payee,
    )
    TargetFigure.objects.order_by("-value").first().delete()
    last = Plan.objects.order_by("-pk").first()
    Transaction.objects.filter(funding_line__plan=last).delete()
    last.delete()
    live = tallies()
    analytics.rebuild()
    assert live == tallies()


def test_summaries_read_current_values():
    generate("city", seed=7)
    plan = Plan.objects.first()
    before = analytics.plan_summary(plan, today=dt.date(2000, 1, 1))
    assert before["tasks"] == 25 and before["overdue"] == 0  # nothing is due in 2000
    open_task = Task.objects.filter(plan=plan).exclude(status=Task.COMPLETED).first()
    open_task.status = Task.COMPLETED
    open_task.save()
    after = analytics.plan_summary(plan, today=dt.date(2000, 1, 1))
    assert after["by_status"]["completed"] == before["by_status"]["completed"] + 1
    late = analytics.plan_summary(plan, today=dt.date(2100, 1, 1))
    assert late["overdue"] == 25 - after["by_status"]["completed"]
    program = analytics.program_summary(plan.program)
    assert program["tasks"] >= after["tasks"]
    assert program["funds"]["planned"] > 0
    org = Responsibility.objects.filter(task=open_task).first().organization
    assert analytics.organization_summary(org, subtree=False)["lead"]["tasks"] >= 0
    assert analytics.national_summary()["tasks"] == Task.objects.count()


def test_generate_command_refuses_unknown_scale(capsys):
    with pytest.raises(SystemExit) as exc:
        call_command("generate", "--scale", "planet")
    assert exc.value.code == 1
    assert "--scale planet" in capsys.readouterr().err


def schema_of_loaded_tables() -> tuple:
    """Constraints and indexes of the tables a generation run loads, as the database defines them."""
    from django.db import connection

    from duikou.scale.generator import _models

    tables = [m._meta.db_table for m in _models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, condeferrable, condeferred, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])",
                [tables],
            )
            constraints = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[])",
                [tables],
            )
            return constraints, sorted(cursor.fetchall())
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})", tables
        )
        return [], sorted(cursor.fetchall())


def test_bulk_load_puts_back_every_constraint_and_index():
    before = schema_of_loaded_tables()
    assert before[1], "the loaded tables have secondary indexes to drop and re-create"
    generate("city", seed=3)
    assert schema_of_loaded_tables() == before
    # The re-created constraints are live: a second lead row with the same printed name in a task is refused.
    from django.db import IntegrityError

    r = Responsibility.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Responsibility.objects.create(
            task=r.task, organization=r.organization, role=r.role, printed_name=r.printed_name, order=99
        )


def test_failed_load_keeps_nothing_and_restores_the_schema(monkeypatch):
    from duikou.scale import generator

    before = schema_of_loaded_tables()
    tasks = Task.objects.count()

    def broken(self, donors, recipients):
        raise RuntimeError("disk full")

    monkeypatch.setattr(generator._Builder, "_programs", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        generate("city", seed=4)
    assert schema_of_loaded_tables() == before
    assert Task.objects.count() == tasks and not GenerationRun.objects.exists()


def test_copy_text_escapes_what_copy_would_misread():
    from duikou.scale.bulk import _copy_text, _text_plain, _text_str

    assert _copy_text("a\tb\\c\nd\re") == "a\\tb\\\\c\\nd\\re"
    assert _text_str("第1中学") == "第1中学" and _text_str("x\ty") == "x\\ty" and _text_str(None) == "\\N"
    assert _copy_text(None) == "\\N" and _copy_text(True) == "t" and _copy_text(False) == "f"
    assert _copy_text(b"\x01\xff") == "\\\\x01ff"
    assert _text_plain(dt.date(2025, 7, 1)) == "2025-07-01" and _text_plain(None) == "\\N"


@pytest.mark.django_db(transaction=True)
def test_load_outside_a_transaction_still_refuses_a_dangling_key_and_puts_the_connection_back():
    # Outside a transaction SQLite's load stops enforcing foreign keys row by row: the one check at the end
    # must still refuse a row whose parent is missing, and leave nothing behind.
    from django.db import IntegrityError, connection

    from duikou.scale.bulk import BulkLoad, TableWriter, sqlite_load_settings

    def settings():
        if connection.vendor != "sqlite":
            return None
        with connection.cursor() as cursor:
            return [
                cursor.execute(f"PRAGMA {p}").fetchone()[0]
                for p in ("foreign_keys", "journal_mode", "cache_size")
            ]

    before, schema = settings(), schema_of_loaded_tables()
    with pytest.raises(IntegrityError), sqlite_load_settings(), transaction.atomic():
        with BulkLoad([Responsibility]):
            writer = TableWriter(
                Responsibility, ("id", "task_id", "organization_id", "role", "printed_name", "order")
            )
            writer.add(10**9, 10**9, 10**9, Responsibility.LEAD, "无此单位", 0)
            writer.flush()
    assert not Responsibility.objects.filter(pk=10**9).exists()
    assert settings() == before and schema_of_loaded_tables() == schema
