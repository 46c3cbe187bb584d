"""Every inbox notice (the daily run's, a returned report's, supervision's own) is queued for e-mail and group
robots in the same transaction and sent once it commits; a report waiting for someone tells them at once."""

from django.db import transaction
from django.db.models.signals import post_save

from duikou.reports.models import Reminder, Report, ReportEvent

from . import delivery, notify


def _reminder_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return

    # A notice with no address and no robot (most) has nothing to send after the commit: no look for it then.
    if delivery.queue(instance):
        reminder_id = instance.pk
        transaction.on_commit(lambda: delivery.send_pending(reminder_ids=[reminder_id]))


def _report_moved(sender, instance, created, raw=False, **kwargs):
    """A report submitted to the office, or to the unit's head, is a notice for them (awaiting approval)."""
    if raw or not created:
        return

    report = instance.report
    if instance.to_status == Report.SUBMITTED:
        notify.tell_office(
            kind=notify.AWAITING_APPROVAL,
            report=report,
            link=f"/reports/{report.pk}/",
            text=f"{report.organization} {report.period.label} 月报已报送，待对口办审核",
            key=f"awaiting:report:{instance.pk}",
            new=True,  # keyed by this workflow step, created just now
        )
    elif instance.to_status == Report.PENDING_HEAD:
        notify.tell(
            kind=notify.AWAITING_APPROVAL,
            organization=report.organization,
            report=report,
            link=f"/reports/{report.pk}/",
            text=f"{report.period.label} 月报已提交，待单位负责人审核后报送",
            key=f"awaiting-head:report:{instance.pk}",
            new=True,
        )


def connect():

    post_save.connect(_reminder_saved, sender=Reminder, dispatch_uid="supervision-reminder-delivery")
    post_save.connect(_report_moved, sender=ReportEvent, dispatch_uid="supervision-report-awaiting")
