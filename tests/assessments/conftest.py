"""A small published plan with some activity: the fixture every assessment test scores."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from duikou.funds.models import Transaction
from duikou.plans.models import Task
from duikou.reports.models import Report, TargetFigure

SMALL_PLAN = json.loads(
    (Path(__file__).parents[1] / "exchange" / "small_plan.json").read_text(encoding="utf-8")
)


@pytest.fixture
def plan(db):
    from duikou.plans.importer import import_plan_data

    return import_plan_data(
        json.loads(json.dumps(SMALL_PLAN)), source_bytes=b"small", source_name="small.json"
    ).plan


@pytest.fixture
def activity(plan, org):
    """Task 1 done on time, task 3 late and open; 马尾区 reached its share; 福州市 paid 3000万 of 5000万."""
    t1, t3 = plan.tasks.get(number="1"), plan.tasks.get(number="3")
    Task.objects.filter(pk=t1.pk).update(status=Task.COMPLETED, completed_on=dt.date(2023, 6, 20))
    Task.objects.filter(pk=t3.pk).update(status=Task.IN_PROGRESS)
    target = plan.targets.get()
    mawei = target.allocations.get(printed_name="马尾区")
    report = Report.objects.create(
        program=plan.program,
        organization=mawei.organization,
        period="2023-11",
        status=Report.APPROVED,
        submitted_at=dt.datetime(2023, 12, 5, tzinfo=dt.UTC),
    )
    TargetFigure.objects.create(report=report, target=target, allocation=mawei, value=Decimal("150000000"))
    line = plan.funding_lines.get()
    Transaction.objects.create(
        funding_line=line,
        kind=Transaction.DISBURSEMENT,
        amount=Decimal("30000000"),
        date=dt.date(2023, 8, 1),
        payer=line.source_organization,
        payee=org("宁夏回族自治区固原市"),
    )
    return plan
