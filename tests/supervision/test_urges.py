"""催办: the office urges a unit in one step; the unit sees it at once, its first opening is recorded, it answers."""

import pytest

from duikou.core.models import ChangeLog
from duikou.reports.models import Reminder
from duikou.supervision.models import Urge

pytestmark = pytest.mark.django_db


def test_office_urges_unit_reads_once_and_answers(world, api):
    office, reporter_a, reporter_b = (
        world.users["office_admin"],
        world.users["reporter_a"],
        world.users["reporter_b"],
    )
    r = api(office).post(
        "/api/supervision/urges/", {"task_id": world.task_a.pk, "organization_id": world.mawei.pk}
    )
    assert r.status_code == 201, r.json()
    urge_id = r.json()["id"]
    assert r.json()["read_at"] is None and r.json()["message"] == ""
    # The unit sees it at once: in its list and as an unread notice in its inbox.
    mine = api(reporter_a).get("/api/supervision/urges/").json()["items"]
    assert [u["id"] for u in mine] == [urge_id]
    assert (
        Reminder.objects.filter(organization=world.mawei, kind=Reminder.URGED, read_at__isnull=True).count()
        == 1
    )
    # Another unit does not see it.
    assert api(reporter_b).get("/api/supervision/urges/").json()["items"] == []
    assert api(reporter_b).get(f"/api/supervision/urges/{urge_id}").status_code == 404
    # The office's own opening is not the unit's reading.
    api(office).post(f"/api/supervision/urges/{urge_id}/read")
    assert Urge.objects.get(pk=urge_id).read_at is None
    first = api(reporter_a).post(f"/api/supervision/urges/{urge_id}/read").json()["read_at"]
    assert first is not None
    again = api(reporter_a).post(f"/api/supervision/urges/{urge_id}/read").json()["read_at"]
    assert again == first  # only the first opening is recorded
    assert Urge.objects.get(pk=urge_id).read_by == reporter_a
    r = api(reporter_a).post(f"/api/supervision/urges/{urge_id}/answer", {"answer": "已于本周完成用地手续"})
    assert r.status_code == 200 and r.json()["answer"] == "已于本周完成用地手续"
    # Every step is in the change log with its user.
    entries = ChangeLog.objects.filter(content_type__model="urge", object_id=str(urge_id))
    assert {e.user_id for e in entries} >= {office.pk, reporter_a.pk}


def test_only_the_office_urges_and_only_a_responsible_unit(world, api):
    reporter_a, office = world.users["reporter_a"], world.users["office_admin"]
    r = api(reporter_a).post(
        "/api/supervision/urges/", {"task_id": world.task_a.pk, "organization_id": world.mawei.pk}
    )
    assert r.status_code == 403
    r = api(office).post(
        "/api/supervision/urges/", {"task_id": world.task_a.pk, "organization_id": world.gulou.pk}
    )
    assert r.status_code == 422 and "organization_id" in r.json()["errors"]
    r = api(office).post("/api/supervision/urges/", {"organization_id": world.mawei.pk})
    assert r.status_code == 422
    r = api(office).post(
        "/api/supervision/urges/",
        {"report_id": world.report_a.pk, "organization_id": world.mawei.pk, "message": "请尽快报送6月月报"},
    )
    assert r.status_code == 201 and r.json()["report"] == world.report_a.pk
    leader = world.users["leader"]
    assert (
        api(leader)
        .post("/api/supervision/urges/", {"report_id": world.report_a.pk, "organization_id": world.mawei.pk})
        .status_code
        == 403
    )
    assert len(api(leader).get("/api/supervision/urges/").json()["items"]) == 1


def test_pages_urge_in_one_click_and_record_reading(world, browser_client):
    office, reporter_a = world.users["office_admin"], world.users["reporter_a"]
    page = browser_client(office).get(f"/supervision/tasks/{world.task_shared.pk}/")
    assert page.status_code == 200 and "一键催办" in page.content.decode()
    r = browser_client(office).post(
        f"/supervision/tasks/{world.task_shared.pk}/urge/", {"organization": "all"}
    )
    assert r.status_code == 302
    assert set(Urge.objects.values_list("organization_id", flat=True)) == {world.mawei.pk, world.gulou.pk}
    mine = Urge.objects.get(organization=world.mawei)
    unit = browser_client(reporter_a)
    listing = unit.get("/supervision/urges/").content.decode()
    assert "消费帮扶" in listing and "未读" in listing
    body = unit.get(f"/supervision/urges/{mine.pk}/").content.decode()
    assert "提交反馈" in body
    mine.refresh_from_db()
    assert mine.read_at is not None and mine.read_by == reporter_a
    unit.post(f"/supervision/urges/{mine.pk}/", {"answer": "正在组织采购"})
    mine.refresh_from_db()
    assert mine.answer == "正在组织采购"
    # The other unit's urge is not even found.
    other = Urge.objects.get(organization=world.gulou)
    assert unit.get(f"/supervision/urges/{other.pk}/").status_code == 404
