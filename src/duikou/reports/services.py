"""Report workflow (start, fill, evidence, submit, approve, return), approved figures, and reminders.

Every function is keyword-only, runs in one transaction and checks permission through the one gate,
so pages, the API, the CLI and load tests all get the same rules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.crypto import commercial_crypto, sm4_encrypt
from duikou.core.dates import today_for
from duikou.core.periods import Period
from duikou.funds.services import disagreements, receipt_marker
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Task
from duikou.programs.models import Program
from duikou.targets.models import Allocation

from .achieved import (  # noqa: F401  the one definition of achieved, re-exported for the workflow's callers
    achieved_by_allocation,
    achieved_by_target,
    latest_approved_figures,
    period_end_month,
    period_start_month,
)
from .models import Evidence, PeriodLock, Reminder, Report, ReportEvent, TargetFigure, TaskProgress
from .rules import HEAD_EDITABLE, UNIT_EDITABLE

log = logging.getLogger(__name__)

# What a unit may attach as evidence: the sniffed type, and the file-name extensions that go with it.
EVIDENCE_TYPES = {
    "application/pdf": (".pdf",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
# The part inside a zip container that makes it a Word or Excel file (filetype only peeks at the head).
OFFICE_MARKERS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "word/document.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xl/workbook.xml",
}
EVIDENCE_MAX_BYTES = getattr(settings, "DUIKOU_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)

UNIT_EDITABLE, HEAD_EDITABLE = set(UNIT_EDITABLE), set(HEAD_EDITABLE)


# ---------------------------------------------------------------- reading a report's scope


def _subtree(organization: Organization) -> Q:
    return Q(tree_path__startswith=organization.tree_path)


def unit_tasks(report: Report):
    """The tasks of the report's program (published plans) for which the reporting unit is responsible."""
    orgs = Organization.objects.filter(_subtree(report.organization)).values("pk")
    return (
        Task.objects.filter(
            plan__program_id=report.program_id,
            plan__status=Plan.PUBLISHED,
            responsibilities__organization__in=orgs,
        )
        .distinct()
        .select_related("plan")
        .order_by("plan_id", "order")
    )


def unit_allocations(report: Report):
    """The shares of targets of the report's program allocated to the reporting unit."""
    orgs = Organization.objects.filter(_subtree(report.organization)).values("pk")
    return (
        Allocation.objects.filter(
            target__plan__program_id=report.program_id,
            target__plan__status=Plan.PUBLISHED,
            organization__in=orgs,
        )
        .select_related("target")
        .order_by("target__plan_id", "target__order", "order")
    )


def editable_by(report: Report, user) -> bool:
    """Whether `user` may still change the content of this report (its period's lock, then the step `reports.edit`)."""
    if period_lock(report.program_id, report.period) is not None:
        return False
    return workflow.can(user, "reports.edit", report)


def period_lock(program_id: int, period) -> PeriodLock | None:
    """The lock in force on this program's period today, if any (the one rule every report write checks)."""
    lock = PeriodLock.objects.filter(program_id=program_id, period=str(period)).first()
    return lock if lock is not None and lock.locked_on(today_for(lock.program)) else None


def require_unlocked(report: Report) -> None:
    """Refuse any change to a report (content, evidence, workflow) of a locked period, the office's included."""
    lock = period_lock(report.program_id, report.period)
    if lock is not None:
        raise PermissionDenied(
            _(
                "报告期 %(period)s 已于 %(date)s 锁定，月报及其数据不能再修改；如确需修改，请对口办说明理由后解锁。"
            )
            % {"period": report.period.label, "date": lock.closes_on.isoformat()}
        )


def _require_editable(report: Report, user) -> None:
    perms.require(user, report, perms.VIEW)
    require_unlocked(report)
    if not editable_by(report, user):
        raise PermissionDenied(
            _("月报 %(report)s 当前状态为“%(status)s”，您不能修改。")
            % {"report": report, "status": report.get_status_display()}
        )


# ---------------------------------------------------------------- writing


@transaction.atomic
def start_report(
    *, program: Program, organization: Organization, user, period: Period | str | None = None
) -> Report:
    """The unit's report for a period (the current one by default), created as a draft if it does not exist."""
    if period is None:
        period = Period.containing(today_for(program), program.reporting_period)
    elif isinstance(period, str):
        try:
            period = Period.parse(period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
    if period.kind != program.reporting_period:
        raise ValidationError(
            {
                "period": _("报告期 %(period)s 与“%(program)s”的报告周期（%(kind)s）不符")
                % {"period": period, "program": program, "kind": program.get_reporting_period_display()}
            }
        )
    perms.require_allowed(user, Report, perms.ADD)
    workflow.require(
        user, "reports.start", organization, message=_("无权为 %(org)s 填报月报") % {"org": organization}
    )
    report, _created = Report.objects.get_or_create(program=program, organization=organization, period=period)
    return report


def save_report(
    *,
    report: Report,
    user,
    version: int,
    summary: str | None = None,
    progress: Iterable[dict] = (),
    figures: Iterable[dict] = (),
) -> Report:
    """Save the content of a report; a stale `version` (someone saved since) is refused, nothing is written.

    progress: dicts with task (Task or id), status, percent, text.
    figures: dicts with allocation (Allocation or id), value, note.
    """
    before = (report.version, report.summary)
    try:
        with transaction.atomic():
            return _save_report(report, user, version, summary, progress, figures)
    except Exception:
        # Rolled back in the database, so the caller's object must not keep the half-applied values either.
        report.version, report.summary = before
        raise


def _save_report(report, user, version, summary, progress, figures) -> Report:
    _require_editable(report, user)
    report.version = version
    if summary is not None:
        report.summary = summary
    report.save()  # claims the version first: a stale editor is refused before any row changes

    tasks = {t.pk: t for t in unit_tasks(report)}
    statuses = {key for key, _label in TaskProgress._meta.get_field("status").choices}
    for n, row in enumerate(progress, start=1):
        task_id = getattr(row.get("task"), "pk", row.get("task"))
        task = tasks.get(_int(task_id, _("任务进展第 %(n)d 行的任务") % {"n": n}))
        if task is None:
            raise ValidationError(
                _("任务进展第 %(n)d 行：任务 %(task)s 不是本单位负责的任务") % {"n": n, "task": task_id}
            )
        status = row.get("status") or Task.IN_PROGRESS
        if status not in statuses:
            raise ValidationError(
                _("任务 %(task)s：未知的状态 %(status)s") % {"task": task.number or task.pk, "status": status}
            )
        percent = _int(row.get("percent", 0), _("任务 %(task)s 的进度") % {"task": task.number or task.pk})
        if not 0 <= percent <= 100:
            raise ValidationError(
                _("任务 %(task)s 的进度应在 0–100 之间，收到 %(p)s")
                % {"task": task.number or task.pk, "p": percent}
            )
        if status == Task.COMPLETED:
            percent = 100
        TaskProgress.objects.update_or_create(
            report=report,
            task=task,
            defaults={"status": status, "percent": percent, "text": row.get("text") or ""},
        )

    allocations = {a.pk: a for a in unit_allocations(report)}
    for n, row in enumerate(figures, start=1):
        alloc_id = getattr(row.get("allocation"), "pk", row.get("allocation"))
        allocation = allocations.get(_int(alloc_id, _("指标第 %(n)d 行") % {"n": n}))
        if allocation is None:
            raise ValidationError(_("指标第 %(n)d 行：目标分解 %(a)s 不属于本单位") % {"n": n, "a": alloc_id})
        raw = row.get("value")
        if raw in (None, ""):
            TargetFigure.objects.filter(report=report, target=allocation.target).delete()
            continue
        try:
            value = Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation as exc:
            raise ValidationError(
                _("指标“%(ind)s”的完成值不是数字：%(v)s") % {"ind": allocation.target.indicator, "v": raw}
            ) from exc
        if value < 0 or not value.is_finite():
            raise ValidationError(_("指标“%(ind)s”的完成值不能为负数") % {"ind": allocation.target.indicator})
        TargetFigure.objects.update_or_create(
            report=report,
            target=allocation.target,
            defaults={"allocation": allocation, "value": value, "note": row.get("note") or ""},
        )
    return report


def _int(value, place: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(place)s不是整数：%(v)s") % {"place": place, "v": value}) from exc


def sniff_evidence(upload) -> str:
    """The content type of an uploaded file judged by its bytes; refuses anything not allowed, naming the file."""
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, 2)
        size = upload.tell()
    if size == 0:
        raise ValidationError(_("文件 %(name)s 是空的") % {"name": name})
    if size > EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("文件 %(name)s 大小 %(size).1f MB，超过上限 %(max)d MB")
            % {"name": name, "size": size / 1024 / 1024, "max": EVIDENCE_MAX_BYTES // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime in OFFICE_MARKERS:
        try:
            with zipfile.ZipFile(upload) as archive:
                if OFFICE_MARKERS[mime] not in archive.namelist():
                    mime = None
        except zipfile.BadZipFile:
            mime = None
        upload.seek(0)
    if mime not in EVIDENCE_TYPES:
        raise ValidationError(
            _("文件 %(name)s 的内容不是允许的类型（PDF、Word .docx、Excel .xlsx、JPG、PNG）") % {"name": name}
        )
    extension = PurePath(name).suffix.lower()
    if extension not in EVIDENCE_TYPES[mime]:
        raise ValidationError(
            _("文件 %(name)s 的扩展名与内容不符：内容是 %(ext)s 文件")
            % {"name": name, "ext": EVIDENCE_TYPES[mime][0]}
        )
    return mime


def attach_evidence(*, report: Report, user, upload) -> Evidence:
    """Check an uploaded file by content and size, store it under the data folder and attach it to the report."""
    _require_editable(report, user)
    perms.require_allowed(user, Evidence, perms.ADD)
    mime = sniff_evidence(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    original = PurePath(upload.name or "file").name[:255]
    # Stored under a random name: the user's file name never becomes a path on disk.
    stored_name = f"{uuid.uuid4().hex}{EVIDENCE_TYPES[mime][0]}"
    evidence = Evidence(
        report=report,
        original_name=original,
        content_type=mime,
        size=upload.size if hasattr(upload, "size") else 0,
        sha256=digest.hexdigest(),
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    try:
        with transaction.atomic():
            if commercial_crypto():  # 商用密码: the file is stored SM4-encrypted, served decrypted
                plain = upload.read()
                evidence.cipher = "sm4"
                evidence.file.save(stored_name, ContentFile(sm4_encrypt(plain), name=stored_name), save=False)
                evidence.size = len(plain)
            else:
                evidence.file.save(stored_name, File(upload, name=stored_name), save=False)
                evidence.size = evidence.file.size
            evidence.save()
    except Exception:
        if evidence.file and evidence.file.name:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return evidence


@transaction.atomic
def remove_evidence(*, evidence: Evidence, user) -> None:
    """Detach an evidence file from a report that is still being edited, and delete the stored file."""
    _require_editable(evidence.report, user)
    perms.require(user, evidence, perms.DELETE)
    name, storage = evidence.file.name, evidence.file.storage
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(name))


def snapshot(report: Report) -> dict:
    """The report's content as JSON, kept with every workflow step so a returned report keeps its history."""
    return {
        "summary": report.summary,
        "progress": [
            {
                "task": p.task_id,
                "number": p.task.number,
                "status": p.status,
                "percent": p.percent,
                "text": p.text,
            }
            for p in report.task_progress.select_related("task").order_by("task__plan_id", "task__order")
        ],
        "figures": [
            {
                "target": f.target_id,
                "allocation": f.allocation_id,
                "indicator": f.target.indicator,
                "value": str(f.value),
            }
            for f in report.figures.select_related("target").order_by("target_id")
        ],
        "evidence": [
            {"name": e.original_name, "sha256": e.sha256, "size": e.size}
            for e in report.evidence.order_by("id")
        ],
        "transactions": list(report.transactions.order_by("id").values_list("id", flat=True)),
    }


def _locked(report: Report) -> Report:
    # Re-read under a row lock so two people moving the same report are serialized.
    fresh = Report.objects.select_for_update().get(pk=report.pk)
    return fresh


def _move(report: Report, user, to_status: str, reason: str = "") -> Report:
    from_status = report.status
    report.status = to_status
    now = timezone.now()
    if to_status == Report.SUBMITTED:
        report.submitted_at = now
    if to_status in (Report.APPROVED, Report.RETURNED):
        report.reviewed_at = now
    if to_status == Report.RETURNED:
        report.return_reason = reason
    report.save()
    ReportEvent.objects.create(
        report=report,
        user=user if getattr(user, "pk", None) else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        snapshot=snapshot(report),
    )
    return report


def _refuse_move(report: Report, action: str):
    raise ValidationError(
        _("月报 %(report)s 当前状态为“%(status)s”，不能%(action)s")
        % {"report": report, "status": report.get_status_display(), "action": action}
    )


@transaction.atomic
def submit_report(*, report: Report, user) -> Report:
    """Reporter: draft/returned → awaiting the unit head; unit head (or office): → submitted to the office."""
    report = _locked(report)
    require_unlocked(report)
    perms.require(user, report, perms.CHANGE)
    to_status = submitted_status(user)
    workflow.require(
        user,
        "reports.submit",
        report,
        refuse_state=lambda: _refuse_move(
            report, _("提交") if to_status == Report.PENDING_HEAD else _("报送")
        ),
    )
    return _move(report, user, to_status)


def submitted_status(user) -> str:
    """Where submitting takes a report: a reporter's goes to its unit head, the head's (or office's) to the office."""
    return Report.PENDING_HEAD if perms.role_of(user) == perms.UNIT_REPORTER else Report.SUBMITTED


@transaction.atomic
def approve_report(*, report: Report, user) -> Report:
    """Office: accept a submitted report; its progress moves the tasks it leads and its figures count."""
    report = _locked(report)
    require_unlocked(report)
    workflow.require(
        user,
        "reports.approve",
        report,
        refuse_state=lambda: _refuse_move(report, _("审核通过")),
        message=_("只有对口办可以审核通过月报"),
    )
    report = _move(report, user, Report.APPROVED)
    _apply_progress(report)
    return report


def _apply_progress(report: Report) -> None:
    """The approved progress becomes the reporting unit's part of each task; the task rolls up from its parts
    (`Task.roll_up_parts`: done only when every lead unit's part is approved done)."""
    orgs = Organization.objects.filter(_subtree(report.organization)).values("pk")
    today = today_for(report.program)
    for item in report.task_progress.select_related("task"):
        for part in item.task.responsibilities.filter(organization__in=orgs):
            part.part_status = item.status
            part.part_progress = 100 if item.status == Task.COMPLETED else item.percent
            part.part_completed_on = (
                (part.part_completed_on or today) if item.status == Task.COMPLETED else None
            )
            part.save()
        item.task.roll_up_parts()


@transaction.atomic
def return_report(*, report: Report, user, reason: str) -> Report:
    """Office returns a submitted report (or a unit head a pending one) with a reason; the unit corrects it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("退回月报必须填写退回原因")})
    report = _locked(report)
    require_unlocked(report)
    workflow.require(
        user,
        "reports.return",
        report,
        refuse_state=lambda: _refuse_move(report, _("退回")),
        message=_("无权退回月报"),
    )
    report = _move(report, user, Report.RETURNED, reason)
    text = (_("%(period)s 月报被退回：%(reason)s") % {"period": report.period.label, "reason": reason})[:500]
    # Returned twice in a day: the same notice comes back unread with the newest reason.
    Reminder.objects.update_or_create(
        organization=report.organization,
        kind=Reminder.REPORT_RETURNED,
        report=report,
        task=None,
        due_date=today_for(report.program),
        defaults={"message": text, "read_at": None},
    )
    return report


# ---------------------------------------------------------------- reading results


def previous_report(report: Report) -> Report | None:
    """The same unit's latest report of an earlier period in the same program (periods by date, not text)."""
    here = report.period
    months = (here.end.year * 12 + here.end.month, here.start.year * 12 + here.start.month)
    return (
        Report.objects.filter(program_id=report.program_id, organization_id=report.organization_id)
        .annotate(end=period_end_month("period"), start=period_start_month("period"))
        .filter(Q(end__lt=months[0]) | Q(end=months[0], start__lt=months[1]))
        .order_by("-end", "-start", "-id")
        .first()
    )


@dataclass
class Changes:
    """What changed in a report since the unit's previous one."""

    previous: Report | None
    progress: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)


def changes_since_previous(report: Report) -> Changes:
    """Per task and per target: the previous period's value, this one's, and whether it moved."""
    before = previous_report(report)
    changes = Changes(previous=before)
    old_progress = {p.task_id: p for p in before.task_progress.all()} if before else {}
    for p in report.task_progress.select_related("task").order_by("task__plan_id", "task__order"):
        old = old_progress.get(p.task_id)
        if old is None or (old.percent, old.status, old.text) != (p.percent, p.status, p.text):
            changes.progress.append(
                {
                    "task": p.task,
                    "before": old.percent if old else None,
                    "after": p.percent,
                    "before_status": old.get_status_display() if old else None,
                    "after_status": p.get_status_display(),
                    "text_changed": old is None or old.text != p.text,
                }
            )
    old_figures = {f.target_id: f.value for f in before.figures.all()} if before else {}
    for f in report.figures.select_related("target").order_by("target_id"):
        old = old_figures.get(f.target_id)
        if old != f.value:
            changes.figures.append(
                {
                    "target": f.target,
                    "before": old,
                    "after": f.value,
                    "delta": f.value - (old or Decimal(0)),
                }
            )
    return changes


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


# ---------------------------------------------------------------- period locks


@transaction.atomic
def close_period(*, program: Program, period: Period | str, closes_on: dt.date, user) -> PeriodLock:
    """Office: the period's reports and figures lock on `closes_on` (set again: the new date, locked again)."""
    workflow.require(user, "reports.close_period", program, message=_("只有对口办可以设置关账日期"))
    if isinstance(period, str):
        try:
            period = Period.parse(period)
        except ValueError as exc:
            raise ValidationError({"period": str(exc)}) from exc
    lock, _created = PeriodLock.objects.get_or_create(
        program=program, period=period, defaults={"closes_on": closes_on}
    )
    if not _created:
        lock.closes_on, lock.unlocked_at, lock.unlocked_by, lock.unlock_reason = closes_on, None, None, ""
        lock.save()
    return lock


@transaction.atomic
def unlock_period(*, lock: PeriodLock, user, reason: str) -> PeriodLock:
    """Office: unlock a closed period; the reason is required and kept (and in the change log)."""
    workflow.require(user, "reports.unlock_period", lock, message=_("只有对口办可以解锁报告期"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("解锁报告期必须说明理由")})
    lock.unlocked_at, lock.unlocked_by, lock.unlock_reason = timezone.now(), user, reason
    lock.save()
    return lock
