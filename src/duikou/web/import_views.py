"""The import wizard's pages: upload (read on the queue), review beside the source, correct, choose units,
publish (on the queue); the work itself is `imports`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou.core import job_views, workflow
from duikou.core import jobs as jobs_core
from duikou.core.errors import InputError
from duikou.core.middleware import accepts_upload
from duikou.core.models import Job
from duikou.core.text import normalize_name
from duikou.indicators.services import catalogue, propose_for_items
from duikou.organizations.models import Organization
from duikou.plans.models import Plan
from duikou.reader import check_plan
from duikou.targets.units import UNIT_CHOICES, YUAN, format_quantity, format_target, item_unit

from . import imports, jobs
from .forms import PlanUploadForm
from .locate import locate_plan, segments
from .models import ImportDraft


def _require_import(request):
    if not workflow.can(request.user, "plans.import"):
        raise PermissionDenied(_("只有对口办管理员可以导入方案"))


def _draft(request, pk: int) -> ImportDraft:
    _require_import(request)
    return get_object_or_404(ImportDraft, pk=pk)


@accepts_upload
@login_required
def import_upload(request):
    """Upload a plan; a file that cannot be read is reported on the page and nothing is stored."""
    _require_import(request)
    form = PlanUploadForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    duplicate = None
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            job = jobs.start_reading(
                name=upload.name, raw=upload.read(), user=request.user, program=form.cleaned_data["program"]
            )
            if job.status != Job.FAILED:
                return job_views.follow(request, job)  # the draft's review page, or the job's while it reads
            # Refused at once (the immediate backend): on this page, as before any queue.
            form.add_error("file", job.error)
            if job.result.get("duplicate"):
                duplicate = Plan.objects.filter(pk=job.result["duplicate"]).first()
                status = 409
            else:
                status = 400
        else:
            status = 400
    drafts = (
        ImportDraft.objects.filter(status=ImportDraft.OPEN)
        .select_related("created_by")
        .defer("source_bytes", "source_text", "plan_data")[:50]
    )
    return render(
        request,
        "web/import_upload.html",
        {"form": form, "drafts": drafts, "duplicate": duplicate},
        status=status,
    )


def _review_context(draft: ImportDraft, errors: dict | None = None, typed: dict | None = None) -> dict:
    """The review page's items; `typed` (ref → the form's values) shows back what was typed in a refused edit."""

    data = draft.plan_data
    spans, found = locate_plan(draft.source_text, data) if draft.source_text else ([], {})
    tasks = []
    for i, task in enumerate(data.get("tasks") or []):
        units = [
            {
                "ref": f"task-{i}-{role}-{j}",
                "name": name,
                "role": role,
                "found": found.get(f"task-{i}-{role}-{j}"),
            }
            for role in ("lead_units", "support_units")
            for j, name in enumerate(task.get(role) or [])
        ]
        tasks.append(
            {
                "index": i,
                "ref": f"task-{i}",
                "task": task,
                "units": units,
                "found": found.get(f"task-{i}"),
                "lead_text": "、".join(task.get("lead_units") or []),
                "support_text": "、".join(task.get("support_units") or []),
            }
        )
    targets = []
    indicators = catalogue((data.get("period") or {}).get("start_year"))
    proposals = propose_for_items(data.get("targets") or [], (data.get("period") or {}).get("start_year"))
    for i, target in enumerate(data.get("targets") or []):
        shares = [
            {
                "ref": f"target-{i}-allocation-{j}",
                "share": s,
                "found": found.get(f"target-{i}-allocation-{j}"),
            }
            for j, s in enumerate(target.get("allocations") or [])
        ]
        code, unit_text = item_unit(target)
        is_money = code == YUAN
        for s in shares:
            s["shown"] = format_quantity(s["share"].get("value"), code, unit_text)
        targets.append(
            {
                "index": i,
                "ref": f"target-{i}",
                "target": target,
                "shares": shares,
                "found": found.get(f"target-{i}"),
                "phrase": format_target(
                    target.get("comparator") or "=", target.get("value"), code, unit_text, target.get("year")
                ),
                "unit_code": code,
                "unit_text": unit_text,
                "money": is_money,
                # Money is corrected in 万元, as it is shown; the draft keeps yuan.
                "value_text": imports.editable_number(target.get("value"), is_money),
                "proposal": proposals[i],
                "confirmed": bool(target.get("national_indicator")),
                "allocations_text": "\n".join(
                    f"{s['unit']} {imports.editable_number(s['value'], is_money)}"
                    for s in target.get("allocations") or []
                ),
            }
        )
    funding = [
        {
            "index": i,
            "ref": f"funding-{i}",
            "line": line,
            "found": found.get(f"funding-{i}"),
            "amount_text": imports.editable_number(line.get("amount_yuan"), True),
        }
        for i, line in enumerate(data.get("funding") or [])
    ]
    pairings = [
        {"index": i, "ref": f"pairing-{i}", "pairing": p, "found": found.get(f"pairing-{i}")}
        for i, p in enumerate(data.get("pairings") or [])
    ]
    findings = [f for f in check_plan(data) if not f.get("ok")]
    for item in [*tasks, *targets, *funding, *pairings]:
        item["typed"] = (typed or {}).get(item["ref"])
    return {
        "typed_header": (typed or {}).get("header"),
        "unit_choices": UNIT_CHOICES,
        "draft": draft,
        "data": data,
        "segments": segments(draft.source_text, spans),
        "tasks": tasks,
        "targets": targets,
        "indicators": indicators,
        "funding": funding,
        "pairings": pairings,
        "units": imports.unit_choices(draft),
        "findings": findings,
        "errors": errors or {},
        "period": data.get("period") or {},
        "located": sum(1 for v in found.values() if v),
        "locatable": len(found),
    }


@login_required
def import_review(request, pk: int):
    """The extraction beside the source text, each item marked where it came from."""
    draft = _draft(request, pk)
    if draft.status == ImportDraft.PUBLISHED and draft.plan_id:
        return redirect("plans:detail", pk=draft.plan_id)
    return render(request, "web/import_review.html", _review_context(draft))


@login_required
@require_POST
def import_edit(request, pk: int):
    """Correct one item in place (htmx swaps the item back); an invalid value names its place and changes nothing."""
    draft = _draft(request, pk)
    kind = request.POST.get("kind", "")
    index = request.POST.get("index", "")
    ref = request.POST.get("ref", kind)
    values = {
        f: request.POST[f] for f in (*imports.EDITABLE.get(kind, ()), "unit_other") if f in request.POST
    }
    errors = {}
    try:
        draft = imports.edit_item(
            draft=draft,
            kind=kind,
            index=int(index) if index.isdigit() else None,
            values=values,
            delete=request.POST.get("delete") == "1",
        )
    except InputError as exc:
        errors[ref] = str(exc)
    except ImportDraft.DoesNotExist:
        errors[ref] = _("该导入草稿已发布或已放弃，不能再修改")
    typed = {ref: request.POST} if errors else None
    return render(request, "web/import_review.html", _review_context(draft, errors, typed))


@login_required
@require_POST
def import_resolve(request, pk: int):
    """Choose the organization a printed unit name means: a candidate, an organization by full name, or a new one."""
    draft = _draft(request, pk)
    printed = request.POST.get("printed", "")
    choice = request.POST.get("choice", "")
    full_name = request.POST.get("full_name", "").strip()
    errors = {"unit_row": request.POST.get("row", "")}
    try:
        if request.POST.get("drop") == "1":
            imports.choose_unit(draft=draft, printed=printed, drop=True)
        elif full_name:
            matches = list(Organization.objects.filter(full_name=full_name)[:2]) or list(
                Organization.objects.filter(name=full_name)[:2]
            )
            if len(matches) != 1:
                raise InputError(
                    _("没有找到全称为“%(name)s”的单位") % {"name": full_name}
                    if not matches
                    else _("“%(name)s”对应多个单位，请输入带上级的全称") % {"name": full_name}
                )
            imports.choose_unit(draft=draft, printed=printed, organization=matches[0])
        elif choice == "create":
            imports.choose_unit(draft=draft, printed=printed, create=True)
        elif choice.isdigit():
            imports.choose_unit(
                draft=draft, printed=printed, organization=get_object_or_404(Organization, pk=choice)
            )
        else:
            imports.choose_unit(draft=draft, printed=printed, clear=True)
    except InputError as exc:
        errors["unit"] = str(exc)
    except ImportDraft.DoesNotExist:
        errors["unit"] = _("该导入草稿已发布或已放弃，不能再修改")
    draft.refresh_from_db()
    return render(request, "web/import_review.html", _review_context(draft, errors))


@login_required
def unit_suggestions(request):
    """Organizations whose name or full name contains what was typed: <option>s for the review's autocomplete."""
    _require_import(request)
    q = normalize_name(request.GET.get("full_name") or request.GET.get("q") or "")[:50]
    found = []
    if len(q) >= 2:
        found = list(
            Organization.objects.filter(Q(full_name__contains=q) | Q(name__contains=q))
            .order_by("tree_path")
            .values_list("full_name", flat=True)[:20]
        )
    return render(request, "web/_unit_options.html", {"names": found})


@login_required
@require_POST
def import_publish(request, pk: int):
    """Create and publish the plan in one transaction; on any problem nothing is stored and the page says why."""
    draft = _draft(request, pk)
    job = jobs_core.start(
        "web.publish",
        user=request.user,
        title=_("发布方案：%(name)s") % {"name": draft.source_name},
        draft=draft.pk,
    )
    if job.status == Job.FAILED:  # refused at once (the immediate backend): on the review page, as before
        context = _review_context(draft, {"publish": job.error})
        return render(request, "web/import_review.html", context, status=400)
    return job_views.follow(request, job)


@login_required
@require_POST
def import_discard(request, pk: int):
    draft = _draft(request, pk)
    ImportDraft.objects.filter(pk=draft.pk, status=ImportDraft.OPEN).update(status=ImportDraft.DISCARDED)
    messages.info(request, _("已放弃导入：%(name)s") % {"name": draft.source_name})
    return redirect("web:import")
