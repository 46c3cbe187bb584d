"""Every workflow step × every role: who may take it, written out here (not derived from the predicates), and the
services, pages and API refusing exactly where the predicate does."""

import datetime as dt
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


def _draft_task(w):
    from duikou.plans.models import Plan

    Plan.objects.filter(pk=w.plan.pk).update(status=Plan.DRAFT)
    w.task_shared.plan.refresh_from_db()
    return w.task_shared


def _cancelled_task(w):
    from duikou.plans.models import Task

    Task.objects.filter(pk=w.task_b.pk).update(status=Task.CANCELLED)
    w.task_b.refresh_from_db()
    return w.task_b


def _urge_to_mawei(w):
    from duikou.supervision.models import Urge

    return Urge.objects.create(task=w.task_a, organization=w.mawei, message="请加快")


def _notice_to_gulou(w, status="issued"):
    from duikou.supervision.models import SupervisionNotice

    return SupervisionNotice.objects.create(
        year=2025,
        sequence=1,
        task=w.task_b,
        organization=w.gulou,
        cause="red",
        reason="红灯超期",
        status=status,
    )


def _instruction_to_mawei(w):
    from duikou.supervision.models import Instruction, InstructionTarget

    item = Instruction.objects.create(task=w.task_a, text="抓紧推进", leader_name="张三")
    return InstructionTarget.objects.create(instruction=item, organization=w.mawei)


def _request_by_mawei(w, status="pending"):
    from duikou.supervision.models import ChangeRequest

    return ChangeRequest.objects.create(
        task=w.task_a, organization=w.mawei, kind="cancel", reason="项目调整", status=status
    )


def _lock(w):
    from duikou.reports.models import PeriodLock

    from .world import PERIOD

    return PeriodLock.objects.create(program=w.program, period=PERIOD, closes_on=dt.date(2025, 7, 10))


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
    # 马尾区 leads the shared task and 鼓楼区 supports it: neither sets its status directly; once the plan is
    # published nobody does (approved reports and requests move it), the office included.
    ("tasks.set_status", "shared task, published plan", lambda w: w.task_shared, set()),
    ("tasks.set_status", "shared task, draft plan", _draft_task, {OFFICE}),
    ("tasks.change_terms", "shared task, published plan", lambda w: w.task_shared, set()),
    ("tasks.change_terms", "shared task, draft plan", _draft_task, {OFFICE}),
    ("supervision.urge", "马尾区's task", lambda w: w.task_a, {OFFICE}),
    ("supervision.answer", "an urge to 马尾区", _urge_to_mawei, MAWEI_UNIT),
    ("supervision.answer", "a 督办 to 鼓楼区", _notice_to_gulou, {R_B}),
    ("supervision.answer", "an instruction to 马尾区", _instruction_to_mawei, MAWEI_UNIT),
    ("supervision.request_change", "shared task", lambda w: w.task_shared, {OFFICE, *MAWEI_UNIT, R_B}),
    ("supervision.request_change", "马尾区's task", lambda w: w.task_a, {OFFICE, *MAWEI_UNIT}),
    ("supervision.request_change", "a cancelled task", _cancelled_task, set()),
    ("supervision.decide_change", "pending", _request_by_mawei, {OFFICE}),
    ("supervision.decide_change", "approved", lambda w: _request_by_mawei(w, "approved"), set()),
    ("supervision.instruct", "-", lambda w: None, {OFFICE, perms.LEADER}),
    ("supervision.issue_notice", "raised", lambda w: _notice_to_gulou(w, "raised"), {OFFICE}),
    ("supervision.issue_notice", "issued", _notice_to_gulou, set()),
    ("supervision.close_notice", "issued", _notice_to_gulou, {OFFICE}),
    ("supervision.close_notice", "closed", lambda w: _notice_to_gulou(w, "closed"), set()),
    ("supervision.escalate", "-", lambda w: None, {OFFICE}),
    ("supervision.configure", "the program", lambda w: w.program, {OFFICE}),
    ("reports.close_period", "the program", lambda w: w.program, {OFFICE}),
    ("reports.unlock_period", "a lock", _lock, {OFFICE}),
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


@pytest.mark.parametrize(("role", "status_code"), [(OFFICE, 403), (R_A, 403), (R_B, 403), (H_A, 403)])
def test_the_api_sets_no_published_tasks_status(world, role, status_code):
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
