"""The report workflow through the services: fill, submit to the head, submit up, return with a reason, resubmit,
approve; history kept; approved figures feed the dashboards; what changed since the last period."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.core import permissions as perms
from duikou.core.models import ChangeLog
from duikou.core.periods import Period
from duikou.reports import achieved, services
from duikou.reports.changes import changes_since_previous as since_previous
from duikou.reports.models import Reminder, Report, ReportEvent

pytestmark = pytest.mark.django_db


def fill(world, report, user, percent=40, value="30"):
    return services.save_report(
        report=report,
        user=user,
        version=report.version,
        summary="本月完成产业园一期",
        progress=[{"task": world.task_a.pk, "status": "in_progress", "percent": percent, "text": "一期完工"}],
        figures=[{"allocation": world.alloc_a.pk, "value": value, "note": "两家企业落地"}],
    )


def test_full_cycle_with_return_and_resubmit(world):
    reporter, head, office = world.users["reporter_a"], world.users["head_a"], world.users[perms.OFFICE_ADMIN]
    report = fill(world, world.report_a, reporter)
    report = services.submit_report(report=report, user=reporter)
    assert report.status == Report.PENDING_HEAD
    report = services.submit_report(report=report, user=head)
    assert report.status == Report.SUBMITTED and report.submitted_at is not None
    # Not approved yet: nothing counts.
    assert achieved.achieved_by_allocation(program=world.program) == {}

    report = services.return_report(report=report, user=office, reason="佐证材料不足")
    assert report.status == Report.RETURNED and report.return_reason == "佐证材料不足"
    assert Reminder.objects.filter(
        organization=world.mawei, kind=Reminder.REPORT_RETURNED, report=report
    ).exists()

    report = fill(world, report, reporter, percent=60, value="45")
    report = services.submit_report(report=report, user=reporter)
    report = services.submit_report(report=report, user=head)
    report = services.approve_report(report=report, user=office)
    assert report.status == Report.APPROVED

    steps = list(ReportEvent.objects.filter(report=report).values_list("from_status", "to_status"))
    assert steps == [
        ("draft", "pending_head"),
        ("pending_head", "submitted"),
        ("submitted", "returned"),
        ("returned", "pending_head"),
        ("pending_head", "submitted"),
        ("submitted", "approved"),
    ]
    # The returned version is kept in the history with the figure as it was then.
    returned = ReportEvent.objects.get(report=report, to_status="returned")
    assert returned.reason == "佐证材料不足"
    assert returned.snapshot["figures"][0]["value"] == "30.0000"

    assert achieved.achieved_by_allocation(program=world.program) == {world.alloc_a.pk: Decimal("45")}
    assert achieved.achieved_by_target(program=world.program) == {world.target.pk: Decimal("45")}
    world.task_a.refresh_from_db()
    assert (world.task_a.progress, world.task_a.status) == (60, "in_progress")


def test_supporting_unit_does_not_move_a_task_it_does_not_lead(world):
    from duikou.reports.models import TaskProgress

    report = world.report_b  # 鼓楼区, submitted
    TaskProgress.objects.create(report=report, task=world.task_shared, status="completed", percent=100)
    services.approve_report(report=report, user=world.users[perms.OFFICE_ADMIN])
    world.task_shared.refresh_from_db()
    assert world.task_shared.progress == 0  # 马尾区 leads it


@pytest.mark.parametrize("role", ["reporter_b", perms.RECIPIENT_VIEWER, perms.AUDITOR, perms.LEADER])
def test_others_cannot_touch_a_units_report(world, role):
    user = world.users[role]
    with pytest.raises(PermissionDenied):
        fill(world, world.report_a, user)
    with pytest.raises(PermissionDenied):
        services.submit_report(report=world.report_a, user=user)
    world.report_a.refresh_from_db()
    assert world.report_a.status == Report.DRAFT and world.report_a.summary == ""


def test_only_the_office_approves_and_only_submitted_reports(world):
    with pytest.raises(PermissionDenied):
        services.approve_report(report=world.report_b, user=world.users["reporter_b"])
    with pytest.raises(ValidationError, match="不能审核通过"):
        services.approve_report(report=world.report_a, user=world.users[perms.OFFICE_ADMIN])


def test_return_needs_a_reason_and_nothing_changes_without_one(world):
    with pytest.raises(ValidationError, match="退回原因"):
        services.return_report(report=world.report_b, user=world.users[perms.OFFICE_ADMIN], reason="  ")
    world.report_b.refresh_from_db()
    assert world.report_b.status == Report.SUBMITTED
    assert not ReportEvent.objects.filter(report=world.report_b).exists()


def test_reporter_cannot_edit_while_the_head_reviews(world):
    reporter = world.users["reporter_a"]
    report = services.submit_report(report=fill(world, world.report_a, reporter), user=reporter)
    with pytest.raises(PermissionDenied, match="待单位负责人审核"):
        fill(world, report, reporter, percent=99)


def test_bad_input_names_the_place_and_writes_nothing(world):
    reporter = world.users["reporter_a"]
    with pytest.raises(ValidationError, match="进度应在 0–100"):
        services.save_report(
            report=world.report_a,
            user=reporter,
            version=world.report_a.version,
            progress=[{"task": world.task_a.pk, "status": "in_progress", "percent": 140}],
        )
    with pytest.raises(ValidationError, match="不是本单位负责的任务"):
        services.save_report(
            report=world.report_a,
            user=reporter,
            version=world.report_a.version,
            progress=[{"task": world.task_b.pk, "percent": 10}],
        )
    with pytest.raises(ValidationError, match="引进企业投资.*不是数字"):
        services.save_report(
            report=world.report_a,
            user=reporter,
            version=world.report_a.version,
            summary="改了",
            figures=[{"allocation": world.alloc_a.pk, "value": "三十"}],
        )
    # A value that is not a whole number names its row or its task (the place is made only for the message).
    number = world.task_a.number or world.task_a.pk
    for progress, figures, message in (
        ([{"task": "第一", "percent": 10}], [], "任务进展第 1 行的任务不是整数：第一"),
        ([{"task": world.task_a.pk, "percent": "一半"}], [], f"任务 {number} 的进度不是整数：一半"),
        ([], [{"allocation": "x", "value": "1"}], "指标第 1 行不是整数：x"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.save_report(
                report=world.report_a,
                user=reporter,
                version=world.report_a.version,
                progress=progress,
                figures=figures,
            )
    world.report_a.refresh_from_db()
    assert world.report_a.summary == "" and not world.report_a.figures.exists()


def test_changes_since_the_previous_period(world):
    reporter = world.users["reporter_a"]
    fill(world, world.report_a, reporter, percent=40, value="30")
    july = services.start_report(
        program=world.program, organization=world.mawei, user=reporter, period="2025-07"
    )
    assert july.period == Period(2025, "month", 7)
    fill(world, july, reporter, percent=70, value="55")
    changes = since_previous(july)
    assert changes.previous == world.report_a
    assert [(c["before"], c["after"]) for c in changes.progress] == [(40, 70)]
    assert [(c["before"], c["after"], c["delta"]) for c in changes.figures] == [
        (Decimal(30), Decimal(55), Decimal(25))
    ]


def test_period_must_match_the_programs_reporting_period(world):
    with pytest.raises(ValidationError, match="报告周期"):
        services.start_report(
            program=world.program, organization=world.mawei, user=world.users["reporter_a"], period="2025-Q3"
        )
    with pytest.raises(PermissionDenied):
        services.start_report(
            program=world.program, organization=world.gulou, user=world.users["reporter_a"], period="2025-07"
        )


def test_starting_a_started_period_gives_its_report(world):
    logged = ChangeLog.objects.count()
    again = services.start_report(
        program=world.program,
        organization=world.mawei,
        user=world.users["reporter_a"],
        period=world.report_a.period,
    )
    assert again == world.report_a and Report.objects.filter(organization=world.mawei).count() == 1
    assert ChangeLog.objects.count() == logged  # nothing written


def test_quarterly_program(world):
    world.program.reporting_period = "quarter"
    world.program.save()
    report = services.start_report(
        program=world.program, organization=world.mawei, user=world.users["reporter_a"], period="2025-Q3"
    )
    assert report.period.label == "2025年第三季度"


def test_the_previous_report_is_the_latest_earlier_period_of_the_same_unit_and_program(world):
    """By the periods' dates (end, then start), not their text or the order the reports were started: a year's report
    ends with its December's and comes before it; another unit's or program's, and later periods, are not a previous."""
    from duikou.programs.models import Program
    from duikou.reports.changes import previous_report

    def report(period, organization=world.mawei, program=world.program):
        return Report.objects.create(program=program, organization=organization, period=Period.parse(period))

    other_program = Program.objects.create(name="另一对口关系", start_year=2021, end_year=2025)
    later, year, december, november = report("2026-01"), report("2024"), report("2024-12"), report("2024-11")
    report("2025-05", organization=world.gulou)
    report("2025-05", program=other_program)
    assert world.report_a.period == Period(2025, "month", 6)
    found = previous_report(world.report_a)
    assert found == december and found.period == Period(2024, "month", 12)
    assert (found.program_id, found.organization_id) == (world.program.pk, world.mawei.pk)
    assert previous_report(december) == year and previous_report(year) == november
    assert previous_report(later) == world.report_a
    assert previous_report(report("2021-01")) is None
    # Read as the unit's periods are: its keys and period, the rest left unread.
    assert found.get_deferred_fields() >= {"summary", "status"}
