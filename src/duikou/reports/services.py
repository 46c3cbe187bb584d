"""The report workflow: start, fill, submit, approve, return, and the closing of periods.

Evidence files are `reports.evidence`, reminders and the inbox `reports.reminders`, what changed since the
previous report `reports.changes`, achieved to date `reports.achieved`.

Every function is keyword-only, runs in one transaction and checks permission through the one gate,
so pages, the API, the CLI and load tests all get the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.audit import bulk_create_logged, bulk_create_logged_together, unsaved
from duikou.core.compiled import AmongFound, AmongIds, Compiled, CompiledObjects, IdList, Param
from duikou.core.dates import today_for
from duikou.core.periods import Period
from duikou.funds.models import Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Responsibility, Task
from duikou.programs.models import Program
from duikou.targets.models import Allocation, Target

from .achieved import COUNTED_STATUS
from .models import Evidence, PeriodLock, Reminder, Report, ReportEvent, TargetFigure, TaskProgress
from .rules import HEAD_EDITABLE, UNIT_EDITABLE

UNIT_EDITABLE, HEAD_EDITABLE = set(UNIT_EDITABLE), set(HEAD_EDITABLE)


# ---------------------------------------------------------------- reading a report's scope


def _subtree(organization: Organization) -> Q:
    return Q(tree_path__startswith=organization.tree_path)


# Up to this many units under a reporting unit are passed to its scope's queries as ids (the planner then starts from
# the unit's own rows); a larger subtree stays a subquery (SQLite takes at most 32,766 parameters).
_LISTED_UNITS = 1000


def _units(report: Report):
    """The ids of the reporting unit and the units under it: a list (read here) for a small subtree, else a subquery.
    As a subquery, PostgreSQL guessed a handful of units and planned from the program's every task instead."""
    ids = [pk for (pk,) in _SUBTREE_IDS.rows(None, path=report.organization.tree_path)]
    if len(ids) <= _LISTED_UNITS:
        return ids
    return Organization.objects.filter(_subtree(report.organization)).values_list("pk", flat=True)


# The queries of a report's scope, run on every report page and save: compiled once (core.compiled), run with the
# unit's path, its units' ids and the program.
_SUBTREE_IDS = Compiled(
    Organization,
    lambda: Organization.objects.filter(tree_path__startswith=Param("path")).values_list("pk")[
        : _LISTED_UNITS + 1
    ],
)


def unit_tasks(report: Report, *, units=None):
    """The tasks of the report's program (published plans) for which the reporting unit is responsible.
    `units`: the report's `_units`, when the caller has read them."""
    units = _units(report) if units is None else units
    # From the unit's own responsibilities, not a DISTINCT over tasks joined to their plans: that sorted every
    # column of the tasks and their plans (the source file included) to drop the repeats.
    return Task.objects.filter(
        pk__in=Responsibility.objects.filter(organization_id__in=units).values("task_id"),
        plan__program_id=report.program_id,
        plan__status=Plan.PUBLISHED,
    ).order_by("plan_id", "order")


def unit_allocations(report: Report, *, units=None):
    """The shares of targets of the report's program allocated to the reporting unit."""
    units = _units(report) if units is None else units
    return (
        Allocation.objects.filter(
            target__plan__program_id=report.program_id,
            target__plan__status=Plan.PUBLISHED,
            organization_id__in=units,
        )
        .select_related("target")
        .order_by("target__plan_id", "target__order", "order")
    )


def unit_scope(report: Report) -> tuple[list[Task], list[Allocation]]:
    """The unit's tasks and shares in this report (`unit_tasks`, `unit_allocations`), read once for a request: the
    report page builds its form from them and `save_report` checks the posted rows against the same."""
    units = _units(report)
    if isinstance(units, list):
        return (
            _SCOPE_TASKS.objects(units, len(units) == 1, program=report.program_id),
            _SCOPE_ALLOCATIONS.objects(units, program=report.program_id),
        )
    tasks = unit_tasks(report, units=units).defer(*_UNREAD_TASK_FIELDS)
    allocations = unit_allocations(report, units=units).defer(*_UNREAD_ALLOCATION_FIELDS)
    return list(tasks), list(allocations)


_UNREAD_TASK_FIELDS = ("created_at", "updated_at", "path", "text", "extra")
_UNREAD_ALLOCATION_FIELDS = (
    "created_at",
    "updated_at",
    "target__created_at",
    "target__updated_at",
    "target__text",
    "target__extra",
)


# A listed subtree's scope, compiled: its units' ids one parameter, searched in the responsibilities' and shares' unit
# index (`AmongIds`) as the listed ids were. Without the long texts and bookkeeping columns no report page or save
# reads (each task's and target's 原文, extra, timestamps): most of what was read and converted of a unit's tasks.
def _scope_tasks(alone: bool):
    """The tasks of a listed subtree's scope; `alone`: the subtree is one unit (no unit under it), whose few hundred
    responsibilities at most are read first and their tasks found by id (`AmongFound`: the database's time for a leaf
    unit of the national data 0.5 ms, against 0.9 as an IN; a city's 4,000 took four times longer so)."""
    responsible = (
        Responsibility.objects.filter(AmongIds("organization_id", IdList())).order_by().values("task_id")
    )
    among = AmongFound("id", responsible) if alone else Q(pk__in=responsible)
    return (
        Task.objects.filter(among, plan__program_id=Param("program"), plan__status=Plan.PUBLISHED)
        .order_by("plan_id", "order")
        .defer(*_UNREAD_TASK_FIELDS)
    )


_SCOPE_TASKS = CompiledObjects(Task, _scope_tasks)
_SCOPE_ALLOCATIONS = CompiledObjects(
    Allocation,
    lambda: (
        Allocation.objects.filter(
            AmongIds("organization_id", IdList()),
            target__plan__program_id=Param("program"),
            target__plan__status=Plan.PUBLISHED,
        )
        .select_related("target")
        .order_by("target__plan_id", "target__order", "order")
        .defer(*_UNREAD_ALLOCATION_FIELDS)
    ),
)


def report_progress(report: Report) -> list[TaskProgress]:
    """The report's task progress, as `report.task_progress.all()` gives it (its report set, its task not read).
    Compiled (core.compiled): every report page and save reads it."""
    return _report_rows(TaskProgress, report)


def report_figures(report: Report) -> list[TargetFigure]:
    """The report's target figures, as `report.figures.all()` gives them (their report set, their target not read)."""
    return _report_rows(TargetFigure, report)


def _report_rows(model, report: Report) -> list:
    rows = _ROWS_OF_REPORT[model].objects(None, report=report.pk)
    for row in rows:
        _RELATED[model, Report].set_cached_value(row, report)
    return rows


_ROWS_OF_REPORT = {
    model: CompiledObjects(
        model, lambda model=model: model.objects.filter(report_id=Param("report")).order_by()
    )
    for model in (TaskProgress, TargetFigure)
}


_UNREAD = object()


def editable_by(report: Report, user, *, lock=_UNREAD) -> bool:
    """Whether `user` may still change the content of this report (its period's lock, then the step `reports.edit`).
    `lock`: the report's `period_lock`, when the caller has read it already."""
    if (period_lock(report.program_id, report.period) if lock is _UNREAD else lock) is not None:
        return False
    return workflow.can(user, "reports.edit", report)


def period_lock(program_id: int, period) -> PeriodLock | None:
    """The lock in force on this program's period today, if any (the one rule every report write checks)."""
    found = _PERIOD_LOCK.objects(None, program=program_id, period=str(period))
    lock = found[0] if found else None
    return lock if lock is not None and lock.locked_on(today_for(lock.program)) else None


# One row at most (unique per program and period): no ordering, so no join to the program for its ordering. Compiled:
# every report page, save and step asks.
_PERIOD_LOCK = CompiledObjects(
    PeriodLock,
    lambda: PeriodLock.objects.filter(
        program_id=Param("program"), period=Param("period", output_field=CharField())
    ).order_by()[:1],
)


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


def require_editable(report: Report, user) -> None:
    perms.require(user, report, perms.VIEW)
    require_unlocked(report)
    if not editable_by(report, user, lock=None):  # require_unlocked found no lock
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
    found = _UNIT_PERIOD_REPORT.objects(None, program=program.pk, unit=organization.pk, period=str(period))
    if found:
        return found[0]
    # As get_or_create makes it: created in a savepoint; made by a concurrent start just now, that one.
    try:
        with transaction.atomic():
            return Report.objects.create(program=program, organization=organization, period=period)
    except IntegrityError:
        try:
            return Report.objects.get(program=program, organization=organization, period=period)
        except Report.DoesNotExist:
            pass
        raise


# The unit's report of a period, if started (compiled: every start asks).
_UNIT_PERIOD_REPORT = CompiledObjects(
    Report,
    lambda: Report.objects.filter(
        program_id=Param("program"),
        organization_id=Param("unit"),
        period=Param("period", output_field=CharField()),
    ).order_by(),
)


def save_report(
    *,
    report: Report,
    user,
    version: int,
    summary: str | None = None,
    progress: Iterable[dict] = (),
    figures: Iterable[dict] = (),
    scope: tuple[list[Task], list[Allocation]] | None = None,
) -> Report:
    """Save the content of a report; a stale `version` (someone saved since) is refused, nothing is written.

    progress: dicts with task (Task or id), status, percent, text.
    figures: dicts with allocation (Allocation or id), value, note.
    scope: the report's `unit_scope`, when the caller has read it in this request (the rows are checked against it).
    """
    before = (report.version, report.summary)
    try:
        with transaction.atomic():
            return _save_report(report, user, version, summary, progress, figures, scope)
    except Exception:
        # Rolled back in the database, so the caller's object must not keep the half-applied values either.
        report.version, report.summary = before
        raise


def _save_report(report, user, version, summary, progress, figures, scope) -> Report:
    require_editable(report, user)
    report.version = version
    if summary is not None:
        report.summary = summary
    report.save()  # claims the version first: a stale editor is refused before any row changes

    unit_task_list, unit_allocation_list = scope if scope is not None else unit_scope(report)
    tasks = {t.pk: t for t in unit_task_list}
    statuses = {key for key, _label in TaskProgress._meta.get_field("status").choices}
    # The report's rows read once; new rows written in one insert (with their change-log entries), a changed row
    # saved, an unchanged one left alone: a unit with 100 tasks saves in a few queries, not 500.
    existing = {p.task_id: p for p in report_progress(report)}
    new: dict[int, TaskProgress] = {}
    for n, row in enumerate(progress, start=1):
        task_id = getattr(row.get("task"), "pk", row.get("task"))
        task = tasks.get(_int(task_id, lambda n=n: _("任务进展第 %(n)d 行的任务") % {"n": n}))
        if task is None:
            raise ValidationError(
                _("任务进展第 %(n)d 行：任务 %(task)s 不是本单位负责的任务") % {"n": n, "task": task_id}
            )
        status = row.get("status") or Task.IN_PROGRESS
        if status not in statuses:
            raise ValidationError(
                _("任务 %(task)s：未知的状态 %(status)s") % {"task": task.number or task.pk, "status": status}
            )
        percent = _int(
            row.get("percent", 0),
            lambda task=task: _("任务 %(task)s 的进度") % {"task": task.number or task.pk},
        )
        if not 0 <= percent <= 100:
            raise ValidationError(
                _("任务 %(task)s 的进度应在 0–100 之间，收到 %(p)s")
                % {"task": task.number or task.pk, "p": percent}
            )
        if status == Task.COMPLETED:
            percent = 100
        values = {"status": status, "percent": percent, "text": row.get("text") or ""}
        stored = existing.get(task.pk)
        if stored is None:  # a task given twice: the last row wins
            new[task.pk] = _new_row(TaskProgress, report, task, task_id=task.pk, **values)
        elif any(getattr(stored, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(stored, name, value)
            _PROGRESS_TASK.set_cached_value(stored, task)  # its change-log entry names the task
            stored.save()

    allocations = {a.pk: a for a in unit_allocation_list}
    # As the progress: the report's figures read once, new ones written in one insert; a target given twice (two
    # shares of one target in the unit's subtree), or set then cleared, ends as its last row says.
    stored_figures = {f.target_id: f for f in report_figures(report)}
    new_figures: dict[int, TargetFigure] = {}
    cleared: set[int] = set()
    for n, row in enumerate(figures, start=1):
        alloc_id = getattr(row.get("allocation"), "pk", row.get("allocation"))
        allocation = allocations.get(_int(alloc_id, lambda n=n: _("指标第 %(n)d 行") % {"n": n}))
        if allocation is None:
            raise ValidationError(_("指标第 %(n)d 行：目标分解 %(a)s 不属于本单位") % {"n": n, "a": alloc_id})
        target_id = allocation.target_id
        raw = row.get("value")
        if raw in (None, ""):
            new_figures.pop(target_id, None)
            if target_id in stored_figures:
                cleared.add(target_id)
            continue
        try:
            value = Decimal(str(raw).replace(",", "").strip())
        except InvalidOperation as exc:
            raise ValidationError(
                _("指标“%(ind)s”的完成值不是数字：%(v)s") % {"ind": allocation.target.indicator, "v": raw}
            ) from exc
        if value < 0 or not value.is_finite():
            raise ValidationError(_("指标“%(ind)s”的完成值不能为负数") % {"ind": allocation.target.indicator})
        values = {"allocation": allocation, "value": value, "note": row.get("note") or ""}
        cleared.discard(target_id)
        stored = stored_figures.get(target_id)
        if stored is None:
            new_figures[target_id] = _new_row(
                TargetFigure,
                report,
                allocation.target,
                allocation,
                target_id=target_id,
                allocation_id=allocation.pk,
                value=value,
                note=values["note"],
            )
        elif (stored.allocation_id, stored.value, stored.note) != (allocation.pk, value, values["note"]):
            for name, value_ in values.items():
                setattr(stored, name, value_)
            # Its change-log entry names the target.
            _FIGURE_TARGET.set_cached_value(stored, allocation.target)
            stored.save()
    if cleared:
        TargetFigure.objects.filter(report=report, target_id__in=cleared).delete()
    # The new progress and figures inserted with their change-log entries in one insert.
    if report.status == COUNTED_STATUS:
        # A counted report's figures move the target tallies (analytics' signal on each save); a bulk insert
        # sends no signal. Reports are not edited once counted (rules.py), so this path is only a safeguard.
        bulk_create_logged(TaskProgress, list(new.values()))
        for figure in new_figures.values():
            figure.save()
    else:
        bulk_create_logged_together(
            (TaskProgress, list(new.values())), (TargetFigure, list(new_figures.values()))
        )
    return report


def _new_row(model, report: Report, *related, **values):
    """A new row of the report, `model(report=report, <its task or target and share>, **values)` (values by attname)
    as core.audit.unsaved builds it, without Model.__init__'s per-field work (a save makes one per task)."""
    row = unsaved(model, report_id=report.pk, **values)
    for obj in (report, *related):
        _RELATED[model, type(obj)].set_cached_value(row, obj)
    return row


_PROGRESS_TASK, _FIGURE_TARGET = TaskProgress.task.field, TargetFigure.target.field
_RELATED = {
    (TaskProgress, Report): TaskProgress.report.field,
    (TaskProgress, Task): _PROGRESS_TASK,
    (TargetFigure, Report): TargetFigure.report.field,
    (TargetFigure, Target): _FIGURE_TARGET,
    (TargetFigure, Allocation): TargetFigure.allocation.field,
}


def _int(value, place: Callable[[], str]) -> int:
    """`value` as an integer, else refused naming its `place` (made only then: a save has one per row)."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(place)s不是整数：%(v)s") % {"place": place(), "v": value}) from exc


def snapshot(report: Report) -> dict:
    """The report's content as JSON, kept with every workflow step so a returned report keeps its history."""
    rows = {name: query.rows(None, report=report.pk) for name, query in _SNAPSHOT.items()}
    return {
        "summary": report.summary,
        "progress": [
            {"task": task, "number": number, "status": status, "percent": percent, "text": text}
            for task, number, status, percent, text in rows["progress"]
        ],
        "figures": [
            {"target": target, "allocation": allocation, "indicator": indicator, "value": str(value)}
            for target, allocation, indicator, value in rows["figures"]
        ],
        "evidence": [
            {"name": name, "sha256": sha256, "size": size} for name, sha256, size in rows["evidence"]
        ],
        "transactions": [pk for (pk,) in rows["transactions"]],
    }


# Read as values (only the task's number and the target's indicator are kept of them), compiled: every workflow step
# takes a snapshot.
_SNAPSHOT = {
    "progress": Compiled(
        TaskProgress,
        lambda: (
            TaskProgress.objects.filter(report_id=Param("report"))
            .order_by("task__plan_id", "task__order")
            .values_list("task_id", "task__number", "status", "percent", "text")
        ),
    ),
    "figures": Compiled(
        TargetFigure,
        lambda: (
            TargetFigure.objects.filter(report_id=Param("report"))
            .order_by("target_id")
            .values_list("target_id", "allocation_id", "target__indicator", "value")
        ),
    ),
    "evidence": Compiled(
        Evidence,
        lambda: (
            Evidence.objects.filter(report_id=Param("report"))
            .order_by("id")
            .values_list("original_name", "sha256", "size")
        ),
    ),
    "transactions": Compiled(
        Transaction,
        lambda: Transaction.objects.filter(report_id=Param("report")).order_by("id").values_list("id"),
    ),
}


def _locked(report: Report) -> Report:
    # Re-read under a row lock so two people moving the same report are serialized.
    # With its unit and program (the change log names the unit; returns and approvals date by the program): those the
    # caller read with it (when they are still the report's), else joined, locking the report's row only.
    cached = Report.organization.is_cached(report) and Report.program.is_cached(report)
    found = _LOCKED.objects(None, cached, pk=report.pk)
    if not found:
        raise Report.DoesNotExist("Report matching query does not exist.")
    locked = found[0]
    if cached and (locked.organization_id, locked.program_id) == (report.organization_id, report.program_id):
        locked.organization, locked.program = report.organization, report.program
    return locked


def _locked_query(cached: bool):
    rows = Report.objects.select_for_update(of=("self",)).filter(pk=Param("pk")).order_by()
    return rows if cached else rows.select_related("organization", "program")


# Compiled inside the step's transaction (a row lock is refused outside one), run only there.
_LOCKED = CompiledObjects(Report, _locked_query, maxsize=2)


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
    to_status = submitted_status(user)
    with perms.remembered():  # the step's `who` asks the gate what was just asked
        perms.require(user, report, perms.CHANGE)
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
