"""Completion and changes by request: a task's status and progress move only through approved reports and
approved requests; a shared task is done only when every lead unit's part is approved done."""

import base64
import datetime as dt

import pytest
from reports.files import PNG

from duikou.plans.models import Responsibility, Task
from duikou.reports import services as reports
from duikou.supervision.models import ChangeRequest

pytestmark = pytest.mark.django_db
URL = "/api/plans/change-requests/"


def test_units_no_longer_patch_status_or_progress(world, api):
    for key in ("reporter_a", "head_a"):
        r = api(world.users[key]).patch(f"/api/plans/tasks/{world.task_a.pk}", {"status": "completed"})
        assert r.status_code == 403, r.json()
    # The support unit of the shared task cannot either (the hole the issue measured).
    r = api(world.users["reporter_b"]).patch(
        f"/api/plans/tasks/{world.task_shared.pk}", {"status": "completed", "progress": 100}
    )
    assert r.status_code in (403, 404)
    world.task_a.refresh_from_db()
    assert (world.task_a.status, world.task_a.progress) == (Task.NOT_STARTED, 0)


def test_deadline_request_approved_moves_the_task(world, api):
    unit, office = api(world.users["reporter_a"]), api(world.users["office_admin"])
    r = unit.post(
        URL,
        {"task_id": world.task_a.pk, "kind": "deadline", "due_date": "2025-09-30", "reason": "用地审批延后"},
    )
    assert r.status_code == 201, r.json()
    rid = r.json()["id"]
    assert r.json()["organization"] == world.mawei.pk and r.json()["status"] == "pending"
    # A unit cannot approve its own request.
    assert unit.post(f"{URL}{rid}/approve").status_code == 403
    world.task_a.refresh_from_db()
    assert world.task_a.due_date == dt.date(2025, 6, 30)
    r = office.post(f"{URL}{rid}/approve", {"reason": "同意"})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    world.task_a.refresh_from_db()
    assert world.task_a.due_date == dt.date(2025, 9, 30) and "2025年9月30日" in world.task_a.deadline
    # Decided once: a second decision is refused.
    assert office.post(f"{URL}{rid}/reject", {"reason": "x"}).status_code == 422


def test_reject_needs_a_reason_and_moves_nothing(world, api):
    unit, office = api(world.users["reporter_a"]), api(world.users["office_admin"])
    rid = unit.post(URL, {"task_id": world.task_a.pk, "kind": "cancel", "reason": "并入其他任务"}).json()[
        "id"
    ]
    r = office.post(f"{URL}{rid}/reject", {"reason": ""})
    assert r.status_code == 422 and "reason" in r.json()["errors"]
    r = office.post(f"{URL}{rid}/reject", {"reason": "任务仍需推进"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    world.task_a.refresh_from_db()
    assert world.task_a.status == Task.NOT_STARTED


def test_bad_requests_name_the_field(world, api):
    unit = api(world.users["reporter_a"])
    r = unit.post(URL, {"task_id": world.task_a.pk, "kind": "deadline", "reason": "x"})
    assert r.status_code == 422 and "due_date" in r.json()["errors"]
    r = unit.post(URL, {"task_id": world.task_a.pk, "kind": "complete", "reason": "已完成"})
    assert r.status_code == 422 and "evidence" in r.json()["errors"]
    r = unit.post(URL, {"task_id": world.task_b.pk, "kind": "cancel", "reason": "x"})
    assert r.status_code == 422  # not its task: not even visible
    r = unit.post(URL, {"task_id": world.task_a.pk, "kind": "bogus", "reason": "x"})
    assert r.status_code == 422
    bad = base64.b64encode(b"MZ not a picture").decode()
    r = unit.post(
        URL,
        {
            "task_id": world.task_a.pk,
            "kind": "complete",
            "reason": "x",
            "evidence_name": "a.png",
            "evidence_base64": bad,
        },
    )
    assert r.status_code == 422
    assert not ChangeRequest.objects.exists()


def test_shared_task_done_only_when_every_lead_part_is_approved(world, api):
    """task_shared: 马尾区 leads, 鼓楼区 supports; add 鼓楼区 as a second lead through an approved units request."""
    office = api(world.users["office_admin"])
    mawei, gulou = api(world.users["reporter_a"]), api(world.users["reporter_b"])
    r = mawei.post(
        URL,
        {
            "task_id": world.task_shared.pk,
            "kind": "units",
            "reason": "鼓楼区共同牵头",
            "lead_units": [world.mawei.pk, world.gulou.pk],
        },
    )
    assert r.status_code == 201, r.json()
    office.post(f"{URL}{r.json()['id']}/approve")
    assert set(
        world.task_shared.responsibilities.filter(role="lead").values_list("organization_id", flat=True)
    ) == {world.mawei.pk, world.gulou.pk}
    evidence = {"evidence_name": "验收.png", "evidence_base64": base64.b64encode(PNG).decode()}
    r = mawei.post(
        URL, {"task_id": world.task_shared.pk, "kind": "complete", "reason": "本单位部分已完成", **evidence}
    )
    assert r.status_code == 201, r.json()
    assert r.json()["has_evidence"] is True
    r = office.post(f"{URL}{r.json()['id']}/approve")
    assert r.status_code == 200, r.json()
    world.task_shared.refresh_from_db()
    assert world.task_shared.status == Task.IN_PROGRESS and world.task_shared.progress == 50
    part = Responsibility.objects.get(task=world.task_shared, organization=world.mawei)
    assert part.part_status == Task.COMPLETED
    r = gulou.post(URL, {"task_id": world.task_shared.pk, "kind": "complete", "reason": "完成", **evidence})
    office.post(f"{URL}{r.json()['id']}/approve")
    world.task_shared.refresh_from_db()
    assert world.task_shared.status == Task.COMPLETED and world.task_shared.progress == 100
    assert world.task_shared.completed_on is not None


def test_an_approved_report_moves_only_the_units_part(world):
    """The lead's approved report completes its part; a task with one lead is then done; a support unit's report
    moves only its own part."""
    office, head_b = world.users["office_admin"], world.users["reporter_b"]
    report = world.report_a
    report.status = "submitted"
    report.save()
    report.task_progress.create(task=world.task_shared, status="in_progress", percent=60)
    reports.approve_report(report=report, user=office)
    world.task_shared.refresh_from_db()
    assert (world.task_shared.status, world.task_shared.progress) == (Task.IN_PROGRESS, 60)
    # 鼓楼区 (support) reports the task complete: its part moves, the task does not.
    world.report_b.task_progress.create(task=world.task_shared, status="completed", percent=100)
    reports.approve_report(report=world.report_b, user=office)
    world.task_shared.refresh_from_db()
    assert (world.task_shared.status, world.task_shared.progress) == (Task.IN_PROGRESS, 60)
    assert (
        Responsibility.objects.get(task=world.task_shared, organization=world.gulou).part_status
        == Task.COMPLETED
    )
    assert head_b  # the unit's user exists; its reading is tested elsewhere


def test_request_pages(world, browser_client):
    unit, office = browser_client(world.users["reporter_a"]), browser_client(world.users["office_admin"])
    page = unit.get(f"/supervision/tasks/{world.task_a.pk}/").content.decode()
    assert "申请调整" in page
    r = unit.post(
        f"/supervision/tasks/{world.task_a.pk}/request/",
        {
            "organization": world.mawei.pk,
            "kind": "deadline",
            "due_date": "2025-10-31",
            "reason": "资金未到位",
        },
    )
    assert r.status_code == 302
    item = ChangeRequest.objects.get()
    assert "待审批" in office.get("/supervision/requests/").content.decode()
    # Rejecting without a reason is refused on the page too.
    office.post(f"/supervision/requests/{item.pk}/reject/", {"reason": ""})
    item.refresh_from_db()
    assert item.status == ChangeRequest.PENDING
    office.post(f"/supervision/requests/{item.pk}/approve/", {"reason": ""})
    world.task_a.refresh_from_db()
    assert world.task_a.due_date == dt.date(2025, 10, 31)
    # 鼓楼区 is not responsible for task_a: it may not request.
    other = browser_client(world.users["reporter_b"])
    assert other.get(f"/supervision/tasks/{world.task_a.pk}/request/").status_code in (403, 404)
