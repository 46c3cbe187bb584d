"""领导批示: a leader (or the office on a leader's behalf) instructs on a task, a unit or a report; it reaches the
units concerned, is tracked until each answers, and is listed under 领导关注."""

import pytest

from duikou.reports.models import Reminder
from duikou.supervision.models import Instruction

pytestmark = pytest.mark.django_db
URL = "/api/supervision/instructions/"


def test_leader_instructs_on_a_shared_task_each_unit_answers_then_closed(world, api):
    leader = api(world.users["leader"])
    r = leader.post(URL, {"task_id": world.task_shared.pk, "text": "请加快进度，月底前见成效"})
    assert r.status_code == 201, r.json()
    body = r.json()
    iid = body["id"]
    assert {t["organization"] for t in body["targets"]} == {world.mawei.pk, world.gulou.pk}
    assert body["leader_name"] and body["closed_at"] is None
    assert Reminder.objects.filter(kind="instruction", organization=world.gulou).count() == 1
    # Each unit sees it and answers for itself; one answer does not close it.
    mawei, gulou = api(world.users["reporter_a"]), api(world.users["reporter_b"])
    assert [i["id"] for i in mawei.get(URL).json()["items"]] == [iid]
    r = mawei.post(f"{URL}{iid}/answer", {"answer": "已召开推进会"})
    assert r.status_code == 200 and r.json()["closed_at"] is None
    assert leader.post(f"{URL}{iid}/answer", {"answer": "x"}).status_code == 403
    r = gulou.post(f"{URL}{iid}/answer", {"answer": "配合完成采购"})
    assert r.json()["closed_at"] is not None
    answers = {t["organization"]: t["answer"] for t in r.json()["targets"]}
    assert answers == {world.mawei.pk: "已召开推进会", world.gulou.pk: "配合完成采购"}


def test_who_may_instruct_and_on_what(world, api):
    office = api(world.users["office_admin"])
    r = office.post(
        URL,
        {"organization_id": world.gulou.pk, "text": "请鼓楼区报送劳务协作情况", "leader_name": "张副省长"},
    )
    assert r.status_code == 201 and r.json()["leader_name"] == "张副省长"
    assert [t["organization"] for t in r.json()["targets"]] == [world.gulou.pk]
    r = office.post(URL, {"report_id": world.report_b.pk, "text": "数据需核实"})
    assert r.status_code == 201 and [t["organization"] for t in r.json()["targets"]] == [world.gulou.pk]
    assert (
        api(world.users["reporter_a"]).post(URL, {"task_id": world.task_a.pk, "text": "x"}).status_code == 403
    )
    assert api(world.users["auditor"]).post(URL, {"task_id": world.task_a.pk, "text": "x"}).status_code == 403
    assert (
        office.post(
            URL, {"task_id": world.task_a.pk, "organization_id": world.mawei.pk, "text": "x"}
        ).status_code
        == 422
    )
    # 马尾区 sees none of 鼓楼区's.
    assert api(world.users["reporter_a"]).get(URL).json()["items"] == []


def test_pages_leader_instructs_unit_reads_and_answers(world, browser_client):
    leader, unit = browser_client(world.users["leader"]), browser_client(world.users["reporter_a"])
    r = leader.post("/supervision/instructions/new/", {"task": world.task_a.pk, "text": "抓紧落地"})
    assert r.status_code == 302
    item = Instruction.objects.get()
    assert "抓紧落地" in leader.get("/supervision/instructions/").content.decode()
    page = unit.get(f"/supervision/instructions/{item.pk}/").content.decode()
    assert "提交反馈" in page
    target = item.targets.get()
    assert target.read_at is not None
    unit.post(f"/supervision/instructions/{item.pk}/", {"answer": "已完成用地审批"})
    item.refresh_from_db()
    assert item.closed_at is not None
    assert "已办结" in leader.get("/supervision/instructions/?state=closed").content.decode()
    assert (
        browser_client(world.users["reporter_b"]).get(f"/supervision/instructions/{item.pk}/").status_code
        == 404
    )
