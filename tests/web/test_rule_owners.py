"""One owner per rule: each rule's owner (docs/architecture.md, "Where each rule lives") gives the same answer
as every page, export, tally, bulletin, reminder and score that uses it."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from duikou.analytics import services as analytics
from duikou.analytics.models import TargetTally
from duikou.assessments.bulletins import bulletin_figures
from duikou.assessments.scoring import COMPONENTS, score_units
from duikou.core import money
from duikou.core.dates import today_for
from duikou.exchange.tasktable import parse_due
from duikou.funds.models import SPENT_KINDS, FundingLine, Transaction
from duikou.plans.models import Plan, Task
from duikou.reader.tasks import due_date
from duikou.reports.achieved import achieved_by_allocation, achieved_by_target
from duikou.reports.models import Report, TargetFigure
from duikou.reports.reminders import run_reminders
from duikou.targets.models import Allocation, Target, credit, progress, reached
from duikou.web import stats

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(monkeypatch):
    """Set the clock every rule reads (django.utils.timezone.now) to a moment given in Beijing time."""

    def set_to(*args):
        moment = dt.datetime(*args, tzinfo=SHANGHAI)
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))
        return moment

    return set_to


# ---------------------------------------------------------------- today


def test_today_is_the_programs_day_not_the_servers(clock, settings):
    clock(2024, 1, 2, 3, 0)  # 2024-01-01 19:00 UTC: a UTC server's date.today() would still say January 1st
    assert today_for() == dt.date(2024, 1, 2)
    settings.DUIKOU_TIME_ZONE = "UTC"
    assert today_for() == dt.date(2024, 1, 1)

    class Abroad:
        time_zone = "America/New_York"

    assert today_for(Abroad()) == dt.date(2024, 1, 1)


# ---------------------------------------------------------------- overdue


def test_overdue_is_one_answer_on_every_page_tally_reminder_and_bulletin(world, clock, client_for):
    """Task 2 is due 2099-11-30. At 03:00 Beijing time on December 1st 2099 (still November 30th in UTC, and far
    past the machine's real date) it is overdue for the owner and for every use; the November bulletin, as of
    November 30th, does not count it."""
    clock(2099, 12, 1, 3, 0)
    first, second = (Task.objects.get(plan=world["plan"], number=n) for n in ("1", "2"))
    expected = {first.pk, second.pk}
    assert set(Task.objects.overdue().values_list("pk", flat=True)) == expected
    assert second.is_overdue and not second.overdue_on(dt.date(2099, 11, 30))

    office = client_for(world["users"]["office"])
    page = office.get(reverse("plans:tasks"), {"status": "overdue"})
    assert {item["row"].pk for item in page.context["table"]} == expected
    program_id = world["plan"].program_id
    assert analytics.program_figures([program_id])[program_id]["overdue"] == len(expected)
    assert analytics.program_summary(program_id)["overdue"] == len(expected)
    assert analytics.plan_summary(world["plan"])["overdue"] == len(expected)
    assert stats.dashboard(world["users"]["office"])["totals"]["overdue"] == len(expected)
    restricted = stats._restricted_program_figures(world["users"]["mawei"], today_for())
    assert restricted[program_id]["overdue"] == len(expected)  # 马尾区 leads task 1 and supports task 2
    # The unit tallies count assignments: 马尾区 leads task 1 and supports task 2.
    summary = analytics.organization_summary(world["mawei"], subtree=False)
    assert (summary["lead"]["overdue"], summary["support"]["overdue"]) == (1, 1)
    rollup = {r["organization_id"]: r for r in analytics.unit_figures()}
    assert rollup[world["mawei"].pk]["overdue"] == 2
    run = run_reminders(days=0)
    assert run.overdue == sum(t.responsibilities.count() for t in (first, second))
    program = world["plan"].program
    assert {t.pk for t in bulletin_figures(program=program, period="2099-12").overdue} == expected
    assert {t.pk for t in bulletin_figures(program=program, period="2099-11").overdue} == {first.pk}


def test_a_task_completed_after_a_day_was_overdue_on_that_day(world):
    task = Task.objects.get(plan=world["plan"], number="1")
    task.status, task.completed_on = Task.COMPLETED, dt.date(2023, 8, 10)
    task.save()
    assert task.overdue_on(dt.date(2023, 8, 5)) and not task.overdue_on(dt.date(2023, 8, 10))
    assert Task.objects.overdue(dt.date(2023, 8, 5)).filter(pk=task.pk).exists()
    assert not Task.objects.overdue(dt.date(2023, 8, 11)).filter(pk=task.pk).exists()
    assert not task.is_overdue
    august = bulletin_figures(program=world["plan"].program, period="2023-08")  # as of August 31st
    assert task not in august.overdue and august.completed == 1


# ---------------------------------------------------------------- achieved, reached, progress


def _allocation(world, unit) -> Allocation:
    return Allocation.objects.get(target=world["sales"], organization=world[unit])


def _approved(world, unit, period, value):
    report = Report.objects.create(
        program=world["plan"].program, organization=world[unit], period=period, status=Report.APPROVED
    )
    TargetFigure.objects.create(
        report=report, target=world["sales"], allocation=_allocation(world, unit), value=value
    )
    return report


def test_latest_compares_periods_by_date_not_as_text(world):
    """A yearly figure for 2023 ends after 2023-10 although "2023" sorts before "2023-10" as text."""
    _approved(world, "minhou", "2023-10", Decimal("50000000"))
    _approved(world, "minhou", "2023", Decimal("70000000"))
    alloc = _allocation(world, "minhou")
    assert achieved_by_allocation(target_ids=[world["sales"].pk]) == {alloc.pk: Decimal("70000000")}
    # 马尾区's 2023-06 figure (60M) plus 闽侯县's yearly one.
    assert achieved_by_target(target_ids=[world["sales"].pk]) == {world["sales"].pk: Decimal("130000000")}
    # As of October 31st the yearly report has not ended: 闽侯县's October figure counts.
    assert achieved_by_allocation(as_of=dt.date(2023, 10, 31))[alloc.pk] == Decimal("50000000")
    assert achieved_by_target(as_of=dt.date(2023, 10, 30)) == {world["sales"].pk: Decimal("90000000")}


def test_achieved_is_the_same_on_pages_export_tallies_bulletin_and_score(world, client_for):
    _approved(world, "mawei", "2023-08", Decimal("80000000"))
    _approved(world, "minhou", "2023-08", Decimal("85000000"))
    sales = world["sales"]
    owner = achieved_by_target(target_ids=[sales.pk])[sales.pk]
    per_share = achieved_by_allocation(target_ids=[sales.pk])
    assert owner == Decimal("165000000")

    client = client_for(world["users"]["office"])
    rows = {item["row"].pk: item["row"] for item in client.get(reverse("targets:list")).context["table"]}
    assert rows[sales.pk].achieved == owner
    assert (
        rows[sales.pk].progress == sales.progress_of(owner) == progress(sales.comparator, sales.value, owner)
    )
    assert rows[sales.pk].reached is reached(sales.comparator, sales.value, owner) is False
    detail = client.get(reverse("targets:detail", args=[sales.pk])).context["allocations"]
    assert {a.pk: a.achieved for a in detail} == per_share

    tally = TargetTally.objects.get(target_id=sales.pk)
    assert (tally.achieved, tally.reached) == (owner, False)
    analytics.rebuild()
    assert TargetTally.objects.get(target_id=sales.pk).achieved == owner

    sheet = load_workbook(io.BytesIO(client.get(reverse("exchange:allocations_xlsx")).content)).active
    exported = {
        row[4]: (row[6], row[7])
        for row in sheet.iter_rows(min_row=2, values_only=True)
        if row[1] == sales.indicator
    }
    for alloc in Allocation.objects.filter(target=sales):
        done = per_share[alloc.pk]
        assert Decimal(str(exported[alloc.printed_name][0])) == money.in_unit(done)  # the sheet states 万元
        assert Decimal(str(exported[alloc.printed_name][1])) == (alloc.progress_of(done) * 100).quantize(
            Decimal("0.01")
        )

    figures = bulletin_figures(program=world["plan"].program, period="2023-08")
    assert dict((t.pk, done) for t, done in figures.targets)[sales.pk] == owner

    weights = {key: Decimal(1 if key == "targets_reached" else 0) for key, _l, _w in COMPONENTS}
    scores = {
        s.organization.pk: s.parts["targets_reached"]
        for s in score_units(
            program=world["plan"].program, year=2023, weights=weights, today=dt.date(2024, 1, 1)
        )
    }
    mawei = scores[world["mawei"].pk]
    expected = credit(
        sales.comparator, _allocation(world, "mawei").value, per_share[_allocation(world, "mawei").pk]
    )
    # 马尾区 also holds the person target (nothing reported: no credit).
    assert (mawei.done, mawei.total) == (expected, 2)


def test_a_past_periods_bulletin_keeps_its_figures(world):
    """The May bulletin counts the May figures (40M + 30M) even after June's are approved."""
    sales = world["sales"]
    may = bulletin_figures(program=world["plan"].program, period="2023-05")
    assert dict((t.pk, v) for t, v in may.targets)[sales.pk] == Decimal("70000000")
    assert achieved_by_target(target_ids=[sales.pk], as_of=may.as_of)[sales.pk] == Decimal("70000000")
    june = bulletin_figures(program=world["plan"].program, period="2023-06")
    assert dict((t.pk, v) for t, v in june.targets)[sales.pk] == Decimal("90000000")
    # Money too: May's bulletin stops at May 31st (the 12M disbursement of May 1st); a July payment is not in it.
    Transaction.objects.create(
        funding_line=FundingLine.objects.get(plan=world["plan"], year=2023),
        amount=1_000_000,
        date=dt.date(2023, 7, 2),
        payer=world["mawei"],
        payee=world["xiji"],
        kind=Transaction.EXPENDITURE,
    )
    may = bulletin_figures(program=world["plan"].program, period="2023-05")
    assert sum(paid for _line, paid in may.funds) == Decimal("12000000")


@pytest.mark.parametrize(
    ("comparator", "value", "achieved", "expected_progress", "expected_reached"),
    [
        (">=", 100, None, None, False),
        (">=", 100, 50, Decimal("0.5"), False),
        (">=", 100, 120, Decimal("1.2"), True),
        ("=", 100, 100, Decimal(1), True),
        ("<=", 5, 3, Decimal(1), True),  # under a ceiling is full progress
        ("<=", 5, 10, Decimal("0.5"), False),
        (">=", 0, 0, Decimal(1), True),
    ],
)
def test_progress_and_reached(comparator, value, achieved, expected_progress, expected_reached):
    got = progress(comparator, Decimal(value), None if achieved is None else Decimal(achieved))
    assert got == expected_progress
    assert (
        reached(comparator, Decimal(value), None if achieved is None else Decimal(achieved))
        is expected_reached
    )
    assert credit(comparator, Decimal(value), None if achieved is None else Decimal(achieved)) == min(
        Decimal(1), got or Decimal(0)
    )
    target = Target(comparator=comparator, value=Decimal(value))
    assert target.progress_of(achieved) == got and target.is_reached_by(achieved) is expected_reached


# ---------------------------------------------------------------- deadline text → due date


@pytest.mark.parametrize(
    ("deadline", "due"),
    [
        ("2024年上半年", "2024-06-30"),
        ("2024年6月前", "2024-06-30"),
        ("2024年6月底前", "2024-06-30"),
        ("6月底前", "2024-06-30"),
        ("2024年12月10日前", "2024-12-10"),
        ("全年", None),  # all year round: no day
        ("年底前", "2024-12-31"),
        ("三季度", "2024-09-30"),
        ("持续推进", None),
    ],
)
def test_the_task_table_reads_deadlines_as_the_reader_does(deadline, due):
    one_year = Plan(title="x", start_year=2024, end_year=2024)
    assert due_date(deadline, 2024) == due
    assert parse_due(deadline, one_year) == (dt.date.fromisoformat(due) if due else None)


def test_a_deadline_without_a_year_in_a_longer_plan_has_no_date():
    assert parse_due("6月底前", Plan(title="x", start_year=2023, end_year=2025)) is None
    assert parse_due("2024年上半年", Plan(title="x", start_year=2023, end_year=2025)) == dt.date(2024, 6, 30)


# ---------------------------------------------------------------- money spent


def test_money_spent_is_one_sum_on_the_dashboard_funds_pages_bulletin_and_score(world, client_for):
    """Spent = disbursed to the recipient or spent directly (SPENT_KINDS); a commitment is not money spent."""
    line = FundingLine.objects.get(plan=world["plan"], year=2023)
    Transaction.objects.create(
        funding_line=line,
        amount=3_000_000,
        date=dt.date(2023, 6, 15),
        payer=world["mawei"],
        payee=world["xiji"],
        kind=Transaction.EXPENDITURE,
    )
    spent = sum(
        t.amount
        for t in Transaction.objects.filter(funding_line__plan=world["plan"])
        if t.kind in SPENT_KINDS
    )
    owner = (
        Transaction.objects.spent().filter(funding_line__plan=world["plan"]).aggregate(s=Sum("amount"))["s"]
    )
    assert spent == owner == Decimal("15000000")
    program = world["plan"].program
    assert analytics.program_figures([program.pk])[program.pk]["disbursed"] == spent
    assert stats.dashboard(world["users"]["office"])["totals"]["disbursed"] == spent
    assert sum(stats.funds_by_line(FundingLine.objects.filter(plan=world["plan"])).values()) == spent
    restricted = stats._restricted_program_figures(world["users"]["mawei"], today_for())
    assert restricted[program.pk]["disbursed"] == spent  # both payments are 马尾区's
    bulletin = bulletin_figures(program=program, period="2023-12")
    assert sum(paid for _line, paid in bulletin.funds) == spent
    weights = {key: Decimal(1 if key == "funds_spent" else 0) for key, _l, _w in COMPONENTS}
    line.source_organization = world["mawei"]
    line.save()
    (score,) = [
        s
        for s in score_units(program=program, year=2023, weights=weights, today=dt.date(2024, 1, 1))
        if s.organization == world["mawei"]
    ]
    assert score.parts["funds_spent"].done == spent
    page = client_for(world["users"]["office"]).get(reverse("organizations:detail", args=[world["mawei"].pk]))
    assert page.context["summary"]["paid"] == spent
