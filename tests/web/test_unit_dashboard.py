"""A unit's dashboard figures read the target tallies for what is reached and sum its payments per funding line: the
same figures as summing every unit's latest approved figures and joining each payment to its line's program."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core.dates import today_for
from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Responsibility, Task
from duikou.programs.models import Program
from duikou.reports.achieved import achieved_by_allocation, achieved_by_target
from duikou.reports.models import Report, TargetFigure
from duikou.scale.generator import generate
from duikou.supervision import lights
from duikou.supervision.models import LightRule
from duikou.targets.models import Allocation, Target, reached
from duikou.web import stats

pytestmark = pytest.mark.django_db


def old_figures(user) -> dict:
    """Targets reached, money planned and money disbursed per program, computed the way the dashboard did before."""
    out: dict = defaultdict(
        lambda: {"targets": 0, "reached": 0, "planned": Decimal(0), "disbursed": Decimal(0)}
    )
    targets = list(
        Target.objects.restrict(user, perms.VIEW).values_list("pk", "value", "comparator", "plan__program_id")
    )
    achieved = achieved_by_target(target_ids=[pk for pk, *_ in targets])
    for pk, value, comparator, program_id in targets:
        out[program_id]["targets"] += 1
        out[program_id]["reached"] += reached(comparator, value, achieved.get(pk))
    lines = FundingLine.objects.restrict(user, perms.VIEW)
    for r in lines.order_by().values("plan__program_id").annotate(s=Sum("amount")):
        out[r["plan__program_id"]]["planned"] = r["s"] or Decimal(0)
    paid = Transaction.objects.restrict(user, perms.VIEW).spent().filter(funding_line__isnull=False)
    for r in paid.order_by().values("funding_line__plan__program_id").annotate(s=Sum("amount")):
        out[r["funding_line__plan__program_id"]]["disbursed"] += r["s"] or Decimal(0)
    return dict(out)


def _busiest(model) -> int:
    """The unit with the most rows of `model` (assignments, shares): the one whose figures have the most to read."""
    return (
        model.objects.values("organization_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "organization_id")
        .first()["organization_id"]
    )


def test_a_units_figures_equal_the_old_computation():
    generate("city", seed=3)
    busiest = (
        Responsibility.objects.values("organization_id")
        .order_by("organization_id")
        .first()["organization_id"]
    )
    payer = Transaction.objects.values_list("payer_id", flat=True).order_by("pk").first()
    recipient = Program.objects.filter(recipients__isnull=False).values_list("recipients", flat=True).first()
    users = [
        User.objects.create(username="unit-a", role=perms.UNIT_REPORTER, organization_id=busiest),
        User.objects.create(username="unit-b", role=perms.UNIT_HEAD, organization_id=payer),
        User.objects.create(username="recipient", role=perms.RECIPIENT_VIEWER, organization_id=recipient),
    ]
    seen_reached = seen_paid = seen_planned = False
    for user in users:
        new = stats._restricted_program_figures(user, today_for())
        old = old_figures(user)
        assert set(old) <= set(new)
        for program_id, figures in old.items():
            assert {k: new[program_id][k] for k in figures} == figures, (user.username, program_id)
            seen_reached |= figures["reached"] > 0
            seen_paid |= figures["disbursed"] > 0
            seen_planned |= figures["planned"] > 0
    assert seen_paid and seen_reached and seen_planned  # the data exercised them


def old_lights(user, unit_ids) -> tuple:
    """Tasks by light, the units' lights and the red tasks shown, as three light queries computed them before."""
    tasks = Task.objects.restrict(user, perms.VIEW).filter(plan__status=Plan.PUBLISHED)
    red = (
        lights.annotate_lights(tasks)
        .filter(light=lights.RED)
        .order_by("due_date", "plan_id", "order")
        .values_list("pk", flat=True)[: stats.RED_TASKS_SHOWN]
    )
    return lights.counts(tasks), lights.unit_lights(unit_ids), list(red)


@pytest.mark.parametrize("undated", [False, True])
def test_a_units_lights_computed_once_equal_the_three_light_queries(undated):
    generate("city", seed=2)
    # Lights of every colour: tasks due around today, several completed; a long report grace for yellow and green.
    today = dt.date.today()
    for i, pk in enumerate(Task.objects.order_by("pk").values_list("pk", flat=True)):
        Task.objects.filter(pk=pk).update(
            due_date=None if undated and i % 3 == 0 else today + dt.timedelta(days=(i % 40) - 10),
            progress=(i * 13) % 101,
        )
    Task.objects.filter(pk__in=list(Task.objects.values_list("pk", flat=True))[::6]).update(
        status=Task.COMPLETED
    )
    # Undated: reports missed make tasks without a due date red too (the order places them first or last by database).
    for program in Program.objects.all() if not undated else []:
        LightRule.objects.update_or_create(program=program, defaults={"report_grace_days": 5000})
    busiest = (
        Responsibility.objects.values("organization_id")
        .order_by("organization_id")
        .first()["organization_id"]
    )
    user = User.objects.create(username="unit-l", role=perms.UNIT_REPORTER, organization_id=busiest)
    whole = stats._whole_figures(user, False, set())
    ids = [row["organization_id"] for row in whole["units"]]
    counts, unit_lights, red = old_lights(user, ids)
    assert whole["light_counts"] == counts
    assert {row["organization_id"]: row["light"] for row in whole["units"]} == {
        pk: unit_lights.get(pk, lights.DONE) for pk in ids
    }
    assert [t.pk for t in whole["red_tasks"]] == red
    assert red and ids
    if undated:  # red tasks without a due date, which each database places first or last
        tasks = Task.objects.restrict(user, perms.VIEW).filter(plan__status=Plan.PUBLISHED)
        assert lights.annotate_lights(tasks).filter(light=lights.RED, due_date=None).exists()
    else:  # several lights
        assert sum(1 for n in counts.values() if n) >= 3


def per_figure_queries(user, unit_ids) -> tuple[dict, dict]:
    """Each program's task counts and shares, and each unit's shares, as one query per figure computed them before
    the dashboard read each table once."""
    out: dict = defaultdict(
        lambda: {"tasks": 0, "completed": 0, "overdue": 0, "allocations": 0, "allocations_reached": 0}
    )
    for program_id, t in stats.task_counts(
        Task.objects.restrict(user, perms.VIEW), "plan__program_id"
    ).items():
        out[program_id].update(tasks=t["total"], completed=t["completed"], overdue=t["overdue"])
    targets = Target.objects.restrict(user, perms.VIEW).values_list("pk", flat=True)
    got = achieved_by_allocation(target_ids=list(targets))
    for pk, value, comparator, program_id in stats.targets_allocations(user).values_list(
        "pk", "value", "target__comparator", "target__plan__program_id"
    ):
        out[program_id]["allocations"] += 1
        out[program_id]["allocations_reached"] += reached(comparator, value, got.get(pk))
    return dict(out), stats.unit_shares(user, unit_ids)


def test_each_table_read_once_gives_the_per_figure_queries_answers():
    """The tasks, targets and shares a unit sees are read once and counted in Python: the same task counts (overdue by
    plans.is_overdue), shares per program and per unit as the grouped queries over the gate, for a unit, a unit
    head higher in the tree and a recipient."""
    generate("city", seed=4)
    today = today_for()
    # Some tasks overdue, some completed late or in time, some cancelled: every branch of the overdue rule.
    for i, pk in enumerate(Task.objects.order_by("pk").values_list("pk", flat=True)):
        Task.objects.filter(pk=pk).update(
            due_date=None if i % 7 == 0 else today + dt.timedelta(days=(i % 30) - 20),
            status=(Task.COMPLETED, Task.CANCELLED, Task.IN_PROGRESS, Task.NOT_STARTED)[i % 4],
            completed_on=today + dt.timedelta(days=(i % 5) - 2) if i % 4 == 0 else None,
        )
    busiest = _busiest(Responsibility)
    # A share met: the unit's approved report gives a figure against it equal to the share.
    met = 0
    for allocation in Allocation.objects.filter(organization_id=busiest).select_related("target__plan"):
        report = Report.objects.filter(
            organization_id=busiest, program_id=allocation.target.plan.program_id, status=Report.APPROVED
        ).first()
        if report is not None:
            TargetFigure.objects.update_or_create(
                report=report,
                target=allocation.target,
                defaults={"allocation": allocation, "value": allocation.value},
            )
            met += 1
    assert met
    head_of = Organization.objects.get(pk=busiest).parent_id or busiest
    recipient = Program.objects.filter(recipients__isnull=False).values_list("recipients", flat=True).first()
    users = [
        User.objects.create(username="unit-r", role=perms.UNIT_REPORTER, organization_id=busiest),
        User.objects.create(username="unit-h", role=perms.UNIT_HEAD, organization_id=head_of),
        User.objects.create(username="recipient-v", role=perms.RECIPIENT_VIEWER, organization_id=recipient),
    ]
    seen_overdue = seen_unit_shares = seen_program_shares = False
    for user in users:
        visible = set(Program.objects.restrict(user, perms.VIEW).values_list("pk", flat=True))
        whole = stats._whole_figures(user, False, visible)
        unit_ids = [row["organization_id"] for row in whole["units"]]
        programs, shares = per_figure_queries(user, unit_ids)
        assert programs, user.username
        for program_id, expected in programs.items():
            assert {k: whole["programs"][program_id][k] for k in expected} == expected, (
                user.username,
                program_id,
            )
        for program_id in set(whole["programs"]) - set(programs):  # a program with only targets or money seen
            assert whole["programs"][program_id]["tasks"] == whole["programs"][program_id]["allocations"] == 0
        assert {
            row["organization_id"]: (row["allocations"], row["allocations_reached"]) for row in whole["units"]
        } == {pk: shares.get(pk, (0, 0)) for pk in unit_ids}
        assert whole["totals"]["tasks"] == sum(f["tasks"] for pk, f in programs.items() if pk in visible)
        seen_overdue |= any(f["overdue"] for f in programs.values())
        seen_unit_shares |= any(met for _n, met in shares.values())
        seen_program_shares |= any(f["allocations_reached"] for f in programs.values())
    assert seen_overdue and seen_unit_shares and seen_program_shares  # the data exercised each


def test_the_reporting_units_found_in_the_rows_read_are_those_the_reporting_query_reads():
    """A unit's 未报/迟报 come from the assignments and shares its figures already read: the same units, missing and
    late, as lights.reporting_statuses reading them among the units it sees, for a unit, a unit head and a
    recipient, with a plan back in draft (its tasks and shares name no reporting unit) and after an assignment and a
    share are added and removed."""
    generate("city", seed=5)
    busiest = _busiest(Responsibility)
    unit = Organization.objects.get(pk=busiest)
    head_of = unit.parent_id or busiest
    recipient = Program.objects.filter(recipients__isnull=False).values_list("recipients", flat=True).first()
    users = [
        User.objects.create(username="unit-m", role=perms.UNIT_REPORTER, organization_id=busiest),
        User.objects.create(username="head-m", role=perms.UNIT_HEAD, organization_id=head_of),
        User.objects.create(username="recipient-m", role=perms.RECIPIENT_VIEWER, organization_id=recipient),
    ]
    # The plans of a program where the unit has tasks and shares back in draft: their assignments and shares no
    # longer make it a reporting unit of that program.
    drafted = (
        Plan.objects.filter(
            program__in=Plan.objects.filter(targets__allocations__organization_id=busiest).values(
                "program_id"
            ),
            tasks__responsibilities__organization_id=busiest,
        )
        .order_by("pk")
        .first()
    )
    Plan.objects.filter(program_id=drafted.program_id).update(status=Plan.DRAFT)

    def both(user):
        visible = list(Program.objects.restrict(user, perms.VIEW).order_by("name", "pk"))
        whole = stats._whole_figures(user, False, {p.pk for p in visible})
        units = Organization.objects.restrict(user, perms.VIEW).values("pk")

        def named(statuses):
            return [
                (s["program"].pk, [o.pk for o in s["missing"]], [o.pk for o in s["late"]]) for s in statuses
            ]

        found = named(lights.reporting_statuses(visible, members=whole["reporting_members"]))
        return found, named(lights.reporting_statuses(visible, units=units))

    seen = 0
    for user in users:
        found, read = both(user)
        assert found == read, user.username
        seen += sum(len(m) + len(late) for _pk, m, late in read)
    assert seen  # units were missing or late

    # A task assignment and a share added in another program, then a share removed: the next figures follow.
    other = Task.objects.filter(plan__status=Plan.PUBLISHED).exclude(plan__program=drafted.program_id).first()
    Responsibility.objects.create(task=other, organization=unit, role=Responsibility.SUPPORT)
    target = (
        Target.objects.filter(plan__status=Plan.PUBLISHED).exclude(allocations__organization=unit).first()
    )
    Allocation.objects.create(target=target, organization=unit, printed_name=unit.name, value=Decimal(1))
    Allocation.objects.filter(organization=unit).order_by("pk").first().delete()
    for user in users[:2]:
        found, read = both(user)
        assert found == read, user.username


def test_the_figures_against_shares_compiled_for_ids_are_achieved_by_allocation():
    """achieved_by_allocation_of (compiled once, the shares' ids searched in the figures' own column) gives
    achieved_by_allocation's figures for the shares asked: each share's latest approved one, drafts not counted, by
    targets or by units."""
    generate("city", seed=6)
    busiest = _busiest(Allocation)
    shares = list(Allocation.objects.filter(organization_id=busiest).select_related("target__plan")[:40])
    # Per share, two approved periods (the later one counts; a month after a quarter that ends later does not) and a
    # draft (never counts), each with its own figure.
    periods = (("2024-Q3", Report.APPROVED), ("2024-08", Report.APPROVED), ("2024-12", Report.DRAFT))
    for i, share in enumerate(shares):
        for n, (period, status) in enumerate(periods):
            report, _created = Report.objects.get_or_create(
                organization_id=busiest,
                program_id=share.target.plan.program_id,
                period=period,
                defaults={"status": status},
            )
            value = Decimal(10_000) if status == Report.DRAFT else Decimal(i + n * 7)
            TargetFigure.objects.update_or_create(
                report=report, target=share.target, defaults={"allocation": share, "value": value}
            )
    targets = {s.target_id for s in shares}
    expected = achieved_by_allocation(target_ids=list(targets))
    assert expected and Decimal(10_000) not in expected.values()
    every = list(Allocation.objects.values_list("pk", flat=True))
    assert stats.achieved_by_allocation_of(every, target_ids=targets) == expected
    asked = [s.pk for s in shares[::2]]
    assert stats.achieved_by_allocation_of(asked, target_ids=targets) == {
        pk: v for pk, v in expected.items() if pk in asked
    }
    assert stats.achieved_by_allocation_of(every, target_ids=list(targets)[:1]) == achieved_by_allocation(
        target_ids=list(targets)[:1]
    )
    units = [busiest, Organization.objects.get(pk=busiest).parent_id]
    by_units = achieved_by_allocation(organization_ids=units)
    assert by_units and stats.achieved_by_allocation_of(every, organization_ids=units) == by_units
    assert stats.achieved_by_allocation_of(every, organization_ids=[units[1]]) == achieved_by_allocation(
        organization_ids=[units[1]]
    )
