"""Project life pages: propose a project to the library, and move projects along by the roles allowed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou.core import workflow
from duikou.core.models import StaleEditError

from . import services
from .forms import ProposeProjectForm
from .models import Project


def _can_propose(user) -> bool:
    return workflow.can(user, "projects.propose")


@login_required
def project_list(request):
    """Projects the user sees, each with the moves this user may make now."""
    projects = Project.objects.restrict(request.user).select_related("recipient", "implementer", "program")
    status = request.GET.get("status", "")
    if status in dict(Project.STATUSES):
        projects = projects.filter(status=status)
    page = Paginator(projects.order_by("-id"), 50).get_page(request.GET.get("page"))
    labels = dict(Project.STATUSES)
    rows = [
        {"p": p, "moves": [(s, labels[s]) for s in services.allowed_moves(p, request.user)]} for p in page
    ]
    return render(
        request,
        "projects/workflow.html",
        {
            "page": page,
            "rows": rows,
            "statuses": Project.STATUSES,
            "status": status,
            "form": ProposeProjectForm(user=request.user) if _can_propose(request.user) else None,
        },
    )


@login_required
@require_POST
def move(request, pk):
    project = get_object_or_404(Project.objects.restrict(request.user), pk=pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        project = services.move_project(
            project=project, status=request.POST.get("status", ""), user=request.user, version=version
        )
    except StaleEditError as exc:
        messages.error(request, exc.messages[0])
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(
            request, _("项目“%(p)s”已变为“%(s)s”") % {"p": project, "s": project.get_status_display()}
        )
    return redirect("projects_workflow:list")


@login_required
@require_POST
def propose(request):
    form = ProposeProjectForm(request.POST, user=request.user)
    if not form.is_valid():
        for name, errs in form.errors.items():
            for e in errs:
                messages.error(request, f"{form.fields[name].label}：{e}" if name in form.fields else e)
        return redirect("projects_workflow:list")
    d = form.cleaned_data
    try:
        project = services.propose_project(
            user=request.user,
            program=d["program"],
            name=d["name"],
            sector=d["sector"],
            place=d["place"],
            budget=d["budget"] or 0,
            beneficiaries=d["beneficiaries"] or 0,
            description=d["description"],
        )
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("已申报项目“%(p)s”，等待对口办立项") % {"p": project})
    return redirect("projects_workflow:list")
