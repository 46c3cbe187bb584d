"""Assessment pages: the office sets a program's weights for a year and computes; everyone allowed reads the
ranked results (a unit only its own row) and downloads them as .docx or .xlsx. Views only wire requests to
services; the permission gate decides who sees and changes what."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.dates import today_for
from duikou.core.periods import MAX_YEAR, MIN_YEAR
from duikou.programs.models import Program

from .documents import ordered_results, write_assessment, write_assessment_xlsx
from .forms import AssessmentRuleForm
from .models import Assessment, AssessmentRule
from .scoring import COMPONENTS
from .services import compute_assessment, publish_assessment

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _program(request, pk: int, year: int) -> Program:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404
    return get_object_or_404(Program.objects.restrict(request.user, perms.VIEW), pk=pk)


def _can_edit(user) -> bool:
    return workflow.can(user, "assessments.edit_rule")


def _can_compute(user) -> bool:
    return workflow.can(user, "assessments.compute")


def _years(program: Program) -> list[int]:
    """The years a program's assessment can be for: its period, else the years it has rules for, else this year."""
    this_year = today_for().year
    if program.start_year:
        last = min(program.end_year or this_year, this_year)
        return list(range(max(program.start_year, last - 9), last + 1))[::-1] or [program.start_year]
    return sorted({*program.assessment_rules.values_list("year", flat=True), this_year}, reverse=True)


@login_required
def assessment_index(request):
    """The programs the user may see, each with the years it can be assessed for."""
    programs = list(Program.objects.restrict(request.user, perms.VIEW).order_by("-start_year", "name")[:200])
    rules = set(
        AssessmentRule.objects.filter(program__in=programs, assessments__isnull=False)
        .values_list("program_id", "year")
        .distinct()
    )
    rows = [{"program": p, "years": [(y, (p.pk, y) in rules) for y in _years(p)]} for p in programs]
    return render(request, "assessments/index.html", {"rows": rows})


def _fmt(value: float | None, *, money: bool = False) -> str:
    if value is None:
        return ""
    if money:
        return f"{Decimal(str(value)) / 10000:,.2f}"
    return f"{value:g}"


def result_rows(results: list[Assessment]) -> list[dict]:
    """What the page shows per unit: rank, unit, score and each part's done/total, ratio and points."""
    rows = []
    for a in results:
        parts = []
        for key, label, _attr in COMPONENTS:
            p = a.breakdown.get(key) or {}
            applies = p.get("ratio") is not None
            money = key == "funds_spent"
            parts.append(
                {
                    "key": key,
                    "label": label,
                    "applies": applies,
                    "done": _fmt(p.get("done"), money=money),
                    "total": _fmt(p.get("total"), money=money),
                    "money": money,
                    "ratio": f"{p['ratio'] * 100:.2f}%" if applies else "",
                    "points": f"{p['points']:.2f}" if applies else "",
                }
            )
        rows.append(
            {
                "rank": a.rank,
                "organization": a.organization,
                "score": a.score,
                "parts": parts,
                "grade": a.rule.grade(a.score),
            }
        )
    return rows


@login_required
def assessment_detail(request, pk: int, year: int):
    """One program's assessment for one year: the weights (the office edits them), 计算, and the ranked results."""
    program = _program(request, pk, year)
    rule = AssessmentRule.objects.filter(program=program, year=year).first()
    can_edit, can_compute = _can_edit(request.user), _can_compute(request.user)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("只有对口办管理员可以设置考核权重"))
        instance = rule or AssessmentRule(program=program, year=year)
        form = AssessmentRuleForm(request.POST, instance=instance)
        if form.is_valid():
            if rule is not None and rule.published_at is not None:
                messages.error(request, _("考核结果已发布，权重和结果均已冻结"))
                return redirect("assessments:detail", pk=program.pk, year=year)
            rule = form.save()
            if "publish" in request.POST:
                try:
                    publish_assessment(rule=rule, user=request.user)
                except (ValidationError, PermissionDenied) as exc:
                    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
                else:
                    messages.success(
                        request, _("考核结果已发布并冻结；%(year)s 年各报告期已锁定") % {"year": year}
                    )
            elif "compute" in request.POST:
                if not can_compute:
                    raise PermissionDenied(_("只有对口办管理员可以计算考核结果"))
                try:
                    results = compute_assessment(rule=rule, user=request.user)
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(request, _("已计算 %(n)s 个单位的考核得分") % {"n": len(results)})
            else:
                messages.success(request, _("考核权重已保存"))
            return redirect("assessments:detail", pk=program.pk, year=year)
    elif can_edit:
        form = AssessmentRuleForm(instance=rule or AssessmentRule(program=program, year=year))
    results = []
    computed_at = None
    if rule is not None:
        results = ordered_results(
            rule, Assessment.objects.restrict(request.user, perms.VIEW).filter(rule=rule)
        )
        computed_at = max((a.created_at for a in results), default=None)
    context = {
        "program": program,
        "year": year,
        "rule": rule,
        "form": form,
        "can_edit": can_edit,
        "can_compute": can_compute,
        "rows": result_rows(results),
        "components": COMPONENTS,
        "computed_at": computed_at,
        "years": _years(program),
        "weights": [(label, getattr(rule, attr)) for _k, label, attr in COMPONENTS] if rule else [],
    }
    return render(request, "assessments/detail.html", context)


def _rule_for_download(request, pk: int, year: int):
    program = _program(request, pk, year)
    rule = get_object_or_404(AssessmentRule, program=program, year=year)
    return program, rule, Assessment.objects.restrict(request.user, perms.VIEW).filter(rule=rule)


@login_required
def assessment_docx(request, pk: int, year: int):
    program, rule, results = _rule_for_download(request, pk, year)
    return _download(write_assessment(rule=rule, results=results), f"考核-{program.pk}-{year}.docx", DOCX)


@login_required
def assessment_xlsx(request, pk: int, year: int):
    program, rule, results = _rule_for_download(request, pk, year)
    return _download(
        write_assessment_xlsx(rule=rule, results=results), f"考核-{program.pk}-{year}.xlsx", XLSX
    )
