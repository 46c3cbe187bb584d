"""Lights: one rule (supervision.lights) for tasks, units, programs and targets, by the program's rules."""

import datetime as dt
from decimal import Decimal

import pytest

from duikou.core.dates import today_for
from duikou.plans.models import Task
from duikou.programs.models import Program
from duikou.reports.models import Report
from duikou.supervision import lights
from duikou.supervision.models import LightRule

pytestmark = pytest.mark.django_db
JUNE_20 = dt.date(2025, 6, 20)


@pytest.fixture
def reported(world):
    """The world with its plan issued on 2025-01-01 and both units' May reports in."""
    world.plan.issued_on = dt.date(2025, 1, 1)
    world.plan.save()
    for org in (world.mawei, world.gulou):
        Report.objects.create(
            program=world.program, organization=org, period="2025-05", status=Report.SUBMITTED
        )
    return world


def by_task(world, today):
    rows = lights.annotate_lights(Task.objects.filter(plan=world.plan), today).values_list("number", "light")
    return dict(rows)


def test_task_lights_by_default_rules(reported):
    w = reported
    # task 1 due 06-30 (10 days: yellow), task 2 due 12-31 at 0% while 47% of its time has passed (yellow: behind
    # by more than 20 points), task 3 due 07-10 (20 days, but 0% with 52% elapsed: yellow).
    assert by_task(w, JUNE_20) == {"1": "yellow", "2": "yellow", "3": "yellow"}
    Task.objects.filter(pk=w.task_b.pk).update(progress=40)  # 40 + 20 ≥ 47: on track
    assert by_task(w, JUNE_20)["2"] == "green"
    # Past its due date: red; completed or cancelled: done.
    assert by_task(w, dt.date(2025, 7, 1))["1"] == "red"
    Task.objects.filter(pk=w.task_a.pk).update(status=Task.CANCELLED)
    assert by_task(w, dt.date(2025, 7, 1))["1"] == "done"
    assert lights.task_light(w.task_b, JUNE_20) == "green"


def test_office_rules_per_program_change_the_lights(reported):
    w = reported
    Task.objects.filter(pk=w.task_b.pk).update(progress=40)
    LightRule.objects.create(program=w.program, due_soon_days=5, behind_points=0)
    lit = by_task(w, JUNE_20)
    # N = 5: task 1 (10 days) is no longer due soon, but at 0% with 46% elapsed it is behind (X = 0).
    assert lit["1"] == "yellow" and lit["2"] == "yellow"  # 40 < 47 with X = 0
    LightRule.objects.filter(program=w.program).update(behind_points=100, due_soon_days=5)
    assert by_task(w, JUNE_20) == {"1": "green", "2": "green", "3": "green"}


def test_a_missing_report_past_its_due_day_turns_the_units_tasks_red(reported):
    w = reported
    Report.objects.filter(organization=w.gulou, period="2025-05").delete()
    # 鼓楼区's May report was due 06-10 (+10 days): its tasks (2, and 3 it supports) are red; task 1 is not.
    lit = by_task(w, JUNE_20)
    assert lit["2"] == "red" and lit["3"] == "red" and lit["1"] != "red"
    # Before the due day it is not yet late.
    assert by_task(w, dt.date(2025, 6, 8))["2"] != "red"
    # A draft does not count as handed in.
    Report.objects.create(program=w.program, organization=w.gulou, period="2025-05", status=Report.DRAFT)
    assert by_task(w, JUNE_20)["2"] == "red"
    assert lights.red_since(w.task_b, JUNE_20) == dt.date(2025, 6, 10)
    assert lights.counts(Task.objects.filter(plan=w.plan), JUNE_20)["red"] == 2


def test_a_report_handed_in_for_another_program_leaves_the_task_red(reported):
    """The missing report is looked up by the task's own program (lights.report_missing_q)."""
    w = reported
    Report.objects.filter(organization=w.gulou, period="2025-05").delete()
    other = Program.objects.create(name="另一对口关系", start_year=2021, end_year=2025)
    Report.objects.create(program=other, organization=w.gulou, period="2025-05", status=Report.SUBMITTED)
    assert by_task(w, JUNE_20)["2"] == "red"
    Report.objects.create(program=w.program, organization=w.gulou, period="2025-05", status=Report.SUBMITTED)
    assert by_task(w, JUNE_20)["2"] != "red"


def test_units_and_programs_take_their_worst_task(reported):
    w = reported
    Report.objects.filter(organization=w.gulou, period="2025-05").delete()
    units = lights.unit_lights([w.mawei.pk, w.gulou.pk], JUNE_20)
    assert units == {w.mawei.pk: "red", w.gulou.pk: "red"}  # 马尾区 leads task 3, red through 鼓楼区's report
    Task.objects.filter(pk=w.task_shared.pk).update(status=Task.COMPLETED)
    assert lights.unit_lights([w.mawei.pk], JUNE_20) == {w.mawei.pk: "yellow"}
    assert lights.program_lights([w.program.pk], JUNE_20) == {w.program.pk: "red"}


def test_target_light_is_achieved_over_agreed_against_time():
    half = dict(start_year=2021, end_year=2025, today=dt.date(2023, 7, 1))
    assert lights.target_light(">=", Decimal(100), Decimal(100), **half) == "done"
    assert lights.target_light(">=", Decimal(100), Decimal(40), **half) == "green"  # 40 + 20 ≥ 50
    assert lights.target_light(">=", Decimal(100), Decimal(20), **half) == "yellow"
    assert lights.target_light(">=", Decimal(100), None, **half) == "yellow"
    assert (
        lights.target_light(
            ">=", Decimal(100), Decimal(90), start_year=2021, end_year=2025, today=dt.date(2026, 1, 2)
        )
        == "red"
    )


def test_every_task_read_in_the_api_carries_its_light(world, api):
    client = api(world.users["reporter_a"])
    items = client.get("/api/plans/tasks/").json()["items"]
    assert items and all(t["light"] in {"green", "yellow", "red", "done"} for t in items)
    one = client.get(f"/api/plans/tasks/{world.task_a.pk}").json()
    assert one["light"] == lights.task_light(world.task_a)


@pytest.mark.parametrize("role", ["reporter_a", "office_admin"])
def test_the_api_task_list_attaches_the_lights_the_annotation_gives(world, api, role):
    """The list reads its page plainly and attaches each task's light by the compiled query: the same lights as
    `annotate_lights`, with tasks in every light (one overdue, one done, one due soon)."""
    Task.objects.filter(pk=world.task_a.pk).update(due_date=dt.date(2020, 1, 1))
    Task.objects.filter(pk=world.task_shared.pk).update(status=Task.COMPLETED)
    Task.objects.filter(pk=world.task_b.pk).update(due_date=today_for() + dt.timedelta(days=3))
    items = api(world.users[role]).get("/api/plans/tasks/?limit=50").json()["items"]
    expected = dict(
        lights.annotate_lights(Task.objects.filter(pk__in=[t["id"] for t in items])).values_list(
            "pk", "light"
        )
    )
    assert items and {t["id"]: t["light"] for t in items} == expected
    assert len(set(expected.values())) >= 2


def test_lights_on_the_pages(world, browser_client):
    office = browser_client(world.users["office_admin"])
    dashboard = office.get("/").content.decode()
    assert 'id="count-red"' in dashboard and "红灯任务" in dashboard
    # The world's tasks are all past due (2025): each red task is one click from its page.
    assert f'href="/supervision/tasks/{world.task_a.pk}/"' in dashboard
    tasks = office.get("/plans/tasks/?light=red").content.decode()
    assert "红灯" in tasks and "马尾区产业园建设" in tasks
    export = office.get("/plans/tasks/?export=xlsx")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(export.content)).active
    header = [c.value for c in sheet[1]]
    assert "红黄绿灯" in header
    column = header.index("红黄绿灯")
    assert {row[column].value for row in sheet.iter_rows(min_row=2)} <= {"红灯", "黄灯", "绿灯", "办结"}
    assert "light-" in office.get(f"/plans/{world.plan.pk}/").content.decode()
    assert "light-" in office.get(f"/plans/{world.plan.pk}/matrix/").content.decode()
    assert "light-" in office.get(f"/organizations/{world.mawei.pk}/").content.decode()
    assert "light-" in office.get(f"/programs/{world.program.pk}/").content.decode()
    assert "light-" in office.get(f"/supervision/tasks/{world.task_a.pk}/").content.decode()


def test_units_and_programs_read_in_the_api_carry_their_light(reported, api):
    w = reported
    Report.objects.filter(organization=w.gulou, period="2025-05").delete()
    client = api(w.users["office_admin"])
    expected_units = lights.unit_lights([w.mawei.pk, w.gulou.pk])
    for org in (w.mawei, w.gulou):
        assert client.get(f"/api/organizations/{org.pk}").json()["light"] == expected_units[org.pk]
    program = client.get(f"/api/programs/{w.program.pk}").json()
    assert program["light"] == lights.program_lights([w.program.pk])[w.program.pk] == "red"
    listed = {o["id"]: o["light"] for o in client.get("/api/organizations/?q=福州市").json()["items"]}
    assert listed[w.mawei.pk] == expected_units[w.mawei.pk]
    assert client.get(f"/api/organizations/{w.wanzhou.pk}").json()["light"] == "done"  # no tasks of its own


def test_the_office_sets_the_rules_on_a_page(world, browser_client):
    office, unit = browser_client(world.users["office_admin"]), browser_client(world.users["reporter_a"])
    assert "临近到期天数" in office.get("/supervision/rules/").content.decode()
    r = office.post(
        "/supervision/rules/",
        {
            "program": world.program.pk,
            "due_soon_days": 30,
            "behind_points": 10,
            "notice_after_days": 3,
            "report_grace_days": 5,
        },
    )
    assert r.status_code == 302
    rule = LightRule.objects.get(program=world.program)
    assert (rule.due_soon_days, rule.behind_points, rule.notice_after_days, rule.report_grace_days) == (
        30,
        10,
        3,
        5,
    )
    office.post(
        "/supervision/rules/",
        {
            "program": world.program.pk,
            "due_soon_days": 30,
            "behind_points": 101,
            "notice_after_days": 3,
            "report_grace_days": 5,
        },
    )
    rule.refresh_from_db()
    assert rule.behind_points == 10  # over 100 points is refused
    assert (
        unit.post("/supervision/rules/", {"program": world.program.pk, "due_soon_days": 1}).status_code == 403
    )


def test_targets_and_unit_shares_show_their_light(world, browser_client):
    from io import BytesIO

    from openpyxl import load_workbook

    from duikou.targets.models import Target

    office = browser_client(world.users["office_admin"])
    target = Target.objects.select_related("plan__program").get(pk=world.target.pk)
    target.achieved = None
    (expected,) = lights.commitment_lights([target])
    listed = office.get("/targets/").content.decode()
    assert "红黄绿灯" in listed and f'data-light="{expected.light}"' in listed
    sheet = load_workbook(BytesIO(office.get("/targets/?export=xlsx").content)).active
    header = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=header.index("红黄绿灯") + 1).value == str(lights.LABELS[expected.light])
    detail = office.get(f"/targets/{target.pk}/").content.decode()
    assert detail.count("data-light=") == 1 + target.allocations.count()  # the target and each unit's share
    unit_page = office.get(f"/organizations/{world.mawei.pk}/").content.decode()
    assert f"/targets/{target.pk}/" in unit_page and unit_page.count("data-light=") >= 2
