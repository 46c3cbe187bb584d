"""Every path that could set a published task's status, progress, deadline or units directly is closed — the API
(tasks and responsibilities), the admin's task form, its units inline and the responsibilities admin — for the
office too: they move through approved reports and approved change requests. A draft plan stays correctable."""

import pytest
from django.urls import reverse

from duikou.plans.models import Plan, Responsibility, Task
from duikou.supervision import services

pytestmark = pytest.mark.django_db
OFFICE = "office_admin"


def _draft(world):
    Plan.objects.filter(pk=world.plan.pk).update(status=Plan.DRAFT)


@pytest.mark.parametrize(
    "body",
    [
        {"status": "completed"},
        {"progress": 50},
        {"completed_on": "2025-06-01"},
        {"due_date": "2026-01-31"},
        {"deadline": "2026年底前"},
    ],
    ids=["status", "progress", "completed_on", "due_date", "deadline"],
)
def test_the_office_api_refuses_a_published_tasks_status_and_terms(world, api, body):
    task = world.task_a
    r = api(world.users[OFFICE]).patch(f"/api/plans/tasks/{task.pk}", body)
    assert r.status_code == 403, r.json()
    assert "变更申请" in r.json()["detail"]
    before = (task.status, task.progress, task.completed_on, task.due_date, task.deadline)
    task.refresh_from_db()
    assert (task.status, task.progress, task.completed_on, task.due_date, task.deadline) == before


def test_the_office_still_edits_a_published_tasks_words_and_a_drafts_status(world, api):
    office = api(world.users[OFFICE])
    r = office.patch(f"/api/plans/tasks/{world.task_a.pk}", {"title": "马尾区产业园建设（一期）"})
    assert r.status_code == 200, r.json()
    # Sending the status it already has is not a change.
    assert office.patch(f"/api/plans/tasks/{world.task_a.pk}", {"status": "not_started"}).status_code == 200
    _draft(world)
    r = office.patch(f"/api/plans/tasks/{world.task_a.pk}", {"progress": 30, "due_date": "2025-08-31"})
    assert r.status_code == 200 and r.json()["progress"] == 30


def test_a_new_task_in_a_published_plan_starts_not_started(world, api):
    office = api(world.users[OFFICE])
    r = office.post(
        "/api/plans/tasks/",
        {"plan_id": world.plan.pk, "title": "新增任务", "order": 50, "status": "completed"},
    )
    assert r.status_code == 403
    assert not Task.objects.filter(title="新增任务").exists()
    r = office.post("/api/plans/tasks/", {"plan_id": world.plan.pk, "title": "新增任务", "order": 50})
    assert r.status_code == 201 and r.json()["status"] == "not_started"


def test_the_api_changes_no_published_tasks_units(world, api):
    office = api(world.users[OFFICE])
    lead = world.task_a.responsibilities.get()
    r = office.post(
        "/api/plans/responsibilities/",
        {
            "task_id": world.task_a.pk,
            "organization_id": world.gulou.pk,
            "role": "support",
            "printed_name": "鼓楼区",
        },
    )
    assert r.status_code == 403, r.json()
    assert (
        office.patch(
            f"/api/plans/responsibilities/{lead.pk}", {"organization_id": world.gulou.pk}
        ).status_code
        == 403
    )
    assert office.client.delete(f"/api/plans/responsibilities/{lead.pk}").status_code == 403
    # A printed-name correction is not a change of units.
    assert (
        office.patch(f"/api/plans/responsibilities/{lead.pk}", {"printed_name": "马尾区人民政府"}).status_code
        == 200
    )
    assert list(world.task_a.responsibilities.values_list("organization_id", "role")) == [
        (world.mawei.pk, "lead")
    ]
    _draft(world)
    r = office.post(
        "/api/plans/responsibilities/",
        {
            "task_id": world.task_a.pk,
            "organization_id": world.gulou.pk,
            "role": "support",
            "printed_name": "鼓楼区",
        },
    )
    assert r.status_code == 201, r.json()


def test_the_admin_task_form_cannot_move_status_or_deadline(world, client):
    client.force_login(world.users[OFFICE])
    task = world.task_a
    url = reverse("admin:plans_task_change", args=[task.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    for name in ("status", "progress", "completed_on", "due_date", "deadline"):
        assert name not in form.fields, name  # shown read-only, never posted
    assert "title" in form.fields
    for inline in page.context["inline_admin_formsets"]:  # the units: at most shown, never editable
        assert not (inline.has_add_permission or inline.has_change_permission or inline.has_delete_permission)
    data = {
        "plan": task.plan_id,
        "number": task.number,
        "path": "[]",
        "title": task.title,
        "order": task.order,
        "extra": "{}",
        "status": "completed",
        "progress": "100",
        "due_date": "2027-01-01",
        "seen_version": task.version,
        "responsibilities-TOTAL_FORMS": "0",
        "responsibilities-INITIAL_FORMS": "0",
        "_save": "1",
    }
    client.post(url, data)
    task.refresh_from_db()
    assert (task.status, task.progress, str(task.due_date)) == ("not_started", 0, "2025-06-30")
    _draft(world)
    form = client.get(url).context["adminform"].form
    assert {"status", "progress", "due_date"} <= set(form.fields)


def test_the_responsibility_admin_refuses_unit_changes_on_published_tasks(world, client):
    client.force_login(world.users[OFFICE])
    lead = world.task_a.responsibilities.get()
    page = client.get(reverse("admin:plans_responsibility_change", args=[lead.pk]))
    assert "part_status" not in page.context["adminform"].form.fields
    r = client.post(
        reverse("admin:plans_responsibility_add"),
        {
            "task": world.task_a.pk,
            "organization": world.gulou.pk,
            "role": "support",
            "printed_name": "鼓楼区",
            "order": 1,
        },
    )
    assert r.status_code == 200 and "变更申请" in r.content.decode()
    assert world.task_a.responsibilities.count() == 1
    assert client.get(reverse("admin:plans_responsibility_delete", args=[lead.pk])).status_code == 403
    r = client.post(
        reverse("admin:plans_responsibility_changelist"),
        {"action": "delete_selected", "_selected_action": [lead.pk], "post": "yes"},
    )
    assert Responsibility.objects.filter(pk=lead.pk).exists()


def test_the_same_change_through_a_request_moves_the_task(world):
    office = world.users[OFFICE]
    import datetime as dt

    item = services.request_change(
        user=office,
        task=world.task_a,
        organization=world.mawei,
        kind="deadline",
        reason="用地延后",
        due_date=dt.date(2025, 9, 30),
    )
    services.approve_change(request=item, user=office)
    world.task_a.refresh_from_db()
    assert world.task_a.due_date == dt.date(2025, 9, 30)
