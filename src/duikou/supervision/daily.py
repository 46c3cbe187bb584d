"""The daily run: the reminders of `duikou remind` (due soon, overdue, reports missing), the office's own summary
and 督办 escalation; then whatever deliveries are due. The scheduler started by `duikou serve` runs it once a day."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from duikou.core.dates import today_for
from duikou.plans.models import Plan, Task
from duikou.reports.models import Reminder, Report
from duikou.reports.reminders import run_reminders

from . import delivery, notify
from .models import ChangeRequest, DailyRun
from .notices import escalate


def office_summary(today: dt.date) -> Reminder | None:
    """One notice a day for the office: overdue tasks, reports and requests waiting, units not reported."""
    overdue = (
        Task.objects.filter(plan__status=Plan.PUBLISHED, due_date__lt=today)
        .exclude(status__in=Task.CLOSED)
        .count()
    )
    waiting = Report.objects.filter(status=Report.SUBMITTED).count()
    requests = ChangeRequest.objects.filter(status=ChangeRequest.PENDING).count()
    missing = Reminder.objects.filter(
        kind=Reminder.REPORT_DUE, read_at__isnull=True, due_date__lt=today
    ).count()
    if not (overdue or waiting or requests or missing):
        return None
    text = _("今日督办：逾期任务 %(o)d 项，待审核月报 %(w)d 份，待审批申请 %(r)d 项，逾期未报 %(m)d 起") % {
        "o": overdue,
        "w": waiting,
        "r": requests,
        "m": missing,
    }
    return notify.tell_office(
        kind=Reminder.OVERDUE if overdue else Reminder.AWAITING_APPROVAL,
        text=text,
        key=f"daily:{today.isoformat()}",
        link="/",
    )


def run_daily(*, today: dt.date | None = None, days: int = 7) -> dict:
    """Everything the day needs, idempotent: running it twice records and sends nothing twice."""
    today = today or today_for()
    with transaction.atomic():
        run = run_reminders(days=days, today=today)
        office_summary(today)
        escalated = _escalate(today)
    sent = delivery.send_pending()
    return {
        "due_soon": run.due_soon,
        "overdue": run.overdue,
        "report_due": run.report_due,
        "emailed": run.emailed,
        "escalated": escalated,
        **sent,
    }


def _escalate(today: dt.date) -> int:
    """督办 escalation: raise or harden notices (supervision.notices)."""
    return escalate(today=today)


def claim_day(today: dt.date) -> DailyRun | None:
    """The day's run for this process, or None when another process (or an earlier tick) has it."""
    try:
        with transaction.atomic():
            return DailyRun.objects.create(day=today)
    except IntegrityError:
        return None
