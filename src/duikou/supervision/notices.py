"""督办: raising notices (a task red for more than M days, two urges unanswered), escalating 黄牌 to 红牌, the
office issuing the numbered 督办单 (.docx in 公文 format), the unit answering with evidence, the office closing;
the ledger (open, answered, overdue) and its .xlsx export."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core import sheets, workflow
from duikou.core.dates import today_for
from duikou.core.gongwen import GongwenDocument
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Responsibility, Task

from . import lights, notify
from .models import LightRule, SupervisionNotice, Urge
from .services import store_upload

try:  # the office-outputs helper's 公文 date (二〇二六年…) once it is on main
    from duikou.core.dates import cn_date
except ImportError:  # until then, the Arabic-numeral form offices also use

    def cn_date(day: dt.date) -> str:
        return f"{day.year}年{day.month}月{day.day}日"


OPEN = (SupervisionNotice.RAISED, SupervisionNotice.ISSUED, SupervisionNotice.ANSWERED)


def _m_days(program) -> int:
    rule = LightRule.objects.filter(program=program).first()
    return rule.notice_after_days if rule else lights.DEFAULTS["notice_after_days"]


def _raise(
    *,
    task: Task,
    organization,
    level: str,
    cause: str,
    reason: str,
    today: dt.date,
    escalated_from: SupervisionNotice | None = None,
) -> SupervisionNotice:
    """A new numbered notice: the next number of the year, taken under a retry if another process took it."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                last = (
                    SupervisionNotice.objects.filter(year=today.year).aggregate(n=Max("sequence"))["n"] or 0
                )
                notice = SupervisionNotice.objects.create(
                    year=today.year,
                    sequence=last + 1,
                    task=task,
                    organization=organization,
                    level=level,
                    cause=cause,
                    reason=reason,
                    escalated_from=escalated_from,
                )
        except IntegrityError:
            continue
        notify.tell_office(
            kind=notify.NOTICE,
            task=task,
            key=f"notice-raised:{notice.pk}",
            link=f"/supervision/notices/{notice.pk}/",
            text=_("%(number)s（%(level)s）待签发：%(org)s · %(task)s")
            % {
                "number": notice.number,
                "level": notice.get_level_display(),
                "org": organization,
                "task": task,
            },
        )
        return notice
    raise IntegrityError("could not number the notice")


def escalate(*, today: dt.date | None = None) -> int:
    """The daily escalation; idempotent. Returns how many notices were raised."""
    raised = 0
    tasks = Task.objects.filter(plan__status=Plan.PUBLISHED).select_related("plan__program")
    open_pairs = set(
        SupervisionNotice.objects.filter(status__in=OPEN).values_list("task_id", "organization_id")
    )
    # 1. Red for more than M days: a 黄牌 to each lead unit (every unit when none leads).
    for task in lights.annotate_lights(tasks, today).filter(light=lights.RED):
        day = today or today_for(task.plan.program)
        since = lights.red_since(task, day)
        if since is None or (day - since).days <= _m_days(task.plan.program):
            continue
        parts = list(task.responsibilities.select_related("organization"))
        leads = [p for p in parts if p.role == Responsibility.LEAD] or parts
        for part in leads:
            if (task.pk, part.organization_id) in open_pairs:
                continue
            _raise(
                task=task,
                organization=part.organization,
                level=SupervisionNotice.YELLOW,
                cause=SupervisionNotice.RED_TOO_LONG,
                today=day,
                reason=_("任务“%(task)s”自 %(since)s 起亮红灯，已超过 %(m)d 天")
                % {"task": task, "since": since.isoformat(), "m": _m_days(task.plan.program)},
            )
            open_pairs.add((task.pk, part.organization_id))
            raised += 1
    # 2. Urged twice without an answer.
    pairs = (
        Urge.objects.filter(task__isnull=False, answered_at__isnull=True, task__plan__status=Plan.PUBLISHED)
        .values("task_id", "organization_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
        .order_by()
    )
    for row in pairs:
        if (row["task_id"], row["organization_id"]) in open_pairs:
            continue
        task = Task.objects.select_related("plan__program").get(pk=row["task_id"])

        day = today or today_for(task.plan.program)
        _raise(
            task=task,
            organization=Organization.objects.get(pk=row["organization_id"]),
            level=SupervisionNotice.YELLOW,
            cause=SupervisionNotice.URGES_UNANSWERED,
            today=day,
            reason=_("任务“%(task)s”经 %(n)d 次催办仍未反馈") % {"task": task, "n": row["n"]},
        )
        open_pairs.add((row["task_id"], row["organization_id"]))
        raised += 1
    # 3. A 黄牌 issued and not answered within M days becomes a 红牌.
    for notice in SupervisionNotice.objects.filter(
        level=SupervisionNotice.YELLOW, status=SupervisionNotice.ISSUED
    ).select_related("task__plan"):
        day = today or today_for(notice.task.plan.program)
        if notice.issued_at is None:
            continue
        waited = (day - timezone.localtime(notice.issued_at).date()).days
        if waited <= _m_days(notice.task.plan.program) or notice.escalations.exists():
            continue
        _raise(
            task=notice.task,
            organization=notice.organization,
            level=SupervisionNotice.RED,
            cause=SupervisionNotice.ESCALATED,
            today=day,
            escalated_from=notice,
            reason=_("%(number)s 黄牌督办签发后 %(d)d 天未反馈，升级为红牌")
            % {"number": notice.number, "d": waited},
        )
        raised += 1
    return raised


def _refuse_issued(notice: SupervisionNotice):
    raise ValidationError(
        {"status": _("%(n)s 已%(s)s") % {"n": notice.number, "s": notice.get_status_display()}}
    )


@transaction.atomic
def issue(*, notice: SupervisionNotice, user, answer_days: int = 5) -> SupervisionNotice:
    """Office: issue the 督办单; the unit must answer within `answer_days` days."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    workflow.require(
        user,
        "supervision.issue_notice",
        notice,
        refuse_state=lambda: _refuse_issued(notice),
        message=_("只有对口办可以签发督办单"),
    )
    notice.status, notice.issued_at, notice.issued_by = SupervisionNotice.ISSUED, timezone.now(), user
    notice.answer_due = today_for(notice.task.plan.program) + dt.timedelta(days=answer_days)
    notice.save()
    notify.tell(
        kind=notify.NOTICE,
        organization=notice.organization,
        task=notice.task,
        key=f"notice-issued:{notice.pk}",
        link=f"/supervision/notices/{notice.pk}/",
        text=_("%(number)s（%(level)s）：%(reason)s。请于 %(due)s 前反馈")
        % {
            "number": notice.number,
            "level": notice.get_level_display(),
            "reason": notice.reason,
            "due": notice.answer_due.isoformat(),
        },
    )
    return notice


@transaction.atomic
def answer(*, notice: SupervisionNotice, user, text: str, evidence=None) -> SupervisionNotice:
    """The unit answers (反馈) an issued notice with text and, optionally, an evidence file."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": _("反馈内容不能为空")})
    workflow.require(user, "supervision.answer", notice, message=_("督办由被督办单位反馈"))
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    if notice.status != SupervisionNotice.ISSUED:
        raise ValidationError(
            {
                "status": _("%(n)s 当前为“%(s)s”，不能反馈")
                % {"n": notice.number, "s": notice.get_status_display()}
            }
        )
    if evidence is not None:
        notice.evidence_name = store_upload(notice.evidence, evidence, "notices")
    notice.answer, notice.answered_at, notice.answered_by = text, timezone.now(), user
    notice.status = SupervisionNotice.ANSWERED
    notice.save()
    notify.tell_office(
        kind=notify.ANSWERED,
        task=notice.task,
        key=f"notice-answered:{notice.pk}",
        link=f"/supervision/notices/{notice.pk}/",
        text=_("%(org)s 已反馈 %(number)s：%(text)s")
        % {"org": notice.organization, "number": notice.number, "text": text[:200]},
    )
    return notice


def _raise_closed(notice: SupervisionNotice):
    raise ValidationError({"status": _("%(n)s 已办结") % {"n": notice.number}})


@transaction.atomic
def close(*, notice: SupervisionNotice, user, note: str = "") -> SupervisionNotice:
    """Office: close (办结) an answered notice (or one no longer needed, with a note)."""
    notice = SupervisionNotice.objects.select_for_update().get(pk=notice.pk)
    workflow.require(
        user,
        "supervision.close_notice",
        notice,
        refuse_state=lambda: _raise_closed(notice),
        message=_("只有对口办可以办结督办"),
    )
    if notice.status != SupervisionNotice.ANSWERED and not (note or "").strip():
        raise ValidationError({"note": _("尚未反馈的督办办结时须写明理由")})
    notice.status, notice.closed_at, notice.close_note = (
        SupervisionNotice.CLOSED,
        timezone.now(),
        note.strip(),
    )
    notice.save()
    return notice


# ---------------------------------------------------------------- the ledger


def ledger(queryset, state: str, today: dt.date):
    """Filter the ledger: open (not closed), answered, overdue (issued, past its answer date), closed."""
    if state == "open":
        return queryset.filter(status__in=OPEN)
    if state == "answered":
        return queryset.filter(status=SupervisionNotice.ANSWERED)
    if state == "overdue":
        return queryset.filter(status=SupervisionNotice.ISSUED, answer_due__lt=today)
    if state == "closed":
        return queryset.filter(status=SupervisionNotice.CLOSED)
    return queryset


def ledger_counts(queryset, today: dt.date) -> dict[str, int]:
    return queryset.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN)),
        answered=Count("pk", filter=Q(status=SupervisionNotice.ANSWERED)),
        overdue=Count("pk", filter=Q(status=SupervisionNotice.ISSUED, answer_due__lt=today)),
        closed=Count("pk", filter=Q(status=SupervisionNotice.CLOSED)),
    )


LEDGER_HEADERS = [
    "督办编号",
    "等级",
    "状态",
    "督办单位",
    "任务编号",
    "任务",
    "督办事由",
    "签发日期",
    "反馈期限",
    "反馈日期",
    "反馈内容",
    "办结日期",
    "是否逾期",
]


def ledger_xlsx(notices, today: dt.date) -> bytes:
    """The ledger as an Excel workbook an office files: one row per notice, dates as dates, a frozen header."""
    rows = (
        [
            n.number,
            n.get_level_display(),
            n.get_status_display(),
            n.organization.full_name,
            n.task.number,
            n.task.title,
            n.reason,
            timezone.localtime(n.issued_at).date() if n.issued_at else None,
            n.answer_due,
            timezone.localtime(n.answered_at).date() if n.answered_at else None,
            n.answer,
            timezone.localtime(n.closed_at).date() if n.closed_at else None,
            "是" if n.overdue_on(today) else "否",
        ]
        for n in notices.select_related("organization", "task")
    )
    return sheets.write_sheet(
        "督办台账",
        LEDGER_HEADERS,
        rows,
        widths=(18, 6, 12, 26, 8, 40, 40, 12, 12, 12, 40, 12, 8),
        formats=dict.fromkeys((7, 8, 9, 11), "yyyy-mm-dd"),
        wrap=True,
    )


# ---------------------------------------------------------------- 督办单 (.docx)


def notice_docx(notice: SupervisionNotice, *, issuer: str = "") -> bytes:
    """The 督办单 as a 公文 (the office's shared builder, duikou.core.gongwen)."""
    issuer = issuer or _("对口支援工作办公室")
    day = (
        timezone.localtime(notice.issued_at).date()
        if notice.issued_at
        else today_for(notice.task.plan.program)
    )
    body = _notice_paragraphs(notice)
    doc = GongwenDocument(
        title=_("督办单"),
        issuer=issuer,
        doc_number=notice.number,
        date=day,
        addressee=f"{notice.organization.full_name}：",
    )
    for text in body:
        doc.paragraph(text)
    return doc.to_bytes()


def _notice_paragraphs(notice: SupervisionNotice) -> list[str]:
    task = notice.task
    due = notice.answer_due.isoformat() if notice.answer_due else ""
    lines = [
        _("根据对口支援工作督查督办有关规定，现对你单位承担的以下事项予以%(level)s督办：")
        % {"level": notice.get_level_display()},
        _("一、督办事项：%(plan)s 第 %(number)s 项“%(title)s”，完成时限：%(deadline)s。")
        % {
            "plan": task.plan.title,
            "number": task.number or task.pk,
            "title": task.title,
            "deadline": task.deadline or (task.due_date.isoformat() if task.due_date else "—"),
        },
        _("二、督办事由：%(reason)s。") % {"reason": notice.reason},
        _("三、当前进度：%(progress)d%%，状态：%(status)s。")
        % {"progress": task.progress, "status": task.get_status_display()},
    ]
    if due:
        day = notice.answer_due
        lines.append(
            _("请于%(date)s前将办理情况书面反馈对口支援工作办公室，并附相关佐证材料。")
            % {"date": cn_date(day)}
        )
    return lines
