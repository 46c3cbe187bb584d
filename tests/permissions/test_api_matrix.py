"""The REST API as every role: each list shows exactly what the gate lets that role see, hidden rows are 404,
and read-only roles change nothing through any PATCH, DELETE or workflow action.

The operations come from the served OpenAPI document, so an endpoint added later is tried here too (and
fails the coverage test until its model is named below).
"""

import json

import pytest
from django.apps import apps

from duikou.core import permissions as perms
from permissions.world import ALL_ROLES

# operationId prefix → model label; every `<name>_list` operation of the API must be here.
MODELS = {
    "organization": "organizations.Organization",
    "program": "programs.Program",
    "pairing": "programs.Pairing",
    "plan": "plans.Plan",
    "section": "plans.Section",
    "task": "plans.Task",
    "responsibility": "plans.Responsibility",
    "target": "targets.Target",
    "allocation": "targets.Allocation",
    "funding_line": "funds.FundingLine",
    "transaction": "funds.Transaction",
    "project": "projects.Project",
    "dispatch": "dispatches.Dispatch",
    "report": "reports.Report",
    "assessment": "assessments.Assessment",
    "assessment_rule": "assessments.AssessmentRule",
    "urge": "supervision.Urge",
    "change_request": "supervision.ChangeRequest",
    "instruction": "supervision.Instruction",
    "notice": "supervision.SupervisionNotice",
}
READ_ONLY = (perms.AUDITOR, perms.LEADER, perms.RECIPIENT_VIEWER, perms.AUDIT_ADMIN)


def _operations():
    from duikou.api import api

    for path, ops in api.get_openapi_schema()["paths"].items():
        for method, op in ops.items():
            yield method, path, op["operationId"]


LISTS = sorted((op.removesuffix("_list"), path) for method, path, op in _operations() if op.endswith("_list"))
WRITES = sorted(
    (method, path, op)
    for method, path, op in _operations()
    if "{id}" in path and method in ("patch", "delete", "post")
)


def _client(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])
    return client


def test_every_list_endpoint_is_in_the_matrix():
    assert {name for name, _ in LISTS} <= set(MODELS), "name the model of every new API list here"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize(("name", "path"), LISTS, ids=[n for n, _ in LISTS])
def test_list_shows_exactly_what_the_gate_allows(client, world, role, name, path):
    response = _client(client, world, role).get(f"{path}?limit=1000")
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    model = apps.get_model(MODELS[name])
    allowed = model.objects.restrict(world.users[role], perms.VIEW)
    assert body["count"] == allowed.count(), f"{name} as {role}"
    shown = {item["id"] for item in body["items"]}
    assert shown <= set(allowed.values_list("pk", flat=True))
    if body["count"] <= 1000:
        assert len(shown) == body["count"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "anonymous"])
def test_rows_a_role_may_not_see_are_404_by_id(client, world, role):
    """The unit pages' rule holds in the API: another unit's report, task or allocation is not there."""
    api = _client(client, world, role)
    user = world.users[role]
    from duikou.plans.models import Task
    from duikou.reports.models import Report
    from duikou.targets.models import Allocation

    for model, path, objects in (
        (Report, "/api/reports/", [world.report_a, world.report_b]),
        (Task, "/api/plans/tasks/", [world.task_a, world.task_b, world.task_shared]),
        (Allocation, "/api/targets/allocations/", [world.alloc_a, world.alloc_b]),
    ):
        visible = set(model.objects.restrict(user, perms.VIEW).values_list("pk", flat=True))
        for obj in objects:
            expected = 200 if obj.pk in visible else 404
            assert api.get(f"{path}{obj.pk}").status_code == expected, f"{model.__name__} {obj.pk} as {role}"
    if role in ("reporter_a", "head_a"):
        assert world.report_b.pk not in set(
            Report.objects.restrict(user, perms.VIEW).values_list("pk", flat=True)
        )


READS = sorted(
    (op.removesuffix("_read"), path)
    for method, path, op in _operations()
    if method == "get" and op.endswith("_read")
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r != "anonymous"])
def test_every_read_route_answers_only_for_rows_the_gate_allows(client, world, role):
    """Derived from the OpenAPI document: every `<name>_read` route, for each of the world's rows of its model."""
    api = _client(client, world, role)
    user = world.users[role]
    for name, path in READS:
        model = apps.get_model(MODELS[name])
        rows = model.objects.order_by("pk")
        if model._meta.label == "organizations.Organization":
            rows = rows.filter(pk__in=[world.mawei.pk, world.gulou.pk, world.wanzhou.pk])
        visible = set(model.objects.restrict(user, perms.VIEW).values_list("pk", flat=True))
        for pk in rows.values_list("pk", flat=True)[:8]:
            status = api.get(path.replace("{id}", str(pk))).status_code
            assert status == (200 if pk in visible else 404), f"GET {path} {pk} as {role}: {status}"


def _world_object_ids(world) -> dict[str, int]:
    return {
        "organization": world.mawei.pk,
        "program": world.program.pk,
        "plan": world.plan.pk,
        "task": world.task_a.pk,
        "target": world.target.pk,
        "allocation": world.alloc_a.pk,
        "funding_line": world.line.pk,
        "transaction": world.txn.pk,
        "project": world.project.pk,
        "report": world.report_b.pk,
    }


def _snapshot():
    from duikou.core.models import ChangeLog

    counts = {label: apps.get_model(label).objects.count() for label in MODELS.values()}
    return counts, ChangeLog.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("role", READ_ONLY)
def test_read_only_roles_change_nothing_through_the_api(client, world, role):
    api = _client(client, world, role)
    ids = _world_object_ids(world)
    before = _snapshot()
    tried = 0
    for method, path, op in WRITES:
        name = next((n for n in sorted(ids, key=len, reverse=True) if op.startswith(n + "_")), None)
        if name is None:
            continue
        url = path.replace("{id}", str(ids[name]))
        body = json.dumps({"version": 1} if method != "post" else {"reason": "测试"})
        response = getattr(api, method)(url, body, content_type="application/json")
        tried += 1
        # PATCH {"version": 1} and DELETE are valid requests, so only the gate can refuse them; an action's body may be a 422.
        refusals = (403, 404) if method != "post" else (403, 404, 422)
        assert response.status_code in refusals, f"{method.upper()} {url} as {role}: {response.status_code}"
    assert tried >= 20
    assert _snapshot() == before, f"{role} changed something through the API"
