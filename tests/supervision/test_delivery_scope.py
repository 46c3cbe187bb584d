"""Which robots hear a notice (its unit's and the units' above it, its program's), and what a notice leaves to do
after the commit: a send of its deliveries, or nothing when it has none (most notices: a report submitted to a
unit head with no robot set)."""

import pytest

from duikou.organizations.models import Organization
from duikou.programs.models import Program
from duikou.reports import services as reports
from duikou.reports.models import Reminder
from duikou.supervision import delivery
from duikou.supervision.models import Delivery, WebhookChannel

pytestmark = pytest.mark.django_db


def robot(name, **where):
    return WebhookChannel.objects.create(
        name=name, kind="wecom", url=f"https://robot.example/{name}", **where
    )


def test_a_notice_reaches_the_robots_of_its_unit_above_and_program(world):
    fujian = Organization.objects.get(pk=world.mawei.tree_path.strip("/").split("/")[0])
    other = Program.objects.create(name="另一对口关系", start_year=2021, end_year=2025)
    program_robot = robot("program", program=world.program)
    unit_robot = robot("mawei", organization=world.mawei)
    unit_robot_of_program = robot("mawei-program", organization=world.mawei, program=world.program)
    above_robot = robot("fujian", organization=fujian)
    robot("mawei-other-program", organization=world.mawei, program=other)
    robot("gulou", organization=world.gulou)
    robot("program-silent", program=world.program, active=False)
    robot("other-program", program=other)

    on_task = Reminder(organization=world.mawei, task=world.task_a)
    assert set(delivery.channels(on_task)) == {program_robot, unit_robot, unit_robot_of_program, above_robot}
    without_program = Reminder(organization=world.mawei)
    assert set(delivery.channels(without_program)) == {unit_robot, above_robot}
    for_the_office = Reminder(organization=None, report=world.report_a)
    assert set(delivery.channels(for_the_office)) == {program_robot}
    assert list(delivery.channels(Reminder(organization=None))) == []


def test_only_a_notice_with_deliveries_leaves_a_send_for_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    reporter, head = world.users["reporter_a"], world.users["head_a"]
    with django_capture_on_commit_callbacks() as after_commit:
        reports.submit_report(report=world.report_a, user=reporter)  # tells 马尾区's head: no robot
    assert Reminder.objects.filter(report=world.report_a, organization=world.mawei).count() == 1
    assert after_commit == [] and not Delivery.objects.exists()

    program_robot = robot("program", program=world.program)
    # Sent on by the head, it tells the office, whose program's robot hears.
    with django_capture_on_commit_callbacks() as after_commit:
        reports.submit_report(report=world.report_a, user=head)
    notice = Reminder.objects.get(report=world.report_a, organization=None)
    assert list(Delivery.objects.values_list("reminder", "webhook")) == [(notice.pk, program_robot.pk)]
    assert len(after_commit) == 1
