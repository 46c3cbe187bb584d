"""Every workflow step × every role: who may take it, written out here (not derived from the predicates), and the
services, pages and API refusing exactly where the predicate does."""

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.api_auth import issue_token
from duikou.projects.models import Project
from duikou.projects.rules import ProjectMove
from duikou.reports.models import Report

from .world import ROLES

pytestmark = pytest.mark.django_db

OFFICE, R_A, H_A, R_B, RECIPIENT = (
    perms.OFFICE_ADMIN,
    "reporter_a",
    "head_a",
    "reporter_b",
    perms.RECIPIENT_VIEWER,
)
MAWEI_UNIT = {R_A, H_A}


def _pending_head(w):
    w.report_a.status = Report.PENDING_HEAD
    w.report_a.save()
    return w.report_a


def _completed_project(w):
    Project.objects.filter(pk=w.project.pk).update(status=Project.COMPLETED)
    w.project.refresh_from_db()
    return ProjectMove(w.project, Project.IN_USE)


def _candidate_project(w):
    Project.objects.filter(pk=w.project.pk).update(status=Project.CANDIDATE)
    w.project.refresh_from_db()
    return w.project


# (step, a description of the object, the object from the world, the roles that may take the step on it)
CASES = [
    ("reports.start", "马尾区", lambda w: w.mawei, {OFFICE, *MAWEI_UNIT}),
    ("reports.start", "鼓楼区", lambda w: w.gulou, {OFFICE, R_B}),
    ("reports.edit", "马尾区 draft", lambda w: w.report_a, {OFFICE, *MAWEI_UNIT}),
    ("reports.edit", "马尾区 awaiting its head", _pending_head, {OFFICE, H_A}),
    ("reports.edit", "鼓楼区 submitted", lambda w: w.report_b, {OFFICE}),
    ("reports.submit", "马尾区 draft", lambda w: w.report_a, {OFFICE, *MAWEI_UNIT}),
    ("reports.submit", "马尾区 awaiting its head", _pending_head, {OFFICE, H_A}),
    ("reports.submit", "鼓楼区 submitted", lambda w: w.report_b, set()),
    ("reports.approve", "鼓楼区 submitted", lambda w: w.report_b, {OFFICE}),
    ("reports.approve", "马尾区 draft", lambda w: w.report_a, set()),
    ("reports.return", "鼓楼区 submitted", lambda w: w.report_b, {OFFICE}),
    ("reports.return", "马尾区 awaiting its head", _pending_head, {H_A}),
    ("reports.return", "马尾区 draft", lambda w: w.report_a, set()),
    ("funds.record", "paid by 马尾区", lambda w: w.mawei, {OFFICE, *MAWEI_UNIT}),
    ("funds.record", "paid by 鼓楼区", lambda w: w.gulou, {OFFICE, R_B}),
    ("funds.confirm_receipt", "马尾区 → 万州区", lambda w: w.txn, {OFFICE, RECIPIENT}),
    ("funds.correct", "马尾区 → 万州区", lambda w: w.txn, {OFFICE, *MAWEI_UNIT}),
    (
        "projects.move",
        "approved → under way",
        lambda w: ProjectMove(w.project, Project.UNDER_WAY),
        {OFFICE, *MAWEI_UNIT},
    ),
    ("projects.move", "approved → cancelled", lambda w: ProjectMove(w.project, Project.CANCELLED), {OFFICE}),
    (
        "projects.move",
        "approved → in use (skips steps)",
        lambda w: ProjectMove(w.project, Project.IN_USE),
        set(),
    ),
    ("projects.move", "completed → in use", _completed_project, {OFFICE, RECIPIENT}),
    ("projects.edit_settled", "approved", lambda w: w.project, {OFFICE}),
    ("projects.edit_settled", "candidate", _candidate_project, {OFFICE, *MAWEI_UNIT, R_B, RECIPIENT}),
    ("projects.propose", "-", lambda w: None, {OFFICE, *MAWEI_UNIT, R_B, RECIPIENT}),
    ("plans.import", "-", lambda w: None, {OFFICE}),
    ("plans.publish", "the plan", lambda w: w.plan, {OFFICE}),
    ("plans.edit_task", "shared task", lambda w: w.task_shared, {OFFICE}),
    ("plans.apply_task_table", "-", lambda w: None, {OFFICE}),
    # 马尾区 leads the shared task and 鼓楼区 supports it: neither sets its status directly.
    ("tasks.set_status", "shared task", lambda w: w.task_shared, {OFFICE}),
    ("assessments.edit_rule", "-", lambda w: None, {OFFICE}),
    ("assessments.compute", "-", lambda w: None, {OFFICE}),
    ("assessments.bulletin", "-", lambda w: None, {OFFICE, perms.AUDITOR, perms.LEADER}),
    ("changes.search", "-", lambda w: None, {OFFICE, perms.AUDITOR}),
    ("accounts.provision", "-", lambda w: None, {OFFICE}),
]


def _user(w, role):
    return AnonymousUser() if role == "anonymous" else w.users[role]


def test_every_step_is_enumerated():
    assert {name for name, *_ in CASES} == set(workflow.STEPS)


@pytest.mark.parametrize(("name", "what", "make", "allowed"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_step_by_role(world, name, what, make, allowed):
    obj = make(world)
    got = {role for role in ROLES if workflow.can(_user(world, role), name, obj)}
    assert got == allowed, f"{name} on {what}"


@pytest.mark.parametrize("role", ROLES)
def test_report_services_refuse_where_the_predicates_do(world, role):
    from duikou.reports import services

    user = _user(world, role)
    for name, report, call in (
        ("reports.approve", world.report_b, lambda r: services.approve_report(report=r, user=user)),
        ("reports.submit", world.report_a, lambda r: services.submit_report(report=r, user=user)),
        (
            "reports.return",
            world.report_b,
            lambda r: services.return_report(report=r, user=user, reason="补充佐证"),
        ),
    ):
        report.refresh_from_db()
        allowed = workflow.can(user, name, report)
        if allowed:
            call(report)
        else:
            with pytest.raises((PermissionDenied, ValidationError)):
                call(report)


@pytest.mark.parametrize("role", [OFFICE, *sorted(MAWEI_UNIT), R_B, RECIPIENT, perms.AUDITOR])
def test_receipts_page_offers_confirm_exactly_to_those_the_service_accepts(world, role, client):
    from duikou.funds import services

    user = world.users[role]
    client.force_login(user)
    rows = client.get(reverse("funds_workflow:list")).context["rows"]
    offered = {r["t"].pk for r in rows if r["can_confirm"]}
    txn = world.txn
    try:
        services.confirm_receipt(
            transaction_=txn, user=user, received_amount=txn.amount, received_on=txn.date
        )
        accepted = {txn.pk}
    except PermissionDenied:
        accepted = set()
    assert offered & {txn.pk} == accepted


@pytest.mark.parametrize(("role", "status_code"), [(OFFICE, 200), (R_A, 403), (R_B, 403), (H_A, 403)])
def test_the_api_sets_a_tasks_status_only_for_the_office(world, role, status_code):
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {issue_token(user=world.users[role], scope='write')}"})
    task = world.task_shared
    r = client.patch(
        f"/api/plans/tasks/{task.pk}",
        json.dumps({"status": "completed", "progress": 100}),
        content_type="application/json",
    )
    assert r.status_code == status_code, r.content
    task.refresh_from_db()
    assert (task.status == "completed") is (status_code == 200)
