"""The assessment procedure's page: the four steps in order, each dated with its .docx; forms for the next step
shown to whoever may take it. Views wire requests to assessments.procedure."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core.errors import InputError

from . import procedure as svc
from .models import AssessmentProcedure, AssessmentRule, ProcedureStep
from .views import DOCX, _program

Step = ProcedureStep


def _decimal(text: str, what: str) -> Decimal:
    try:
        value = Decimal((text or "0").replace(",", "").strip() or "0")
    except InvalidOperation:
        raise InputError(_("%(what)s：“%(text)s”不是数字") % {"what": what, "text": text}) from None
    if not value.is_finite():
        raise InputError(_("%(what)s：“%(text)s”不是数字") % {"what": what, "text": text})
    return value


@login_required
def procedure(request, pk: int, year: int):
    program = _program(request, pk, year)
    current = AssessmentProcedure.objects.filter(program=program, year=year).first()
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        side = request.POST.get("side", "")
        try:
            if action == "start":
                svc.start_procedure(program=program, year=year, user=request.user)
            elif current is None:
                raise InputError(_("尚未启动本年度考核程序"))
            elif action == "self":
                svc.submit_self_assessment(
                    procedure=current,
                    side=side,
                    user=request.user,
                    text=request.POST.get("text", ""),
                    evidence=request.FILES.get("evidence"),
                )
            elif action == "opinion":
                svc.submit_opinion(
                    procedure=current, side=side, user=request.user, text=request.POST.get("text", "")
                )
            elif action == "cross":
                verified = {
                    key.removeprefix("verified-"): _decimal(value, key.removeprefix("verified-"))
                    for key, value in request.POST.items()
                    if key.startswith("verified-") and value.strip()
                }
                svc.cross_verify(
                    procedure=current,
                    user=request.user,
                    group=request.POST.get("group", ""),
                    members=request.POST.get("members", ""),
                    findings=request.POST.get("findings", ""),
                    verified=verified,
                    adjustment=_decimal(request.POST.get("adjustment", ""), _("调整分")),
                )
            elif action == "grade":
                svc.grade_procedure(procedure=current, user=request.user)
            else:
                raise InputError(_("未知操作"))
        except InputError as exc:
            error = str(exc)
        except PermissionDenied as exc:
            raise exc
        else:
            messages.success(request, _("已办理"))
            return redirect("assessments:procedure", pk=program.pk, year=year)
    steps = list(current.steps.select_related("by")) if current else []
    done = {(s.kind, s.side) for s in steps}
    sides = [(Step.DONOR, _("支援方")), (Step.RECIPIENT, _("受援方"))]
    context = {
        "program": program,
        "year": year,
        "procedure": current,
        "steps": steps,
        "error": error,
        "can_start": perms.is_office(request.user) and current is None,
        "self_sides": [
            (code, label)
            for code, label in sides
            if current
            and current.stage == AssessmentProcedure.SELF
            and svc.may_take(request.user, current, Step.SELF_ASSESSMENT, code)
        ],
        "opinion_sides": [
            (code, label)
            for code, label in sides
            if current
            and current.stage == AssessmentProcedure.OPINION
            and (Step.OPINION, code) not in done
            and svc.may_take(request.user, current, Step.OPINION, code)
        ],
        "can_cross": bool(
            current
            and current.stage == AssessmentProcedure.CROSS
            and svc.may_take(request.user, current, Step.CROSS_VERIFICATION)
        ),
        "can_grade": bool(
            current
            and current.stage == AssessmentProcedure.CROSS
            and (Step.CROSS_VERIFICATION, "") in done
            and svc.may_take(request.user, current, Step.GRADING)
        ),
        "table": svc.indicator_table(program, year)
        if current and current.stage == AssessmentProcedure.CROSS
        else [],
        "rule": AssessmentRule.objects.filter(program=program, year=year).first(),
    }
    return render(request, "assessments/procedure.html", context, status=400 if error else 200)


@login_required
def step_docx(request, pk: int):
    step = get_object_or_404(
        Step.objects.restrict(request.user, perms.VIEW).select_related("procedure__program"), pk=pk
    )
    response = HttpResponse(svc.write_step_docx(step), content_type=DOCX)
    name = f"考核-{step.procedure.program_id}-{step.procedure.year}-{step.get_kind_display()}{step.get_side_display() if step.side else ''}.docx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
