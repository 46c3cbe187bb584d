"""Organization pages: the list, and one unit's page with everything it is part of across programs."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import VIEW
from duikou.dispatches.models import Dispatch
from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Responsibility, Task
from duikou.projects.models import Project
from duikou.targets.models import Allocation
from duikou.web.lists import RestrictedListView
from duikou.web.stats import latest_approved_figures, ratio

from .filters import ORGANIZATION_FILTERS
from .models import Organization
from .tables import ORGANIZATION_COLUMNS


class OrganizationListView(RestrictedListView):
    model = Organization
    title = _("单位")
    columns = ORGANIZATION_COLUMNS
    filters = ORGANIZATION_FILTERS
    search_fields = ("name", "full_name", "aliases__alias")
    default_sort = "-task_count,tree_path"
    export_name = "organizations"

    def annotate(self, queryset):
        return queryset.annotate(task_count=Count("responsibilities__task", distinct=True))


@login_required
def organization_detail(request, pk: int):
    """A unit's tasks, targets and allocations, funds, projects and people dispatched, across every program."""
    user = request.user
    org = get_object_or_404(Organization.objects.restrict(user, VIEW).select_related("parent"), pk=pk)
    responsibilities = list(
        Responsibility.objects.restrict(user, VIEW)
        .filter(organization=org, task__in=Task.objects.restrict(user, VIEW))
        .select_related("task", "task__plan", "task__plan__program")
        .order_by("task__plan__issued_on", "task__order")
    )
    tasks = []
    for r in responsibilities:
        r.task.my_role = r
        tasks.append(r.task)
    allocations = list(
        Allocation.objects.restrict(user, VIEW)
        .filter(organization=org)
        .select_related("target", "target__plan")
        .order_by("target__plan__issued_on", "target__order")
    )
    figures = latest_approved_figures([a.target_id for a in allocations])
    for a in allocations:
        a.achieved = figures.get((a.target_id, org.pk))
        a.progress = ratio(a.achieved, a.value) if a.achieved is not None else None
    funding_lines = list(
        FundingLine.objects.restrict(user, VIEW).filter(source_organization=org).select_related("plan")
    )
    transactions = list(
        Transaction.objects.restrict(user, VIEW)
        .filter(Q(payer=org) | Q(payee=org))
        .select_related("payer", "payee", "project", "funding_line")
        .order_by("-date")[:100]
    )
    projects = list(
        Project.objects.restrict(user, VIEW)
        .filter(Q(implementer=org) | Q(recipient=org) | Q(proposed_by=org))
        .select_related("recipient", "implementer", "program")
        .order_by("-id")[:200]
    )
    dispatches = list(
        Dispatch.objects.restrict(user, VIEW)
        .filter(Q(from_organization=org) | Q(to_organization=org))
        .select_related("from_organization", "to_organization")
        .order_by("-start_date")[:200]
    )
    children = (
        Organization.objects.restrict(user, VIEW)
        .filter(parent=org)
        .annotate(task_count=Count("responsibilities", distinct=True))
        .filter(task_count__gt=0)
        .order_by("-task_count")[:50]
        if org.kind == Organization.REGION
        else []
    )
    summary = {
        "tasks": len(tasks),
        "lead": sum(1 for r in responsibilities if r.role == Responsibility.LEAD),
        "completed": sum(1 for t in tasks if t.status == Task.COMPLETED),
        "overdue": sum(1 for t in tasks if t.is_overdue),
        "paid": sum(
            (t.amount for t in transactions if t.payer_id == org.pk and t.kind == Transaction.DISBURSEMENT), 0
        ),
        "received": sum(
            (t.amount for t in transactions if t.payee_id == org.pk and t.kind == Transaction.DISBURSEMENT), 0
        ),
    }
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "org": org,
            "tasks": tasks,
            "allocations": allocations,
            "funding_lines": funding_lines,
            "transactions": transactions,
            "projects": projects,
            "dispatches": dispatches,
            "summary": summary,
            "children": children,
            "aliases": org.aliases.all(),
        },
    )
