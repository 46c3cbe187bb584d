"""The rules the database itself holds: foreign keys, unique pairs, amounts ≥ 0, start ≤ end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Plan, Task
from duikou.programs.models import Pairing, Program
from duikou.targets.models import Allocation, Target


@pytest.fixture
def plan(db):
    program = Program.objects.create(name="测试对口关系", start_year=2021, end_year=2025)
    return Plan.objects.create(program=program, title="测试方案", source_sha256="x" * 64, source_content=b"")


def refused(factory):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory()


def test_amounts_cannot_be_negative(plan, org):
    refused(lambda: FundingLine.objects.create(plan=plan, source="福建省", year=2022, amount=Decimal("-1")))
    target = Target.objects.create(plan=plan, indicator="就业", value=10, unit="person")
    refused(lambda: Target.objects.create(plan=plan, indicator="销售", value=-5, unit="yuan"))
    refused(
        lambda: Allocation.objects.create(
            target=target, organization=org("福建省福州市马尾区"), printed_name="马尾区", value=-1
        )
    )
    line = FundingLine.objects.create(plan=plan, source="福建省", year=2022, amount=Decimal("13050000.00"))
    refused(
        lambda: Transaction.objects.create(
            funding_line=line,
            amount=Decimal("-0.01"),
            date=dt.date(2022, 5, 1),
            payer=org("福建省"),
            payee=org("重庆市万州区"),
        )
    )


def test_start_not_after_end(db):
    refused(lambda: Program.objects.create(name="倒置", start_year=2025, end_year=2021))


def test_one_funding_row_per_source_and_year(plan):
    FundingLine.objects.create(plan=plan, source="厦门市", year=2022, amount=708)
    refused(lambda: FundingLine.objects.create(plan=plan, source="厦门市", year=2022, amount=1))


def test_pairing_unique_and_not_self(plan, org):
    donor, recipient = org("福建省福州市"), org("重庆市万州区")
    Pairing.objects.create(program=plan.program, plan=plan, donor=donor, recipient=recipient)
    refused(lambda: Pairing.objects.create(program=plan.program, plan=plan, donor=donor, recipient=recipient))
    refused(lambda: Pairing.objects.create(program=plan.program, plan=plan, donor=donor, recipient=donor))


def test_same_source_cannot_be_stored_twice(plan):
    refused(
        lambda: Plan.objects.create(
            program=plan.program, title="又一份", source_sha256=plan.source_sha256, source_content=b""
        )
    )


def test_task_progress_at_most_100_and_order_unique(plan):
    Task.objects.create(plan=plan, title="任务一", order=1)
    refused(lambda: Task.objects.create(plan=plan, title="任务二", order=1))
    refused(lambda: Task.objects.create(plan=plan, title="任务三", order=3, progress=101))


def test_foreign_keys_are_enforced(plan):
    from django.db import connection

    def orphan():
        Task.objects.create(plan_id=987654, title="无主任务", order=9)
        connection.check_constraints()  # foreign keys are deferred to commit; check them now

    refused(orphan)


def test_money_is_exact(plan):
    line = FundingLine.objects.create(plan=plan, source="福建省", year=2021, amount=Decimal("12500000.10"))
    line.refresh_from_db()
    assert line.amount == Decimal("12500000.10") and isinstance(line.amount, Decimal)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT")
def test_postgresql_compiles_no_query_just_in_time(db):
    """settings.py turns JIT off: compiling the lights' CASE over every task cost seconds, running it milliseconds."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
