"""Indicator pages: the national table (with provinces, cities or pairs below it), each pair's yearly agreement
(entered, uploaded as .xlsx or taken from a plan), and the office's confirmation of target → indicator mappings.
Views wire requests to services; the permission gate decides who sees and changes what."""

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
from duikou.core.dates import today_for
from duikou.core.errors import InputError
from duikou.core.periods import MAX_YEAR, MIN_YEAR
from duikou.plans.models import Plan
from duikou.programs.models import Pairing, Program
from duikou.targets.models import Target

from . import services
from .exports import write_xlsx
from .forms import AgreementFromPlanForm, AgreementStartForm, AgreementUploadForm
from .models import Agreement

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIGHT_NAMES = {"green": _("正常"), "yellow": _("滞后"), "red": _("严重滞后"), "done": _("已完成")}


def _require_view(user) -> None:
    if not (perms.is_office(user) or perms.role_of(user) in perms.READ_EVERYTHING_ROLES):
        raise PermissionDenied(_("只有对口办、领导和督查可以查看全国指标"))


def _require_office(user) -> None:
    if not perms.allows(user, Agreement, perms.CHANGE):
        raise PermissionDenied(_("只有对口办管理员可以维护年度协议"))


def _year(request) -> int:
    text = request.GET.get("year") or request.POST.get("year") or ""
    year = int(text) if text.isdigit() else today_for().year
    return year if MIN_YEAR <= year <= MAX_YEAR else today_for().year


def _rows(lines, year: int):
    return [
        {
            "line": line,
            "light": services.light(line, year=year),
            "light_name": LIGHT_NAMES.get(services.light(line, year=year), ""),
        }
        for line in lines
    ]


@login_required
def national(request):
    """全国 (or one program): agreed, achieved and rate per indicator; provinces, cities or pairs below."""
    _require_view(request.user)
    year = _year(request)
    level = request.GET.get("level") if request.GET.get("level") in services.LEVELS else services.NATIONAL
    programs = Program.objects.restrict(request.user, perms.VIEW).order_by("name")
    program = None
    if (request.GET.get("program") or "").isdigit():
        program = programs.filter(pk=int(request.GET["program"])).first()
    result = services.progress(year=year, level=level, program_ids={program.pk} if program else None)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(
            write_xlsx(result, scope=program.name if program else _("全国")), content_type=XLSX
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'协作指标-{year}.xlsx')}"
        return response
    return render(
        request,
        "indicators/national.html",
        {
            "year": year,
            "level": level,
            "program": program,
            "programs": programs[:500],
            "rows": _rows(result.lines, year),
            "groups": [{"group": g, "rows": _rows(g.lines, year)} for g in result.groups],
            "levels": [
                (services.NATIONAL, _("全国")),
                (services.PROVINCE, _("省")),
                (services.CITY, _("市")),
                (services.PAIR, _("结对")),
            ],
            "years": list(range(today_for().year, today_for().year - 6, -1)),
        },
    )


@login_required
def agreement_list(request):
    """The agreements of a year; the office starts one for a pair."""
    _require_view(request.user)
    year = _year(request)
    pairings = Pairing.objects.restrict(request.user, perms.VIEW).select_related(
        "donor", "recipient", "program"
    )
    form = AgreementStartForm(request.POST or None, pairings=pairings, initial={"year": year})
    if request.method == "POST":
        _require_office(request.user)
        if form.is_valid():
            agreement = services.save_agreement(
                pairing=form.cleaned_data["pairing"],
                year=form.cleaned_data["year"],
                values={},
                user=request.user,
            )
            return redirect("indicators:agreement", pk=agreement.pk)
    agreements = (
        Agreement.objects.restrict(request.user, perms.VIEW)
        .filter(year=year)
        .select_related("pairing__donor", "pairing__recipient", "pairing__program")
    )
    return render(
        request,
        "indicators/agreement_list.html",
        {
            "year": year,
            "agreements": agreements,
            "form": form,
            "can_edit": perms.allows(request.user, Agreement, perms.CHANGE),
        },
        status=400 if form.errors else 200,
    )


@login_required
def agreement_detail(request, pk: int):
    """One agreement: its values per indicator beside progress; the office edits, uploads or takes them from a plan."""
    agreement = get_object_or_404(
        Agreement.objects.restrict(request.user, perms.VIEW).select_related(
            "pairing__donor", "pairing__recipient"
        ),
        pk=pk,
    )
    indicators = services.catalogue(agreement.year)
    plans = Plan.objects.filter(program=agreement.pairing.program_id)
    upload_form, plan_form = AgreementUploadForm(), AgreementFromPlanForm(plans=plans)
    errors: list[str] = []
    if request.method == "POST":
        _require_office(request.user)
        action = request.POST.get("action")
        try:
            if action == "upload":
                upload_form = AgreementUploadForm(request.POST, request.FILES)
                if not upload_form.is_valid():
                    raise InputError(_("请选择 .xlsx 文件"))
                upload = upload_form.cleaned_data["file"]
                values = services.read_agreement_sheet(upload.read(), upload.name, agreement.year)
                source = Agreement.SPREADSHEET
                plan = None
            elif action == "plan":
                plan_form = AgreementFromPlanForm(request.POST, plans=plans)
                if not plan_form.is_valid():
                    raise InputError(_("请选择方案"))
                plan = plan_form.cleaned_data["plan"]
                values = services.values_from_plan(plan, agreement.year)
                source = Agreement.PLAN
            else:
                values, plan, source = _typed_values(request.POST, indicators), None, Agreement.MANUAL
            services.save_agreement(
                pairing=agreement.pairing,
                year=agreement.year,
                values=values,
                user=request.user,
                source=source,
                plan=plan,
                title=request.POST.get("title", "").strip()[:300],
            )
        except InputError as exc:
            errors.append(str(exc))
        else:
            messages.success(request, _("年度协议已保存"))
            return redirect("indicators:agreement", pk=agreement.pk)
    pair = agreement.pairing
    result = services.progress(year=agreement.year, level=services.PAIR, program_ids={pair.program_id})
    group = next((g for g in result.groups if g.id == pair.pk), None)
    agreed = {v.indicator.code: v.value for v in agreement.values.select_related("indicator")}
    lines = group.lines if group else []
    return render(
        request,
        "indicators/agreement_detail.html",
        {
            "agreement": agreement,
            "rows": _rows(lines, agreement.year),
            "agreed": agreed,
            "can_edit": perms.allows(request.user, Agreement, perms.CHANGE),
            "errors": errors,
            "upload_form": upload_form,
            "plan_form": plan_form,
        },
        status=400 if errors else 200,
    )


def _typed_values(post, indicators) -> dict[str, Decimal | None]:
    values: dict[str, Decimal | None] = {}
    for indicator in indicators:
        text = (post.get(f"value-{indicator.code}") or "").replace(",", "").strip()
        if not text:
            values[indicator.code] = None
            continue
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0:
            raise InputError(_("%(name)s：“%(text)s”不是非负数") % {"name": indicator, "text": text})
        values[indicator.code] = value
    return values


@login_required
def target_mapping(request):
    """Targets whose indicator is not yet confirmed: the office confirms the proposal or chooses another."""
    _require_office(request.user)
    if request.method == "POST":
        target = get_object_or_404(
            Target.objects.restrict(request.user, perms.CHANGE), pk=request.POST.get("target")
        )
        code = request.POST.get("indicator", "")
        indicators = {i.code: i for i in services.catalogue(target.year or target.plan.start_year)}
        if code != "none" and code not in indicators:
            messages.error(request, _("未知指标“%(code)s”") % {"code": code})
        else:
            services.map_target(target=target, indicator=indicators.get(code), user=request.user)
            messages.success(request, _("已确认：%(target)s") % {"target": target.indicator})
        return redirect("indicators:targets")
    pending = (
        Target.objects.restrict(request.user, perms.VIEW)
        .filter(national_indicator_confirmed=False)
        .select_related("plan", "national_indicator__parent")
        .order_by("plan", "order")[:200]
    )
    return render(
        request, "indicators/target_mapping.html", {"targets": pending, "indicators": services.catalogue()}
    )


@login_required
def panel(request):
    """The dashboard's panel (loaded after the page by htmx): the main indicators of the latest agreed year."""
    _require_view(request.user)
    if request.GET.get("year"):
        year = _year(request)
    else:  # the latest year with agreements (the year leaders are asked about), else this year
        this_year = today_for().year
        year = (
            Agreement.objects.filter(year__lte=this_year)
            .order_by("-year")
            .values_list("year", flat=True)
            .first()
            or this_year
        )
    result = services.progress(year=year)
    rows = _rows([line for line in result.lines if not line.indicator.parent_id], year)
    return render(request, "indicators/panel.html", {"year": year, "rows": rows})
