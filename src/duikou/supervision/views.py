"""Supervision pages: a task's supervision page (its units' parts, light, urges, requests), urges, change
requests. Views only wire requests to services; the services check permission in one transaction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.dates import today_for
from duikou.core.job_views import follow
from duikou.core.jobs import start as start_job
from duikou.organizations.models import Organization
from duikou.plans.models import Responsibility, Task
from duikou.programs.models import Program
from duikou.reports import services as report_services
from duikou.reports.models import PeriodLock, Report

from . import lights, notices, rules, services
from .forms import (
    AnswerForm,
    ChangeRequestForm,
    CloseForm,
    DecisionForm,
    InstructionForm,
    NoticeAnswerForm,
    UnlockForm,
    UrgeForm,
)
from .models import ChangeRequest, Instruction, InstructionTarget, LightRule, SupervisionNotice, Urge

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _flash(request, exc) -> None:
    for m in _errors(exc) if isinstance(exc, ValidationError) else [str(exc) or _("无权进行此操作")]:
        messages.error(request, m)


def visible_task(request, pk: int) -> Task:
    return get_object_or_404(Task.objects.restrict(request.user).select_related("plan__program"), pk=pk)


@login_required
def task_detail(request, pk: int):
    """A task's supervision page: each unit's part, urges, requests; one click to urge or to ask for a change."""
    task = visible_task(request, pk)
    parts = list(task.responsibilities.select_related("organization").order_by("role", "order"))
    user = request.user
    own = [p for p in parts if perms.within(user, p.organization)]
    context = {
        "task": task,
        "parts": parts,
        "urges": Urge.objects.restrict(user).filter(task=task).select_related("organization")[:50],
        "requests": ChangeRequest.objects.restrict(user)
        .filter(task=task)
        .select_related("organization")[:50],
        "is_office": workflow.may(user, "supervision.urge", task),
        "urge_form": UrgeForm(units=[p.organization for p in parts])
        if workflow.can(user, "supervision.urge", task)
        else None,
        "can_request": bool(own) and workflow.can(user, "supervision.request_change", task),
    }
    context.update(_extra_task_context(request, task))
    return render(request, "supervision/task_detail.html", context)


def _extra_task_context(request, task) -> dict:
    """The task's light, its 督办 notices and the instructions on it."""

    return {
        "light": lights.task_light(task),
        "instructions": Instruction.objects.restrict(request.user).filter(task=task)[:20],
        "notices": SupervisionNotice.objects.restrict(request.user)
        .filter(task=task)
        .select_related("organization")[:20],
        "may_instruct": _may_instruct(request.user),
    }


@login_required
@require_POST
def task_urge(request, pk: int):
    """Office: urge a unit (or every unit of the task) in one click."""
    task = visible_task(request, pk)
    units = [r.organization for r in task.responsibilities.select_related("organization")]
    form = UrgeForm(request.POST, units=units)
    if not form.is_valid():
        messages.error(request, _("请选择被催办单位"))
        return redirect("supervision:task", pk=task.pk)
    targets = (
        units
        if form.cleaned_data["organization"] == "all"
        else [o for o in units if str(o.pk) == form.cleaned_data["organization"]]
    )
    try:
        for org in dict.fromkeys(targets):
            services.urge(
                user=request.user, organization=org, task=task, message=form.cleaned_data["message"]
            )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已催办 %(n)d 个单位") % {"n": len(set(targets))})
    return redirect("supervision:task", pk=task.pk)


@login_required
@require_POST
def report_urge(request, pk: int):
    """Office: urge the unit of a report (not yet handed in, or returned) in one click."""
    report = get_object_or_404(Report.objects.restrict(request.user).select_related("organization"), pk=pk)
    try:
        services.urge(
            user=request.user,
            organization=report.organization,
            report=report,
            message=request.POST.get("message", ""),
        )
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("已催办 %(org)s") % {"org": report.organization})
    return redirect(request.POST.get("next") or "supervision:urges")


@login_required
def urge_list(request):
    """Urges the user may see: a unit's own (unread first), all of them for the office and leaders."""
    urges = Urge.objects.restrict(request.user).select_related("organization", "task", "report")
    state = request.GET.get("state", "")
    if state == "unread":
        urges = urges.filter(read_at__isnull=True)
    elif state == "unanswered":
        urges = urges.filter(answered_at__isnull=True)
    page = Paginator(urges.order_by("answered_at", "-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "supervision/urge_list.html", {"page": page, "state": state})


@login_required
def urge_detail(request, pk: int):
    """One urge; the unit's first opening is recorded as read; the unit answers here."""
    item = get_object_or_404(
        Urge.objects.restrict(request.user).select_related("organization", "task", "report"), pk=pk
    )
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.answer_urge(urge=item, user=request.user, text=form.cleaned_data["answer"])
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("反馈已提交"))
                return redirect("supervision:urge", pk=item.pk)
    else:
        item = services.open_urge(urge=item, user=request.user)
        form = AnswerForm()
    can_answer = workflow.can(request.user, "supervision.answer", item)
    return render(
        request, "supervision/urge_detail.html", {"urge": item, "form": form, "can_answer": can_answer}
    )


# ---------------------------------------------------------------- change requests


@login_required
def request_new(request, pk: int):
    """A responsible unit asks to change the deadline or units, to cancel the task or to complete its part."""
    task = visible_task(request, pk)
    units = Organization.objects.filter(
        pk__in=Responsibility.objects.filter(task=task).values("organization_id")
    ).order_by("full_name")
    own = [o for o in units if rules.acts_for.test(request.user, o)]
    if not own or not workflow.can(request.user, "supervision.request_change", task):
        raise PermissionDenied(_("只有任务的责任单位可以提出变更申请"))
    form = ChangeRequestForm(
        request.POST or None,
        request.FILES or None,
        own=own,
        units=Organization.objects.all(),
        initial={"kind": request.GET.get("kind", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.request_change(
                user=request.user,
                task=task,
                organization=data["organization"],
                kind=data["kind"],
                reason=data["reason"],
                due_date=data.get("due_date"),
                lead_units=data.get("lead_units") or [],
                support_units=data.get("support_units") or [],
                evidence=data.get("evidence"),
            )
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("申请已提交，等待对口办审批"))
            return redirect("supervision:request", pk=item.pk)
    return render(request, "supervision/request_form.html", {"task": task, "form": form})


@login_required
def request_list(request):
    """Change requests: the office's queue (pending first); a unit's own."""
    items = ChangeRequest.objects.restrict(request.user).select_related("task", "organization")
    status = request.GET.get("status", "")
    if status in dict(ChangeRequest.STATUSES):
        items = items.filter(status=status)
    page = Paginator(items.order_by("-status", "-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/request_list.html",
        {"page": page, "status": status, "statuses": ChangeRequest.STATUSES},
    )


@login_required
def request_detail(request, pk: int):
    item = get_object_or_404(
        ChangeRequest.objects.restrict(request.user).select_related("task", "organization"), pk=pk
    )
    names = dict(
        Organization.objects.filter(pk__in=[*item.lead_units, *item.support_units]).values_list(
            "pk", "full_name"
        )
    )
    return render(
        request,
        "supervision/request_detail.html",
        {
            "item": item,
            "form": DecisionForm(),
            "leads": [names.get(i, i) for i in item.lead_units],
            "supports": [names.get(i, i) for i in item.support_units],
            "can_decide": workflow.can(request.user, "supervision.decide_change", item),
        },
    )


@login_required
@require_POST
def request_decide(request, pk: int, decision: str):
    item = get_object_or_404(ChangeRequest.objects.restrict(request.user), pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if decision == "approve":
            services.approve_change(request=item, user=request.user, reason=reason)
            messages.success(request, _("已批准"))
        else:
            services.reject_change(request=item, user=request.user, reason=reason)
            messages.success(request, _("已驳回"))
    except (ValidationError, PermissionDenied) as exc:
        _flash(request, exc)
    return redirect("supervision:request", pk=item.pk)


@login_required
def request_evidence(request, pk: int):
    item = get_object_or_404(ChangeRequest.objects.restrict(request.user), pk=pk)
    if not item.evidence:
        raise Http404
    return FileResponse(
        item.evidence.open("rb"), as_attachment=True, filename=item.evidence_name or "evidence"
    )


# ---------------------------------------------------------------- period locks


@login_required
def periods(request):
    """Office: the closing dates of reporting periods (关账), and unlocking with a reason; others read them."""

    office = workflow.may(request.user, "reports.close_period")
    programs = Program.objects.restrict(request.user).order_by("name")
    form = CloseForm(request.POST or None, programs=programs) if office else None
    if request.method == "POST":
        if not office:
            raise PermissionDenied(_("只有对口办可以设置关账日期"))
        if "unlock" in request.POST:
            lock = get_object_or_404(PeriodLock, pk=request.POST.get("unlock"))
            unlock = UnlockForm(request.POST)
            unlock.is_valid()
            try:
                report_services.unlock_period(
                    lock=lock, user=request.user, reason=unlock.cleaned_data.get("reason", "")
                )
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("已解锁 %(lock)s") % {"lock": lock})
            return redirect("supervision:periods")
        if form.is_valid():
            try:
                lock = report_services.close_period(
                    program=form.cleaned_data["program"],
                    period=form.cleaned_data["period"],
                    closes_on=form.cleaned_data["closes_on"],
                    user=request.user,
                )
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(
                    request, _("%(lock)s 将于 %(date)s 锁定") % {"lock": lock, "date": lock.closes_on}
                )
                return redirect("supervision:periods")
    locks = PeriodLock.objects.filter(program__in=programs).select_related("program", "unlocked_by")
    page = Paginator(locks.order_by("-period", "program__name"), 50).get_page(request.GET.get("page"))

    return render(
        request,
        "supervision/periods.html",
        {
            "page": page,
            "form": form,
            "unlock_form": UnlockForm(),
            "office": office,
            "today": today_for(),
        },
    )


# ---------------------------------------------------------------- 领导批示 / 领导关注


def _may_instruct(user) -> bool:
    return workflow.may(user, "supervision.instruct")


@login_required
def instruction_list(request):
    """领导关注: every instruction with where each unit stands (open first); a unit sees those that reach it."""

    items = Instruction.objects.restrict(request.user).select_related(
        "task", "organization", "report__organization"
    )
    state = request.GET.get("state", "")
    if state == "open":
        items = items.filter(closed_at__isnull=True)
    elif state == "closed":
        items = items.filter(closed_at__isnull=False)
    page = Paginator(
        items.order_by("-closed_at", "-created_at", "-pk").prefetch_related("targets__organization"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/instruction_list.html",
        {"page": page, "state": state, "may_instruct": _may_instruct(request.user)},
    )


@login_required
def instruction_new(request):
    """A leader's instruction on a task, a unit or a report (?task=, ?organization= or ?report=)."""

    if not _may_instruct(request.user):
        raise PermissionDenied(_("只有领导或对口办（代领导录入）可以作出批示"))
    params = request.POST if request.method == "POST" else request.GET
    task = organization = report = None
    if params.get("task", "").isdigit():
        task = visible_task(request, int(params["task"]))
    elif params.get("organization", "").isdigit():
        organization = get_object_or_404(
            Organization.objects.restrict(request.user), pk=params["organization"]
        )
    elif params.get("report", "").isdigit():
        report = get_object_or_404(Report.objects.restrict(request.user), pk=params["report"])
    else:
        raise Http404
    form = InstructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.instruct(
                user=request.user,
                text=form.cleaned_data["text"],
                leader_name=form.cleaned_data["leader_name"],
                task=task,
                organization=organization,
                report=report,
            )
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("批示已送达 %(n)d 个单位") % {"n": item.targets.count()})
            return redirect("supervision:instruction", pk=item.pk)
    return render(
        request,
        "supervision/instruction_form.html",
        {
            "form": form,
            "subject": task or organization or report,
            "task": task,
            "organization": organization,
            "report": report,
        },
    )


@login_required
def instruction_detail(request, pk: int):

    item = get_object_or_404(Instruction.objects.restrict(request.user), pk=pk)
    mine = list(InstructionTarget.objects.restrict(request.user, perms.CHANGE).filter(instruction=item))
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid() and mine:
            try:
                for target in mine:
                    services.answer_instruction(
                        target=target, user=request.user, text=form.cleaned_data["answer"]
                    )
            except (ValidationError, PermissionDenied) as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("反馈已提交"))
                return redirect("supervision:instruction", pk=item.pk)
    for target in mine:
        services.open_instruction(target=target, user=request.user)
    targets = (
        InstructionTarget.objects.restrict(request.user)
        .filter(instruction=item)
        .select_related("organization")
    )
    can_answer = any(
        t.answered_at is None and workflow.can(request.user, "supervision.answer", t) for t in mine
    )
    return render(
        request,
        "supervision/instruction_detail.html",
        {
            "item": Instruction.objects.get(pk=item.pk),
            "targets": targets,
            "form": AnswerForm(),
            "can_answer": can_answer,
        },
    )


# ---------------------------------------------------------------- 督办


@login_required
def notice_ledger(request):
    """督办台账: open, answered, overdue and closed notices; the office and leaders see all, a unit its own."""
    from django.http import HttpResponse

    today = today_for()
    rows = SupervisionNotice.objects.restrict(request.user).select_related("organization", "task")
    state = request.GET.get("state", "")
    shown = notices.ledger(rows, state, today)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(notices.ledger_xlsx(shown, today), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            True, f"督办台账-{today.isoformat()}.xlsx"
        )
        return response
    page = Paginator(shown.order_by("-year", "-sequence"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/notice_ledger.html",
        {
            "page": page,
            "state": state,
            "counts": notices.ledger_counts(rows, today),
            "today": today,
            "office": workflow.may(request.user, "supervision.escalate"),
        },
    )


@login_required
@require_POST
def notice_check(request):
    """Office: run the escalation now, on the queue (the scheduler runs it daily)."""
    workflow.require(request.user, "supervision.escalate", message=_("只有对口办可以发起督办检查"))
    return follow(request, start_job("supervision.escalate", user=request.user, title=_("督办检查")))


@login_required
def notice_detail(request, pk: int):

    notice = get_object_or_404(
        SupervisionNotice.objects.restrict(request.user).select_related("organization", "task__plan"), pk=pk
    )
    form = NoticeAnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "issue":
                notices.issue(notice=notice, user=request.user)
                messages.success(request, _("督办单已签发"))
            elif action == "close":
                notices.close(notice=notice, user=request.user, note=request.POST.get("note", ""))
                messages.success(request, _("督办已办结"))
            elif action == "answer" and form.is_valid():
                notices.answer(
                    notice=notice,
                    user=request.user,
                    text=form.cleaned_data["answer"],
                    evidence=form.cleaned_data.get("evidence"),
                )
                messages.success(request, _("反馈已提交"))
            else:
                raise ValidationError(_("请填写反馈内容"))
        except (ValidationError, PermissionDenied) as exc:
            _flash(request, exc)
        return redirect("supervision:notice", pk=notice.pk)
    can_answer = notice.status == SupervisionNotice.ISSUED and workflow.can(
        request.user, "supervision.answer", notice
    )
    return render(
        request,
        "supervision/notice_detail.html",
        {
            "notice": notice,
            "form": form,
            "can_answer": can_answer,
            "can_issue": workflow.can(request.user, "supervision.issue_notice", notice),
            "can_close": notice.status != SupervisionNotice.RAISED
            and workflow.can(request.user, "supervision.close_notice", notice),
            "overdue": notice.overdue_on(today_for(notice.task.plan.program)),
        },
    )


@login_required
def notice_docx(request, pk: int):
    from django.http import HttpResponse

    notice = get_object_or_404(
        SupervisionNotice.objects.restrict(request.user).select_related(
            "organization", "task__plan__program"
        ),
        pk=pk,
    )
    response = HttpResponse(notices.notice_docx(notice), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, f"{notice.number}.docx")
    return response


@login_required
def notice_evidence(request, pk: int):

    notice = get_object_or_404(SupervisionNotice.objects.restrict(request.user), pk=pk)
    if not notice.evidence:
        raise Http404
    return FileResponse(
        notice.evidence.open("rb"), as_attachment=True, filename=notice.evidence_name or "evidence"
    )


@login_required
def light_rules(request):
    """The office sets each program's light and 督办 rules (N, X, M, report grace days); others read them."""
    from django.forms import modelform_factory

    office = workflow.may(request.user, "supervision.configure")
    RuleForm = modelform_factory(
        LightRule, fields=["due_soon_days", "behind_points", "notice_after_days", "report_grace_days"]
    )
    programs = list(Program.objects.restrict(request.user).order_by("name")[:200])
    existing = {r.program_id: r for r in LightRule.objects.filter(program__in=programs)}
    if request.method == "POST":
        if not office:
            raise PermissionDenied(_("只有对口办可以设置红黄绿灯规则"))
        program = get_object_or_404(Program, pk=request.POST.get("program"))
        form = RuleForm(request.POST, instance=existing.get(program.pk) or LightRule(program=program))
        if form.is_valid():
            form.save()
            messages.success(request, _("已保存 %(p)s 的规则") % {"p": program})
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("supervision:rules")
    rows = [
        {"program": p, "form": RuleForm(instance=existing.get(p.pk) or LightRule(program=p), prefix=None)}
        for p in programs
    ]
    return render(request, "supervision/rules.html", {"rows": rows, "office": office})


@login_required
def program_settings(request, pk: int):
    """Office: one program's supervision settings — the light and 督办 thresholds (N, X, M, report grace days) and
    the group robots (企业微信, 钉钉) its reminders go to, for the whole program or one of its units."""
    from django.db.models import Q
    from django.forms import modelform_factory

    from duikou.programs.models import Program

    from .forms import WebhookChannelForm
    from .models import LightRule, WebhookChannel

    program = get_object_or_404(Program.objects.restrict(request.user), pk=pk)
    # The robots' addresses carry their keys: the office alone reads and sets them.
    workflow.require(
        request.user, "supervision.configure", program, message=_("只有对口办可以设置督查规则和群机器人")
    )
    units = (
        Organization.objects.filter(
            Q(responsibilities__task__plan__program=program) | Q(pk__in=program.donors.values("pk"))
        )
        .distinct()
        .order_by("full_name")
    )
    channels = WebhookChannel.objects.filter(
        Q(program=program) | Q(organization__in=units.values("pk"))
    ).select_related("organization")
    RuleForm = modelform_factory(
        LightRule, fields=["due_soon_days", "behind_points", "notice_after_days", "report_grace_days"]
    )
    rule = LightRule.objects.filter(program=program).first() or LightRule(program=program)
    rule_form, channel_form = (
        RuleForm(instance=rule, prefix="rule"),
        WebhookChannelForm(units=units, prefix="robot"),
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "rules":
            rule_form = RuleForm(request.POST, instance=rule, prefix="rule")
            if rule_form.is_valid():
                rule_form.save()
                messages.success(request, _("已保存 %(p)s 的红黄绿灯与督办规则") % {"p": program})
                return redirect("supervision:program_settings", pk=program.pk)
        elif action == "robot":
            instance = (
                get_object_or_404(channels, pk=request.POST["robot"]) if request.POST.get("robot") else None
            )
            channel_form = WebhookChannelForm(request.POST, instance=instance, units=units, prefix="robot")
            if channel_form.is_valid():
                channel = channel_form.save(commit=False)
                channel.program = program
                channel.save()
                messages.success(request, _("已保存群机器人 %(name)s") % {"name": channel.name})
                return redirect("supervision:program_settings", pk=program.pk)
        elif action in ("delete", "toggle"):
            channel = get_object_or_404(channels, pk=request.POST.get("robot"))
            if action == "delete":
                channel.delete()
                messages.success(request, _("已删除群机器人 %(name)s") % {"name": channel.name})
            else:
                channel.active = not channel.active
                channel.save()
                messages.success(
                    request,
                    (_("已启用群机器人 %(name)s") if channel.active else _("已停用群机器人 %(name)s"))
                    % {"name": channel.name},
                )
            return redirect("supervision:program_settings", pk=program.pk)
    return render(
        request,
        "supervision/program_settings.html",
        {"program": program, "rule_form": rule_form, "channel_form": channel_form, "channels": channels},
    )
