"""Target pages: every target with achieved-to-date and progress; one target with its allocations."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import VIEW
from duikou.plans.models import Plan
from duikou.reports.achieved import achieved_by_target, latest_approved_figures
from duikou.web.lists import RestrictedListView

from .filters import TARGET_FILTERS
from .models import Allocation, Target
from .tables import TARGET_COLUMNS


def with_progress(targets: list[Target]) -> list[Target]:
    """Attach achieved (sum of the units' latest approved figures), progress and reached, in one query."""
    achieved = achieved_by_target(target_ids=[t.pk for t in targets])
    for target in targets:
        target.achieved = achieved.get(target.pk)
        target.progress = target.progress_of(target.achieved)
        target.reached = target.is_reached_by(target.achieved)
    return targets


class TargetListView(RestrictedListView):
    model = Target
    title = _("目标指标")
    columns = TARGET_COLUMNS
    filters = TARGET_FILTERS
    search_fields = ("indicator", "text")
    default_sort = "plan__issued_on,order"
    export_name = "targets"
    select_related = ("plan",)
    template_name = "targets/target_list.html"

    def annotate(self, queryset):
        return queryset.annotate(allocation_count=Count("allocations"))

    def decorate(self, rows):
        return with_progress(rows)

    def extra_context(self):
        plan_id = self.request.GET.get("plan", "")
        plan = None
        if plan_id.isdigit():
            plan = (
                Plan.objects.restrict(self.request.user, VIEW)
                .select_related("program")
                .filter(pk=plan_id)
                .first()
            )
        return {"plan": plan, "tab": "targets"}


@login_required
def target_detail(request, pk: int):
    """One target: its text, its allocations to units with each unit's latest approved figure."""
    target = get_object_or_404(
        Target.objects.restrict(request.user, VIEW).select_related("plan", "task"), pk=pk
    )
    with_progress([target])
    figures = latest_approved_figures(target_ids=[target.pk])
    allocations = list(
        Allocation.objects.restrict(request.user, VIEW)
        .filter(target=target)
        .select_related("organization")
        .order_by("order")
    )
    for allocation in allocations:
        allocation.achieved = figures.get((target.pk, allocation.organization_id))
        allocation.progress = allocation.progress_of(allocation.achieved)
    return render(request, "targets/target_detail.html", {"target": target, "allocations": allocations})
