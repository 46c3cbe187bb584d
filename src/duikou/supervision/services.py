"""Supervision services: urge, read and answer; request, approve and reject changes to a task.

Keyword-only, one transaction each, permission through the one gate; pages, the API and the CLI call these.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.dates import today_for
from duikou.organizations.models import Organization
from duikou.plans.models import Responsibility, Task
from duikou.reports.evidence import EVIDENCE_TYPES, sniff_evidence
from duikou.reports.models import Report

from . import notify, rules
from .models import ChangeRequest, Instruction, InstructionTarget, Urge


def _refuse_state(message: str):
    def refuse():
        raise ValidationError({"status": message})

    return refuse


def responsible_units(task: Task) -> list[Organization]:
    """The organizations named on the task, leads first."""
    return [
        r.organization for r in task.responsibilities.select_related("organization").order_by("role", "order")
    ]


def _concerns(organization: Organization, task: Task | None, report: Report | None) -> bool:
    """Whether the organization (or one above it) is responsible for the task, or is the report's unit."""
    if report is not None:
        return report.organization.tree_path.startswith(organization.tree_path)
    paths = task.responsibilities.values_list("organization__tree_path", flat=True)
    return any(path.startswith(organization.tree_path) for path in paths)


# ---------------------------------------------------------------- 催办


@transaction.atomic
def urge(
    *,
    user,
    organization: Organization,
    task: Task | None = None,
    report: Report | None = None,
    message: str = "",
) -> Urge:
    """Office: urge one unit on one task or report, in one step (the message is optional)."""
    workflow.require(user, "supervision.urge", task or report, message=_("只有对口办可以催办"))
    if (task is None) == (report is None):
        raise ValidationError({"task_id": _("催办须指定一项任务或一份月报（二选一）")})
    if not _concerns(organization, task, report):
        raise ValidationError(
            {
                "organization_id": _("%(org)s 不是“%(subject)s”的责任单位")
                % {"org": organization, "subject": task or report}
            }
        )
    item = Urge.objects.create(
        task=task,
        report=report,
        organization=organization,
        message=(message or "").strip(),
        created_by=user if getattr(user, "pk", None) else None,
    )
    subject = task or report
    notify.tell(
        kind=notify.URGED,
        organization=organization,
        task=task,
        report=report,
        text=_("对口办催办：%(subject)s%(message)s")
        % {"subject": subject, "message": f"（{item.message}）" if item.message else ""},
        key=f"urge:{item.pk}",
        link=f"/supervision/urges/{item.pk}/",
    )
    return item


def open_urge(*, urge: Urge, user) -> Urge:
    """A unit opens an urge: the first opening by the unit is recorded as read (the office's views are not)."""
    perms.require(user, urge, perms.VIEW)
    if urge.read_at is None and workflow.may(user, "supervision.answer", urge):
        with transaction.atomic():
            # Claimed with a conditional update: two first openings at once record one reader.
            claimed = Urge.objects.filter(pk=urge.pk, read_at__isnull=True).update(
                read_at=timezone.now(), read_by=user
            )
            if claimed:
                urge.refresh_from_db()
                # The change log records reading, as it records every other change.
                urge.save(update_fields=["updated_at"])
    return urge


@transaction.atomic
def answer_urge(*, urge: Urge, user, text: str) -> Urge:
    """The unit answers (反馈) an urge."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": _("反馈内容不能为空")})
    workflow.require(user, "supervision.answer", urge, message=_("催办由被催办单位反馈"))
    now = timezone.now()
    urge.answer, urge.answered_at, urge.answered_by = text, now, user
    if urge.read_at is None:
        urge.read_at, urge.read_by = now, user
    urge.save()
    notify.tell_office(
        kind=notify.ANSWERED,
        task=urge.task,
        report=urge.report,
        text=_("%(org)s 已反馈催办：%(text)s") % {"org": urge.organization, "text": text[:200]},
        key=f"urge-answer:{urge.pk}",
        link=f"/supervision/urges/{urge.pk}/",
    )
    return urge


# ---------------------------------------------------------------- 变更申请


def store_upload(field, upload, folder: str) -> str:
    """Check an uploaded evidence file by its bytes (the reports rule) and store it under a random name."""

    mime = sniff_evidence(upload)
    name = f"{uuid.uuid4().hex}{EVIDENCE_TYPES[mime][0]}"
    field.save(name, File(upload, name=name), save=False)
    return PurePath(getattr(upload, "name", "") or name).name[:255]


@transaction.atomic
def request_change(
    *,
    user,
    task: Task,
    kind: str,
    reason: str,
    organization: Organization | None = None,
    due_date: dt.date | None = None,
    lead_units=(),
    support_units=(),
    evidence=None,
) -> ChangeRequest:
    """A responsible unit asks to change the deadline or units of a task, to cancel it or to complete its part."""
    perms.require(user, task, perms.VIEW)
    workflow.require(
        user,
        "supervision.request_change",
        task,
        refuse_state=_refuse_state(_("任务 %(task)s 已取消") % {"task": task}),
        message=_("只有任务的责任单位可以提出变更申请"),
    )
    organization = organization or getattr(user, "organization", None)
    if organization is None:
        raise ValidationError({"organization_id": _("请指定申请单位")})
    if not rules.acts_for.test(user, organization):
        raise PermissionDenied(_("无权以 %(org)s 的名义申请") % {"org": organization})
    if not _concerns(organization, task, None):
        raise ValidationError(
            {
                "organization_id": _("%(org)s 不是任务 %(task)s 的责任单位")
                % {"org": organization, "task": task}
            }
        )
    if kind not in dict(ChangeRequest.KINDS):
        raise ValidationError(
            {"kind": _("未知的申请类型：%(k)s（应为 deadline、units、cancel 或 complete）") % {"k": kind}}
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写申请理由")})
    if kind == ChangeRequest.DEADLINE and due_date is None:
        raise ValidationError({"due_date": _("调整完成时限须填写新的截止日期")})
    leads, supports = _unit_ids(lead_units, "lead_units"), _unit_ids(support_units, "support_units")
    if kind == ChangeRequest.UNITS and not leads:
        raise ValidationError({"lead_units": _("调整责任单位须至少指定一个牵头单位")})
    if kind == ChangeRequest.COMPLETE and evidence is None:
        raise ValidationError({"evidence": _("申请完成须附佐证材料")})
    if ChangeRequest.objects.filter(
        task=task, organization=organization, kind=kind, status=ChangeRequest.PENDING
    ).exists():
        raise ValidationError({"kind": _("本单位对该任务已有一份同类申请待审批")})
    item = ChangeRequest(
        task=task,
        organization=organization,
        kind=kind,
        reason=reason,
        due_date=due_date if kind == ChangeRequest.DEADLINE else None,
        lead_units=leads if kind == ChangeRequest.UNITS else [],
        support_units=supports if kind == ChangeRequest.UNITS else [],
        requested_by=user if getattr(user, "pk", None) else None,
    )
    if evidence is not None:
        item.evidence_name = store_upload(item.evidence, evidence, "change-requests")
    try:
        item.save()
    except Exception:
        if item.evidence:
            item.evidence.storage.delete(item.evidence.name)
        raise
    notify.tell_office(
        kind=notify.AWAITING_APPROVAL,
        text=_("%(org)s 申请%(kind)s：%(task)s")
        % {"org": organization, "kind": item.get_kind_display(), "task": task},
        key=f"change-request:{item.pk}",
        link=f"/supervision/requests/{item.pk}/",
    )
    return item


def _unit_ids(values, field: str) -> list[int]:
    ids = []
    for value in values or ():
        pk = getattr(value, "pk", value)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError) as exc:
            raise ValidationError({field: _("单位编号不是整数：%(v)s") % {"v": value}}) from exc
    found = set(Organization.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError({field: _("单位编号不存在：%(ids)s") % {"ids": "、".join(map(str, missing))}})
    return list(dict.fromkeys(ids))


def _decide(item: ChangeRequest, user, status: str, reason: str) -> ChangeRequest:
    item = ChangeRequest.objects.select_for_update().get(pk=item.pk)
    workflow.require(
        user,
        "supervision.decide_change",
        item,
        refuse_state=_refuse_state(_("该申请已%(s)s，不能再审批") % {"s": item.get_status_display()}),
        message=_("只有对口办可以审批变更申请"),
    )
    item.status, item.decided_by, item.decided_at = status, user, timezone.now()
    item.decision_reason = reason
    item.save()
    return item


@transaction.atomic
def approve_change(*, request: ChangeRequest, user, reason: str = "") -> ChangeRequest:
    """Office: approve a request; the task moves as asked (the only way besides approved reports)."""
    item = _decide(request, user, ChangeRequest.APPROVED, (reason or "").strip())
    task = Task.objects.select_for_update().get(pk=item.task_id)
    if item.kind == ChangeRequest.DEADLINE:
        task.due_date = item.due_date
        task.deadline = _("%(y)d年%(m)d月%(d)d日前") % {
            "y": item.due_date.year,
            "m": item.due_date.month,
            "d": item.due_date.day,
        }
        task.save()
    elif item.kind == ChangeRequest.CANCEL:
        task.status = Task.CANCELLED
        task.save()
    elif item.kind == ChangeRequest.UNITS:
        _replace_units(task, item.lead_units, item.support_units)
        task.roll_up_parts()
    elif item.kind == ChangeRequest.COMPLETE:
        today = today_for(task.plan.program)
        subtree = Organization.objects.filter(tree_path__startswith=item.organization.tree_path).values("pk")
        for part in task.responsibilities.filter(organization__in=subtree):
            part.part_status, part.part_progress = Task.COMPLETED, 100
            part.part_completed_on = part.part_completed_on or today
            part.save()
        task.roll_up_parts()
    notify.tell(
        kind=notify.CHANGE_DECIDED,
        organization=item.organization,
        task=task,
        text=_("%(kind)s申请已批准：%(task)s") % {"kind": item.get_kind_display(), "task": task},
        key=f"change-request:{item.pk}:decided",
        link=f"/supervision/requests/{item.pk}/",
    )
    return item


def _replace_units(task: Task, leads: list[int], supports: list[int]) -> None:
    wanted = {(pk, Responsibility.LEAD) for pk in leads} | {
        (pk, Responsibility.SUPPORT) for pk in supports if pk not in leads
    }
    current = {(r.organization_id, r.role): r for r in task.responsibilities.all()}
    for key, row in current.items():
        if key not in wanted:
            row.delete()
    names = dict(Organization.objects.filter(pk__in=[k[0] for k in wanted]).values_list("pk", "name"))
    for order, key in enumerate(sorted(wanted - set(current), key=lambda k: (k[1], k[0]))):
        Responsibility.objects.create(
            task=task, organization_id=key[0], role=key[1], printed_name=names[key[0]], order=order
        )


@transaction.atomic
def reject_change(*, request: ChangeRequest, user, reason: str) -> ChangeRequest:
    """Office: reject a request with a reason; the task does not move."""
    workflow.require(
        user,
        "supervision.decide_change",
        request,
        refuse_state=_refuse_state(_("该申请已%(s)s，不能再审批") % {"s": request.get_status_display()}),
        message=_("只有对口办可以审批变更申请"),
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("驳回申请必须填写理由")})
    item = _decide(request, user, ChangeRequest.REJECTED, reason)
    notify.tell(
        kind=notify.CHANGE_DECIDED,
        organization=item.organization,
        task=item.task,
        text=_("%(kind)s申请被驳回：%(task)s（%(reason)s）")
        % {"kind": item.get_kind_display(), "task": item.task, "reason": reason},
        key=f"change-request:{item.pk}:decided",
        link=f"/supervision/requests/{item.pk}/",
    )
    return item


# ---------------------------------------------------------------- 领导批示


@transaction.atomic
def instruct(
    *,
    user,
    text: str,
    leader_name: str = "",
    task: Task | None = None,
    organization: Organization | None = None,
    report: Report | None = None,
) -> Instruction:
    """A leader (or the office on a leader's behalf) instructs on a task, a unit or a report; it reaches the units."""

    workflow.require(
        user,
        "supervision.instruct",
        task or organization or report,
        message=_("只有领导或对口办（代领导录入）可以作出批示"),
    )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("批示内容不能为空")})
    if sum(x is not None for x in (task, organization, report)) != 1:
        raise ValidationError({"task_id": _("批示须指定一项任务、一个单位或一份月报（三选一）")})
    leader_name = (leader_name or "").strip() or (user.get_full_name() or user.get_username())
    if task is not None:
        units = list(dict.fromkeys(responsible_units(task)))
        if not units:
            raise ValidationError({"task_id": _("任务 %(task)s 没有责任单位") % {"task": task}})
    else:
        units = [organization or report.organization]
    item = Instruction.objects.create(
        task=task,
        organization=organization,
        report=report,
        text=text,
        leader_name=leader_name[:100],
        issued_by=user,
    )
    for org in units:
        InstructionTarget.objects.create(instruction=item, organization=org)
        notify.tell(
            kind=notify.INSTRUCTION,
            organization=org,
            task=task,
            report=report,
            text=_("%(leader)s批示：%(text)s") % {"leader": item.leader_name, "text": text},
            key=f"instruction:{item.pk}:{org.pk}",
            link=f"/supervision/instructions/{item.pk}/",
        )
    return item


def open_instruction(*, target, user) -> None:
    """The unit's first opening of an instruction is recorded as read."""

    if target.read_at is None and workflow.may(user, "supervision.answer", target):
        if InstructionTarget.objects.filter(pk=target.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        ):
            target.refresh_from_db()
            target.save(update_fields=["updated_at"])


@transaction.atomic
def answer_instruction(*, target, user, text: str):
    """A unit answers an instruction; when every unit has answered, the instruction is closed (办结)."""

    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": _("反馈内容不能为空")})
    workflow.require(user, "supervision.answer", target, message=_("批示由承办单位反馈"))
    now = timezone.now()
    target.answer, target.answered_at, target.answered_by = text, now, user
    target.read_at = target.read_at or now
    target.save()
    item = Instruction.objects.select_for_update().get(pk=target.instruction_id)
    if not item.targets.filter(answered_at__isnull=True).exists() and item.closed_at is None:
        item.closed_at = now
        item.save()
    notify.tell_office(
        kind=notify.ANSWERED,
        text=_("%(org)s 已反馈%(leader)s批示：%(text)s")
        % {"org": target.organization, "leader": item.leader_name, "text": text[:200]},
        key=f"instruction-answer:{target.pk}:{now.timestamp()}",
        link=f"/supervision/instructions/{item.pk}/",
    )
    return target
