"""Pages of the exchange app: the public transparency pages and downloads, and the 任务分工 table page."""

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.errors import InputError
from duikou.core.job_views import follow
from duikou.core.jobs import start as start_job
from duikou.core.middleware import accepts_upload
from duikou.core.models import Job
from duikou.plans.models import Plan, Task
from duikou.programs.models import Program
from duikou.reports.models import Report

from . import iati, jobs, opendata
from .forms import BulletinForm
from .tasktable import compare_task_table, export_task_table, read_for_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def public_index(request):
    programs = Program.objects.filter(is_public=True).order_by("-start_year", "name")
    return render(
        request, "exchange/public_index.html", {"programs": programs, "datasets": opendata.DATASETS}
    )


def public_program(request, pk: int):
    program = opendata.public_program(pk)
    tasks = opendata.rows(program, "tasks")
    context = {
        "program": program,
        "datasets": opendata.DATASETS,
        "tasks": tasks,
        "plans": Plan.objects.filter(program=program, status=Plan.PUBLISHED).order_by("-issued_on"),
        "completed": sum(1 for t in tasks if t["status"] == str(dict(Task.STATUSES)[Task.COMPLETED])),
        "pairings": opendata.rows(program, "pairings"),
        "targets": opendata.rows(program, "targets"),
        "funds": opendata.rows(program, "funds"),
    }
    return render(request, "exchange/public_program.html", context)


def public_dataset(request, pk: str, dataset: str, fmt: str):
    pk = int(pk)
    program = opendata.public_program(pk)
    if dataset not in opendata.DATASETS:
        raise Http404
    if fmt == "csv":
        return _download(
            opendata.as_csv(program, dataset), f"program-{pk}-{dataset}.csv", "text/csv; charset=utf-8"
        )
    return HttpResponse(opendata.as_json(program, dataset), content_type="application/json; charset=utf-8")


def public_national_dataset(request, dataset: str, fmt: str):
    """One dataset over every public program at once, streamed: at national scale it is 500,000 tasks."""
    if dataset not in opendata.DATASETS:
        raise Http404
    if fmt == "csv":
        response = StreamingHttpResponse(
            opendata.stream_national_csv(dataset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f"attachment; filename=national-{dataset}.csv"
        return response
    return StreamingHttpResponse(
        opendata.stream_national_json(dataset), content_type="application/json; charset=utf-8"
    )


def public_iati(request, pk: int):
    program = opendata.public_program(pk)
    return HttpResponse(iati.program_activities(program), content_type="application/xml; charset=utf-8")


def _plan_for(request, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.restrict(request.user, perms.VIEW), pk=pk)


@login_required
def tasktable_export(request, pk: int):
    plan = _plan_for(request, pk)
    return _download(export_task_table(plan), f"plan-{plan.pk}-任务分工.xlsx", XLSX)


@accepts_upload
@login_required
def tasktable_import(request, pk: int):
    """Upload an edited table: see the differences first; apply them with a second, explicit step."""
    plan = _plan_for(request, pk)
    if not workflow.can(request.user, "plans.apply_task_table"):
        raise PermissionDenied(_("只有对口办管理员可以通过任务分工表修改方案"))
    context = {"plan": plan}
    if request.method == "POST":
        try:
            if "apply" in request.POST:
                digest = request.POST.get("upload", "")
                if not jobs.tasktable_upload(digest).exists():
                    raise InputError(_("上传的文件已失效，请重新上传"))
                job = start_job(
                    "exchange.apply_task_table",
                    user=request.user,
                    title=_("应用任务分工表：%(plan)s") % {"plan": plan.title},
                    plan=plan.pk,
                    upload=digest,
                )
                if job.status == Job.FAILED:  # refused at once (the immediate backend): on this page
                    raise InputError(job.error)
                return follow(request, job)
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise InputError(_("请选择 .xlsx 文件"))
                if upload.size > settings.DUIKOU_MAX_UPLOAD_BYTES:
                    raise InputError(_("%(file)s：文件过大") % {"file": upload.name})
                data = upload.read()
                table = read_for_plan(plan, data, name=upload.name)
                digest = hashlib.sha256(data).hexdigest()
                path = jobs.tasktable_upload(digest)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
                context.update(diff=compare_task_table(plan, table), upload=digest, filename=upload.name)
        except InputError as exc:
            context["error"] = str(exc)
    return render(request, "exchange/tasktable.html", context)


@login_required
def bulletin(request, pk: int):
    """The 工作通报 of a program for a period as a 公文 (.docx), built on the queue (charts take seconds); without a
    valid period, the page to pick one."""
    if not workflow.can(request.user, "assessments.bulletin"):
        raise PermissionDenied(_("只有对口办、领导和督查审计人员可以生成工作通报"))
    program = get_object_or_404(Program.objects.restrict(request.user, perms.VIEW), pk=pk)
    form = BulletinForm(request.GET or None, program=program)
    if not form.is_valid():
        return render(
            request,
            "exchange/bulletin.html",
            {"program": program, "form": form},
            status=400 if form.is_bound else 200,
        )
    period = form.cleaned_data["period"]
    job = start_job(
        "exchange.bulletin",
        user=request.user,
        title=_("工作通报：%(program)s %(period)s") % {"program": program.name, "period": period.label},
        program=program.pk,
        period=str(period),
        doc_number=form.cleaned_data["doc_number"] or None,
    )
    return follow(request, job)


def _int_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 19 else None


@login_required
def allocations_export(request):
    """Targets with their allocations and achieved-to-date as .xlsx (?plan= or ?program= narrows it), built on
    the queue: the page counts the rows, then offers the file."""
    job = start_job(
        "exchange.allocations",
        user=request.user,
        title=_("导出目标分解"),
        plan=_int_param(request, "plan"),
        program=_int_param(request, "program"),
    )
    return follow(request, job)


@login_required
def reports_export(request):
    """Reports with their target figures as .xlsx (?program= and ?status= narrow it), built on the queue."""
    status = request.GET.get("status", "")
    job = start_job(
        "exchange.reports",
        user=request.user,
        title=_("导出月报"),
        program=_int_param(request, "program"),
        status=status if status in dict(Report.STATUSES) else None,
    )
    return follow(request, job)
