"""Two people editing the same report, task or transaction: the second save is refused, never a silent overwrite."""

import pytest
from django.urls import reverse

from duikou.core.models import StaleEditError
from duikou.reports import services
from duikou.reports.models import Report

pytestmark = pytest.mark.django_db


def test_second_save_of_the_same_version_is_refused(world):
    reporter, head = world.users["reporter_a"], world.users["head_a"]
    seen = world.report_a.version
    first = Report.objects.get(pk=world.report_a.pk)
    second = Report.objects.get(pk=world.report_a.pk)
    services.save_report(
        report=first,
        user=reporter,
        version=seen,
        summary="甲的内容",
        progress=[{"task": world.task_a.pk, "status": "in_progress", "percent": 30}],
    )
    with pytest.raises(StaleEditError, match="已被他人修改"):
        services.save_report(
            report=second,
            user=head,
            version=seen,
            summary="乙的内容",
            progress=[{"task": world.task_a.pk, "status": "in_progress", "percent": 90}],
        )
    fresh = Report.objects.get(pk=world.report_a.pk)
    assert fresh.summary == "甲的内容"
    assert fresh.task_progress.get().percent == 30  # the refused save wrote nothing


def test_the_page_refuses_a_stale_form_with_a_clear_message(client, world):
    client.force_login(world.users["reporter_a"])
    url = reverse("reports:detail", args=[world.report_a.pk])
    stale = world.report_a.version
    ok = client.post(url, {"version": stale, "summary": "第一次保存"})
    assert ok.status_code == 302
    refused = client.post(url, {"version": stale, "summary": "第二个人的保存"})
    assert refused.status_code == 409
    assert "已被他人修改" in refused.content.decode()
    assert "第二个人的保存" in refused.content.decode()  # what they typed is still on the page
    assert Report.objects.get(pk=world.report_a.pk).summary == "第一次保存"


def test_stale_project_move_and_receipt_are_refused(world):
    from duikou.funds.services import confirm_receipt
    from duikou.projects.services import move_project

    office = world.users["office_admin"]
    seen = world.project.version
    move_project(project=world.project, status="under_way", user=office, version=seen)
    from duikou.projects.models import Project

    with pytest.raises(StaleEditError):
        move_project(
            project=Project.objects.get(pk=world.project.pk), status="cancelled", user=office, version=seen
        )
    seen_txn = world.txn.version
    confirm_receipt(
        transaction_=world.txn,
        user=world.users["recipient_viewer"],
        received_amount="300000",
        received_on=world.txn.date,
        version=seen_txn,
    )
    from duikou.funds.models import Transaction

    with pytest.raises(StaleEditError):
        confirm_receipt(
            transaction_=Transaction.objects.get(pk=world.txn.pk),
            user=office,
            received_amount="1",
            received_on=world.txn.date,
            version=seen_txn,
        )
