"""The summary tables the pages read stay equal to a recomputation from the rows after any mix of writes,
and the pages' figures read from them equal the figures over the raw rows."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from duikou.analytics import services as analytics
from duikou.analytics.models import (
    FundsTally,
    TargetTally,
    TaskTally,
    UnitFundsTally,
    UnitRollup,
    UnitTaskTally,
)
from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Responsibility, Task
from duikou.reports.achieved import achieved_by_target
from duikou.reports.models import Report, TargetFigure
from duikou.targets.models import Allocation
from duikou.web import stats

pytestmark = pytest.mark.django_db


def tallies() -> dict:
    """Every non-zero summary row, keyed by what it counts (not by the tally row's own id)."""
    out = {}
    for row in TaskTally.objects.values_list("plan_id", "program_id", "status", "due_date", "count"):
        if row[-1]:
            out[("task", *row[:-1])] = row[-1]
    for row in UnitTaskTally.objects.values_list("organization_id", "role", "status", "due_date", "count"):
        if row[-1]:
            out[("unit", *row[:-1])] = row[-1]
    money = ("planned", "commitment", "appropriation", "disbursement", "expenditure", "line_spent")
    for row in FundsTally.objects.values_list("program_id", "plan_id", "year", *money):
        if any(row[3:]):
            out[("funds", *row[:3])] = tuple(v.normalize() for v in row[3:])
    for row in UnitFundsTally.objects.values_list("organization_id", "year", "kind", "paid", "received"):
        if any(row[3:]):
            out[("ufunds", *row[:3])] = tuple(v.normalize() for v in row[3:])
    for row in UnitRollup.objects.values_list(
        "organization_id", "tasks", "lead", "completed", "overdue", "as_of"
    ):
        if any(row[1:5]):
            out[("rollup", row[0])] = row[1:]
    for row in TargetTally.objects.values_list("target_id", "plan_id", "program_id", "achieved", "reached"):
        out[("target", *row[:3])] = (row[3].normalize(), row[4])
    return out


def test_tallies_equal_a_rebuild_after_a_mix_of_writes(world):
    plan, mawei, minhou, xiji, sales = (
        world["plan"],
        world["mawei"],
        world["minhou"],
        world["xiji"],
        world["sales"],
    )
    # Tasks: one finished and moved in time, one new with a unit, one deleted.
    task = plan.tasks.get(number="1")
    task.status, task.due_date = Task.COMPLETED, dt.date(2030, 1, 1)
    task.save()
    extra = Task.objects.create(
        plan=plan, number="9", title="新增任务", order=99, due_date=dt.date(2020, 1, 1)
    )
    Responsibility.objects.create(
        task=extra, organization=minhou, role=Responsibility.LEAD, printed_name="闽侯县"
    )
    Responsibility.objects.create(
        task=extra, organization=mawei, role=Responsibility.SUPPORT, printed_name="马尾区"
    )
    plan.tasks.exclude(pk__in=[task.pk, extra.pk]).order_by("order").last().delete()
    # Money: a payment changed in amount and kind, one against a project (no funding line), one deleted.
    line = FundingLine.objects.filter(plan=plan).order_by("year").first()
    paid = Transaction.objects.get(funding_line=line, kind=Transaction.DISBURSEMENT)
    paid.amount += Decimal("1234.50")
    paid.save()
    commitment = Transaction.objects.get(kind=Transaction.COMMITMENT)
    commitment.kind = Transaction.DISBURSEMENT
    commitment.save()
    project = plan.program.projects.first()
    Transaction.objects.create(
        project=project,
        amount=777,
        date=dt.date(2024, 3, 1),
        payer=mawei,
        payee=xiji,
        kind=Transaction.DISBURSEMENT,
    )
    Transaction.objects.create(
        funding_line=line, amount=5, date=dt.date(2024, 1, 2), payer=minhou, payee=xiji
    ).delete()
    # Reports: a quarter that sorts after a month as text but ends before it; an approval, then a return.
    q2 = Report.objects.create(
        program=plan.program, organization=minhou, period="2023-Q2", status=Report.APPROVED
    )
    TargetFigure.objects.create(report=q2, target=sales, value=1)
    august = Report.objects.create(
        program=plan.program, organization=minhou, period="2023-08", status=Report.DRAFT
    )
    TargetFigure.objects.create(report=august, target=sales, value=45_000_000)
    august.status = Report.APPROVED
    august.save()
    july = Report.objects.get(organization=mawei, period="2023-07")
    july.status = Report.APPROVED  # 99M from 马尾区 now counts
    july.save()
    july.status = Report.RETURNED  # and no longer does
    july.save()

    live = tallies()
    # 马尾区 60M (2023-06) + 闽侯县 45M (2023-08 ends after 2023-Q2): the reports service's definition.
    assert achieved_by_target(target_ids=[sales.pk]) == {sales.pk: Decimal("105000000")}
    assert TargetTally.objects.get(target_id=sales.pk).achieved == Decimal("105000000")
    analytics.rebuild()
    assert tallies() == live


def test_dashboard_figures_equal_the_raw_rows(world):
    """The office's dashboard (tallies) shows what a unit-by-unit recount of the rows gives."""
    program = world["plan"].program
    data = stats.dashboard(world["users"]["office"])
    raw = stats._restricted_program_figures(world["users"]["office"], timezone.localdate())[program.pk]
    (row,) = [r for r in data["programs"] if r["program"] == program]
    assert {k: row[k] for k in stats.FIGURES} == raw
    assert data["totals"]["tasks"] == Task.objects.count()
    assert data["totals"]["planned"] == Decimal("62000000") and data["totals"]["disbursed"] == Decimal(
        "12000000"
    )
    units = {u["organization__full_name"]: u for u in data["units"]}
    assert (
        units["福建省福州市马尾区"]["allocations"]
        == Allocation.objects.filter(organization=world["mawei"]).count()
        == 2
    )


def test_dashboard_pages_its_programs(world, client_for, monkeypatch):
    from duikou.programs.models import Program

    Program.objects.create(name="一个没有方案的对口关系")
    monkeypatch.setattr(stats, "PROGRAMS_PER_PAGE", 1)
    client = client_for(world["users"]["office"])
    first = client.get(reverse("web:home"))
    second = client.get(reverse("web:home"), {"page": 2})
    names = [r["program"].name for r in first.context["programs"] + second.context["programs"]]
    assert len(first.context["programs"]) == len(second.context["programs"]) == 1
    assert sorted(names) == sorted(Program.objects.values_list("name", flat=True))
    assert "下一页" in first.content.decode()
    # The totals are over every program, whichever page is shown.
    assert first.context["totals"] == second.context["totals"]
    assert first.context["totals"]["tasks"] == 3


def test_unit_page_cards_come_from_the_tallies(world, client_for):
    Transaction.objects.create(
        funding_line=None,
        project=world["plan"].program.projects.first(),
        amount=3_000_000,
        date=dt.date(2023, 8, 1),
        payer=world["mawei"],
        payee=world["xiji"],
    )
    response = client_for(world["users"]["mawei"]).get(
        reverse("organizations:detail", args=[world["mawei"].pk])
    )
    summary = response.context["summary"]
    assert (summary["tasks"], summary["lead"], summary["overdue"]) == (2, 1, 1)
    assert summary["paid"] == Decimal("15000000")  # 12M against the line and 3M for the project
    assert summary["allocations"] == Allocation.objects.filter(organization=world["mawei"]).count() == 2


def test_plan_page_lists_a_bounded_tree(world, client_for, monkeypatch):
    from duikou.plans import views

    monkeypatch.setattr(views, "TREE_LIMIT", 2)
    response = client_for(world["users"]["office"]).get(reverse("plans:detail", args=[world["plan"].pk]))
    assert response.context["truncated"] is True
    shown = sum(len(n["tasks"]) for n in response.context["tree"]) + len(response.context["loose"])
    assert shown == 2
    assert response.context["counts"] == {"total": 3, "completed": 0}


def test_unit_rollups_move_on_to_a_new_day(world):
    """Rows last judged on an earlier day take writes against that day and are recomputed on the next read."""
    mawei = world["mawei"]
    UnitRollup.objects.update(as_of=dt.date(2000, 1, 1), overdue=0)  # nothing was due before 2000
    task = Task.objects.create(
        plan=world["plan"], number="8", title="旧日写入", order=98, due_date=dt.date(2020, 1, 1)
    )
    Responsibility.objects.create(
        task=task, organization=mawei, role=Responsibility.LEAD, printed_name="马尾区"
    )
    assert UnitRollup.objects.get(organization_id=mawei.pk).overdue == 0  # due 2020 is not before 2000
    assert analytics.roll_unit_rollups() > 0
    live = tallies()
    assert live[("rollup", mawei.pk)][3] == 2  # the task of the fixture and this one
    analytics.rebuild()
    assert tallies() == live
    assert analytics.roll_unit_rollups() == 0


@pytest.mark.parametrize("who", ["mawei", "guyuan", "fuqing", "fuzhou"])
def test_restricted_dashboard_money_is_what_the_gate_allows(world, who, make_user, org):
    """A unit's or recipient's disbursed figure equals the sum over the rows the gate gives, each payment once."""
    from django.db.models import Sum

    from duikou.core import permissions as perms
    from duikou.core.permissions import VIEW

    user = world["users"].get(who) or make_user(who, perms.UNIT_HEAD, org("福建省福州市"))
    Transaction.objects.create(
        funding_line=FundingLine.objects.filter(plan=world["plan"]).first(),
        amount=2_000_000,
        date=dt.date(2023, 9, 1),
        payer=world["minhou"],
        payee=world["mawei"],  # both sides inside 福州市: counted once
    )
    expected = Transaction.objects.restrict(user, VIEW).filter(
        kind__in=Transaction.SPENT_KINDS, funding_line__isnull=False
    ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    figures = stats._restricted_program_figures(user, timezone.localdate())
    assert sum((f["disbursed"] for f in figures.values()), Decimal(0)) == expected
    assert who not in ("mawei", "fuzhou") or expected == Decimal("14000000")
