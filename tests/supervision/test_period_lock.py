"""Period lock: on the closing date the office sets, a period's reports and figures lock for everyone; the office
unlocks with a reason (logged); a published assessment is frozen with the figures it used."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.assessments.models import AssessmentRule
from duikou.assessments.services import compute_assessment, publish_assessment
from duikou.core.models import ChangeLog
from duikou.reports import services as reports
from duikou.reports.models import PeriodLock

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def test_a_closed_period_refuses_every_change_until_unlocked_with_a_reason(world, browser_client):
    office, reporter = world.users["office_admin"], world.users["reporter_a"]
    with pytest.raises(PermissionDenied):
        reports.close_period(program=world.program, period="2025-06", closes_on=TODAY, user=reporter)
    lock = reports.close_period(program=world.program, period="2025-06", closes_on=TODAY, user=office)
    report = world.report_a
    with pytest.raises(PermissionDenied, match="已于"):
        reports.save_report(report=report, user=reporter, version=report.version, summary="改")
    with pytest.raises(PermissionDenied):
        reports.submit_report(report=report, user=reporter)
    # The office is held too: world.report_b is submitted, but cannot be approved or returned.
    with pytest.raises(PermissionDenied):
        reports.approve_report(report=world.report_b, user=office)
    with pytest.raises(PermissionDenied):
        reports.return_report(report=world.report_b, user=office, reason="补充")
    page = browser_client(reporter).get(f"/reports/{report.pk}/").content.decode()
    assert "period-locked" in page and 'id="save-report"' not in page
    r = browser_client(reporter).post(f"/reports/{report.pk}/", {"version": report.version, "summary": "改"})
    assert r.status_code == 403
    report.refresh_from_db()
    assert report.summary == ""
    with pytest.raises(ValidationError):
        reports.unlock_period(lock=lock, user=office, reason=" ")
    with pytest.raises(PermissionDenied):
        reports.unlock_period(lock=lock, user=reporter, reason="要改")
    r = browser_client(office).post("/supervision/periods/", {"unlock": lock.pk, "reason": "马尾区补报佐证"})
    assert r.status_code == 302
    lock.refresh_from_db()
    assert lock.unlocked_by == office and lock.unlock_reason == "马尾区补报佐证"
    assert ChangeLog.objects.filter(
        content_type__model="periodlock", object_id=str(lock.pk), user=office
    ).exists()
    reports.save_report(report=report, user=reporter, version=report.version, summary="补报")
    # Locked again with a new date: refused again.
    reports.close_period(program=world.program, period="2025-06", closes_on=TODAY, user=office)
    report.refresh_from_db()
    with pytest.raises(PermissionDenied):
        reports.save_report(report=report, user=reporter, version=report.version, summary="再改")


def test_a_future_closing_date_does_not_lock_yet(world):
    reports.close_period(
        program=world.program,
        period="2025-06",
        closes_on=TODAY + dt.timedelta(days=3),
        user=world.users["office_admin"],
    )
    report = world.report_a
    reports.save_report(
        report=report, user=world.users["reporter_a"], version=report.version, summary="本月进展"
    )
    assert PeriodLock.objects.get().locked_on(TODAY) is False


def test_a_published_assessment_is_frozen_and_locks_its_year(world):
    office = world.users["office_admin"]
    rule = AssessmentRule.objects.create(program=world.program, year=2025)
    with pytest.raises(ValidationError):
        publish_assessment(rule=rule, user=office)  # nothing computed yet
    results = compute_assessment(rule=rule, user=office)
    scores = {a.organization_id: (a.score, a.breakdown) for a in results}
    publish_assessment(rule=rule, user=office)
    with pytest.raises(ValidationError, match="冻结"):
        compute_assessment(rule=rule, user=office)
    # Every period of 2025 is locked: the figures under the results cannot move.
    assert PeriodLock.objects.filter(program=world.program).count() == 12
    with pytest.raises(PermissionDenied):
        reports.save_report(
            report=world.report_a,
            user=world.users["reporter_a"],
            version=world.report_a.version,
            figures=[{"allocation": world.alloc_a.pk, "value": Decimal(100)}],
        )
    assert {a.organization_id: (a.score, a.breakdown) for a in rule.assessments.all()} == scores
