"""Reminders and the inbox: tasks falling due or overdue and reports not yet in (the daily run), their e-mail
(after the commit, each unit's notices claimed first), and funds disagreements shown to both sides."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core.dates import today_for
from duikou.core.periods import Period
from duikou.funds.services import disagreements, receipt_marker
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Task
from duikou.programs.models import Program

from .models import Reminder, Report

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- reminders


@dataclass
class ReminderRun:
    """What one run of `duikou remind` recorded."""

    due_soon: int = 0
    overdue: int = 0
    report_due: int = 0
    emailed: int = 0

    @property
    def total(self) -> int:
        return self.due_soon + self.overdue + self.report_due


def _record(run: ReminderRun, counter: str, **fields) -> None:
    # Explicit lookup (not only the unique constraint): NULL task or report never collide in SQL.
    lookup = {k: fields[k] for k in ("organization", "kind", "task", "report", "due_date")}
    if not Reminder.objects.filter(**lookup).exists():
        Reminder.objects.create(**fields)
        setattr(run, counter, getattr(run, counter) + 1)


def reporting_units(program: Program):
    """Organizations responsible for a task or given a target share in the program's published plans."""
    return Organization.objects.filter(
        Q(responsibilities__task__plan__program=program, responsibilities__task__plan__status=Plan.PUBLISHED)
        | Q(allocations__target__plan__program=program, allocations__target__plan__status=Plan.PUBLISHED)
    ).distinct()


@transaction.atomic
def run_reminders(*, days: int = 7, today: dt.date | None = None) -> ReminderRun:
    """Record, per unit, the tasks falling due within `days`, overdue tasks and reports not yet in; idempotent."""
    if days < 0:
        raise ValidationError({"days": _("提前天数不能为负数")})
    today = today or today_for()
    run = ReminderRun()
    published = Task.objects.filter(plan__status=Plan.PUBLISHED)
    soon = published.exclude(status=Task.COMPLETED).filter(
        due_date__gte=today, due_date__lte=today + dt.timedelta(days=days)
    )
    late = published.overdue(today)
    for kind, counter, tasks, text in (
        (Reminder.DUE_SOON, "due_soon", soon, _("任务 %(task)s 将于 %(date)s 到期")),
        (Reminder.OVERDUE, "overdue", late, _("任务 %(task)s 已于 %(date)s 逾期")),
    ):
        for task in tasks.prefetch_related("responsibilities__organization"):
            for org in {r.organization for r in task.responsibilities.all()}:
                _record(
                    run,
                    counter,
                    organization=org,
                    kind=kind,
                    task=task,
                    report=None,
                    due_date=task.due_date,
                    message=(text % {"task": task, "date": task.due_date.isoformat()})[:500],
                )

    for program in Program.objects.filter(plans__status=Plan.PUBLISHED).distinct():
        current = Period.containing(today, program.reporting_period)
        units = list(reporting_units(program))
        handed_in = {
            (org_id, str(period))
            for org_id, period in Report.objects.filter(
                program=program,
                status__in=[Report.SUBMITTED, Report.APPROVED],
            ).values_list("organization_id", "period")
        }
        for period, late_report in ((current.previous(), True), (current, False)):
            if not late_report and (period.end - today).days > days:
                continue
            if program.start_year and period.year < program.start_year:
                continue
            for org in units:
                if (org.pk, str(period)) in handed_in:
                    continue
                text = (
                    _("%(period)s 月报已逾期未报送")
                    if late_report
                    else _("%(period)s 月报请于 %(date)s 前报送")
                )
                _record(
                    run,
                    "report_due",
                    organization=org,
                    kind=Reminder.REPORT_DUE,
                    task=None,
                    report=None,
                    due_date=period.end,
                    message=text % {"period": period.label, "date": period.end.isoformat()},
                )
    if getattr(settings, "DUIKOU_EMAIL_ENABLED", False):
        # After the commit only: a rolled-back run sends nothing, and a failure while sending undoes no record.
        def send() -> None:
            run.emailed = email_reminders()

        transaction.on_commit(send)
    return run


def email_reminders() -> int:
    """E-mail each unit's unsent, unread reminders to its users who have an address; returns messages sent.

    Run outside a transaction (after the reminders' commit): each unit's notices are claimed (emailed_at set,
    committed) before its message goes, so a failure part-way re-sends nothing already sent; a message that
    fails gives its notices back to the next run."""
    # Office notices (no unit) are e-mailed to the office by supervision's deliveries, one by one.
    pending = Reminder.objects.filter(
        emailed_at__isnull=True, read_at__isnull=True, organization__isnull=False
    ).select_related("organization")
    by_org: dict[int, list[Reminder]] = {}
    for reminder in pending:
        by_org.setdefault(reminder.organization_id, []).append(reminder)
    sent = 0
    for org_id, notices in by_org.items():
        addresses = list(
            User.objects.filter(organization_id=org_id, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        if not addresses:
            continue
        ids = [n.pk for n in notices]
        claimed_at = timezone.now()
        if not Reminder.objects.filter(pk__in=ids, emailed_at__isnull=True).update(emailed_at=claimed_at):
            continue  # another run sends them
        body = "\n".join(f"· {n.message}" for n in notices)
        try:
            send_mail(
                _("对口支援协作：%(n)d 条提醒") % {"n": len(notices)},
                body,
                settings.DEFAULT_FROM_EMAIL,
                addresses,
            )
        except Exception:  # the mail server refused: these notices wait for the next run, the others go on
            log.exception("reminder e-mail to organization %s failed", org_id)
            Reminder.objects.filter(pk__in=ids, emailed_at=claimed_at).update(emailed_at=None)
            continue
        sent += 1
    return sent


def mark_read(*, reminder: Reminder, user) -> Reminder:
    """Mark one inbox notice read."""
    with transaction.atomic():
        perms.require(user, reminder, perms.CHANGE)
        reminder.read_at = timezone.now()
        reminder.save(update_fields=["read_at"])
    return reminder


# ---------------------------------------------------------------- funds disagreements in the inbox


def note_receipt(*, transaction, agrees: bool) -> None:
    """A receipt was judged (hooks.RECEIPT_JUDGED): a disagreement shows in both sides' inboxes until resolved."""

    marker = receipt_marker(transaction)
    if agrees:
        Reminder.objects.filter(
            kind=Reminder.FUNDS_MISMATCH,
            organization__in=[transaction.payer_id, transaction.payee_id],
            message__startswith=marker,
            read_at__isnull=True,
        ).update(read_at=timezone.now())
        return
    text = marker + _("资金往来 %(txn)s（%(date)s）两方记录不一致：%(what)s") % {
        "txn": transaction,
        "date": transaction.date,
        "what": "；".join(disagreements(transaction)),
    }
    for org in (transaction.payer, transaction.payee):
        Reminder.objects.update_or_create(
            organization=org,
            kind=Reminder.FUNDS_MISMATCH,
            task=None,
            report=None,
            message__startswith=marker,
            defaults={"message": text[:500], "read_at": None, "due_date": transaction.date},
        )
