"""Hole 17: moving an organization moves its whole branch for the gate, in one transaction, and loops are refused."""

import json

import pytest

from duikou.core import permissions as perms


@pytest.fixture
def branch(world, org, make_user):
    """马尾区 (in 福州市) with a bureau under it and a section under that; the section leads a task."""
    from duikou.organizations.models import Organization
    from duikou.plans.models import Responsibility, Task

    bureau = Organization.objects.create(
        name="马尾区科技局", parent=world.mawei, kind=Organization.DEPARTMENT
    )
    section = Organization.objects.create(name="成果转化科", parent=bureau, kind=Organization.DEPARTMENT)
    task = Task.objects.create(plan=world.plan, order=9, number="9", title="科技成果转化")
    Responsibility.objects.create(
        task=task, organization=section, role="lead", printed_name="成果转化科", order=0
    )
    fuzhou = make_user("fuzhou_head", perms.UNIT_HEAD, org("福建省福州市"))
    ningde = make_user("ningde_head", perms.UNIT_HEAD, org("福建省宁德市"))
    return bureau, section, task, fuzhou, ningde


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


@pytest.mark.django_db
def test_moving_a_unit_moves_its_branch_for_the_gate(client, world, org, branch):
    from duikou.plans.models import Task

    bureau, section, task, fuzhou, ningde = branch
    assert Task.objects.restrict(fuzhou).filter(pk=task.pk).exists()
    assert not Task.objects.restrict(ningde).filter(pk=task.pk).exists()

    client.force_login(world.users[perms.OFFICE_ADMIN])
    response = _patch(client, f"/api/organizations/{world.mawei.pk}", {"parent_id": org("福建省宁德市").pk})
    assert response.status_code == 200, response.content

    for unit in (world.mawei, bureau, section):
        unit.refresh_from_db()
    assert section.tree_path.startswith(bureau.tree_path) and bureau.tree_path.startswith(
        world.mawei.tree_path
    )
    assert world.mawei.tree_path.startswith(org("福建省宁德市").tree_path)
    # The old parent's users no longer see the branch; the new parent's do (and over the API too).
    assert not Task.objects.restrict(fuzhou).filter(pk=task.pk).exists()
    assert Task.objects.restrict(ningde).filter(pk=task.pk).exists()
    client.force_login(fuzhou)
    assert client.get(f"/api/plans/tasks/{task.pk}").status_code == 404
    assert client.get(f"/api/organizations/{section.pk}").status_code == 404
    client.force_login(ningde)
    assert client.get(f"/api/plans/tasks/{task.pk}").status_code == 200
    assert client.get(f"/api/organizations/{section.pk}").status_code == 200


@pytest.mark.django_db
def test_a_move_that_makes_a_loop_is_refused(client, world, branch):
    bureau, section, _task, _fuzhou, _ningde = branch
    before = {o.pk: o.tree_path for o in (world.mawei, bureau, section)}
    client.force_login(world.users[perms.OFFICE_ADMIN])
    for parent in (section, bureau, world.mawei):
        response = _patch(client, f"/api/organizations/{world.mawei.pk}", {"parent_id": parent.pk})
        assert response.status_code == 422, (parent, response.content)
        assert "下级" in json.dumps(response.json(), ensure_ascii=False)
    for unit in (world.mawei, bureau, section):
        unit.refresh_from_db()
        assert unit.tree_path == before[unit.pk]
    assert world.mawei.parent.name == "福州市"


@pytest.mark.django_db
def test_a_loop_is_refused_below_the_forms_too(world, branch):
    from django.core.exceptions import ValidationError

    _bureau, section, _task, _fuzhou, _ningde = branch
    world.mawei.parent = section
    with pytest.raises(ValidationError):
        world.mawei.save()
