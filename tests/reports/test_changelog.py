"""The change log: written by construction for every workflow step, viewable per object, searchable by the
auditor, and not editable through the application."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from duikou.core.actor import acting_as
from duikou.core.models import ChangeLog
from duikou.reports import services
from duikou.reports.models import Report

pytestmark = pytest.mark.django_db


def test_workflow_steps_are_logged_with_the_actor(world):
    reporter = world.users["reporter_a"]
    with acting_as(reporter, source="web"):
        services.save_report(
            report=world.report_a, user=reporter, version=world.report_a.version, summary="新内容"
        )
        services.submit_report(report=world.report_a, user=reporter)
    entries = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Report),
        object_id=str(world.report_a.pk),
        action="update",
    )
    assert {e.user_id for e in entries} == {reporter.pk}
    changed = [set(e.changed_fields) for e in entries]
    assert any("summary" in c for c in changed) and any("status" in c for c in changed)


def test_object_history_page_shows_before_and_after(client, world):
    reporter = world.users["reporter_a"]
    with acting_as(reporter, source="web"):
        services.save_report(
            report=world.report_a, user=reporter, version=world.report_a.version, summary="第一版"
        )
    client.force_login(reporter)
    page = client.get(
        reverse("changes:object", args=["reports", "report", world.report_a.pk])
    ).content.decode()
    assert "工作情况" in page and "第一版" in page and "mawei_reporter" in page


def test_auditor_searches_by_person_and_text(client, world):
    reporter = world.users["reporter_a"]
    with acting_as(reporter, source="web"):
        services.save_report(
            report=world.report_a, user=reporter, version=world.report_a.version, summary="x"
        )
    client.force_login(world.users["auditor"])
    url = reverse("changes:search")
    by_user = client.get(url, {"user": "mawei_reporter"}).content.decode()
    assert "马尾区" in by_user and "共 1 条" in by_user
    by_text = client.get(url, {"q": "万州区移民小区"}).content.decode()
    assert "万州区移民小区改造" in by_text
    assert "共 0 条" in client.get(url, {"user": "nobody"}).content.decode()


def test_log_cannot_be_changed_through_the_application(client, world):
    entry = ChangeLog.objects.first()
    client.force_login(world.users["office_admin"])
    assert client.get(reverse("admin:core_changelog_change", args=[entry.pk])).status_code == 200  # view only
    response = client.post(reverse("admin:core_changelog_change", args=[entry.pk]), {"object_repr": "篡改"})
    assert response.status_code == 403
    assert (
        client.post(reverse("admin:core_changelog_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    entry.refresh_from_db()
    assert entry.object_repr != "篡改"
    with pytest.raises(Exception, match="不可修改"):
        entry.object_repr = "篡改"
        entry.save()
