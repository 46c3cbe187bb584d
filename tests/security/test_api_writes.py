"""Holes 2 and 3: API writes a unit must not make (a task it only supports completed, rows named that it cannot
see, an approved project's budget changed)."""

import datetime as dt
import json

import pytest

from duikou.core import permissions as perms


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_a_supporting_unit_cannot_complete_a_task(world, api_as):
    task = world.task_shared  # 马尾区 leads, 鼓楼区 supports
    for role in ("reporter_b", "reporter_a", "head_a"):
        response = _patch(
            api_as(world.users[role]), f"/api/plans/tasks/{task.pk}", {"status": "completed", "progress": 100}
        )
        assert response.status_code == 403, (role, response.content)
    task.refresh_from_db()
    assert task.status != "completed" and task.progress != 100
    # Nor the office, once the plan is published: status and progress follow approved reports and requests.
    office = _patch(api_as(world.users[perms.OFFICE_ADMIN]), f"/api/plans/tasks/{task.pk}", {"progress": 60})
    assert office.status_code == 403 and "变更申请" in office.json()["detail"]


def test_the_rule_has_one_owner():
    from duikou.plans.services import TASK_STATUS_FIELDS, may_set_task_status

    assert {"status", "progress"} <= TASK_STATUS_FIELDS
    assert may_set_task_status(None) is False


@pytest.fixture
def foreign(world):
    """A second program, with a plan and a target, that 马尾区 has nothing to do with."""
    from duikou.organizations.models import Organization
    from duikou.plans.models import Plan
    from duikou.programs.models import Program
    from duikou.targets.models import Target

    program = Program.objects.create(name="广东—广西协作（测试）")
    program.donors.add(Organization.objects.get(full_name="广东省"))
    program.recipients.add(Organization.objects.get(full_name="广西壮族自治区"))
    plan = Plan.objects.create(
        program=program,
        title="别处的方案",
        status=Plan.PUBLISHED,
        source_sha256="1" * 64,
        source_content=b"y",
    )
    target = Target.objects.create(plan=plan, indicator="选派干部", value=5, unit=Target.PERSON, order=1)
    return program, plan, target


@pytest.mark.django_db
def test_a_unit_cannot_name_a_program_or_target_it_cannot_see(world, foreign, api_as):
    from duikou.dispatches.models import Dispatch

    program, _plan, target = foreign
    client = api_as(world.users["reporter_a"])
    assert client.get(f"/api/programs/{program.pk}").status_code == 404
    assert client.get(f"/api/targets/{target.pk}").status_code == 404
    base = {
        "person_name": "张三",
        "from_organization_id": world.mawei.pk,
        "to_organization_id": world.wanzhou.pk,
        "start_date": "2025-03-01",
        "program_id": world.program.pk,
    }
    assert _post(client, "/api/dispatches/", base).status_code == 201  # its own program is fine
    for bad in ({"program_id": program.pk}, {"target_id": target.pk}):
        response = _post(client, "/api/dispatches/", {**base, **bad, "person_name": "李四"})
        assert response.status_code == 422, response.content
        assert set(response.json()["errors"]) & {"program_id", "target_id"}
    assert not Dispatch.objects.filter(person_name="李四").exists()
    # Nor by changing an existing row to point there.
    own = Dispatch.objects.get(person_name="张三")
    assert _patch(client, f"/api/dispatches/{own.pk}", {"program_id": program.pk}).status_code == 422
    own.refresh_from_db()
    assert own.program_id == world.program.pk


@pytest.mark.django_db
def test_a_unit_cannot_change_an_approved_projects_budget(world, api_as):
    project = world.project  # approved, implemented by 马尾区
    before = project.budget
    client = api_as(world.users["reporter_a"])
    response = _patch(client, f"/api/projects/{project.pk}", {"budget": "99999999"})
    assert response.status_code == 403 and "budget" in response.json()["detail"]
    project.refresh_from_db()
    assert project.budget == before
    assert _patch(client, f"/api/projects/{project.pk}", {"place": "万州区龙都街道"}).status_code == 200
    office = _patch(
        api_as(world.users[perms.OFFICE_ADMIN]), f"/api/projects/{project.pk}", {"budget": "500000"}
    )
    assert office.status_code == 200
    project.refresh_from_db()
    assert project.budget == 500000 and project.place == "万州区龙都街道"
    _ = dt
