"""Target pages: every target with achieved-to-date and progress; one target with its allocations."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms
from duikou.core.lists import RestrictedListView
from duikou.core.permissions import VIEW
from duikou.plans.models import Plan
from duikou.reports.achieved import achieved_by_target, latest_approved_figures
from duikou.supervision import lights

from .filters import TARGET_FILTERS
from .models import Allocation, Target
from .tables import TARGET_COLUMNS


def with_progress(targets: list[Target], user=None) -> list[Target]:
    """Attach achieved (sum of the units' latest approved figures), progress and reached, in one query.

    A user who sees only some of a target's allocations (a unit) gets the sum of the figures of those units only:
    other units' figures, one by one or summed, are not theirs to read (`target.partial` says so).
    """
    ids = [t.pk for t in targets]
    achieved = achieved_by_target(target_ids=ids)
    partial: dict[int, set[int]] = {}
    if user is not None and not _sees_every_allocation(user):
        visible: dict[int, set[int]] = {}
        for target_id, org_id in (
            Allocation.objects.restrict(user, VIEW)
            .filter(target_id__in=ids)
            .values_list("target_id", "organization_id")
        ):
            visible.setdefault(target_id, set()).add(org_id)
        everyone: dict[int, set[int]] = {}
        for target_id, org_id in Allocation.objects.filter(target_id__in=ids).values_list(
            "target_id", "organization_id"
        ):
            everyone.setdefault(target_id, set()).add(org_id)
        partial = {t: visible.get(t, set()) for t in ids if visible.get(t, set()) != everyone.get(t, set())}
        if partial:
            figures = latest_approved_figures(target_ids=list(partial))
            for target_id, orgs in partial.items():
                values = [v for (t, o), v in figures.items() if t == target_id and o in orgs]
                achieved[target_id] = sum(values) if values else None
    for target in targets:
        target.partial = target.pk in partial
        target.achieved = achieved.get(target.pk)
        target.progress = target.progress_of(target.achieved)
        target.reached = target.is_reached_by(target.achieved) and not target.partial
    lights.commitment_lights(targets)
    return targets


def _sees_every_allocation(user) -> bool:

    return perms.is_office(user) or perms.role_of(user) in perms.READ_EVERYTHING_ROLES


class TargetListView(RestrictedListView):
    model = Target
    title = _("目标指标")
    columns = TARGET_COLUMNS
    filters = TARGET_FILTERS
    default_sort = "plan__issued_on,order"
    export_name = "targets"
    select_related = ("plan__program",)
    template_name = "targets/target_list.html"
    body_template_name = "targets/_target_list_body.html"

    def annotate(self, queryset):
        return queryset.annotate(allocation_count=Count("allocations"))

    def decorate(self, rows):
        return with_progress(rows, self.request.user)

    def header_context(self):
        # The plan's header when the list is one plan's targets (its links depend on the user: read at every view).
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
        Target.objects.restrict(request.user, VIEW).select_related("plan__program", "task"), pk=pk
    )
    with_progress([target], request.user)
    figures = latest_approved_figures(target_ids=[target.pk])
    allocations = list(
        Allocation.objects.restrict(request.user, VIEW)
        .filter(target=target)
        .select_related("organization", "target__plan__program")
        .order_by("order")
    )
    for allocation in allocations:
        allocation.achieved = figures.get((target.pk, allocation.organization_id))
        allocation.progress = allocation.progress_of(allocation.achieved)
    lights.commitment_lights(allocations)
    return render(request, "targets/target_detail.html", {"target": target, "allocations": allocations})
