"""Organization pages: the list, and one unit's page with everything it is part of across programs."""

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from duikou.analytics.models import UnitRollup
from duikou.analytics.services import organization_summary
from duikou.core import versioned
from duikou.core.lists import RestrictedListView
from duikou.core.permissions import VIEW, viewer_key
from duikou.core.rows import label_rows
from duikou.dispatches.models import Dispatch
from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Responsibility, Task, attach_task_figures
from duikou.projects.models import Project
from duikou.reports.achieved import unit_figures
from duikou.supervision import lights
from duikou.targets.models import Allocation

from .filters import ORGANIZATION_FILTERS
from .models import Organization
from .tables import ORGANIZATION_COLUMNS


class OrganizationListView(RestrictedListView):
    model = Organization
    title = _("单位")
    columns = ORGANIZATION_COLUMNS
    filters = ORGANIZATION_FILTERS
    default_sort = "-task_count,tree_path"
    export_name = "organizations"

    def annotate(self, queryset):
        # Task assignments from the unit rollups (kept with the data): counting responsibilities per unit
        # over the whole tree to sort it took seconds at national scale.

        tasks = UnitRollup.objects.filter(organization_id=OuterRef("pk")).values("tasks")[:1]
        return queryset.annotate(task_count=Coalesce(Subquery(tasks), 0))


# Each list on the unit page shows at most this many rows; the cards count all of them from the tallies.
PAGE_ROWS = 50


@login_required
def organization_detail(request, pk: int):
    """A unit's tasks, targets and allocations, funds, projects and people dispatched, across every program.

    The cards read the analytics tallies (exact, kept with the data): whoever may open a unit's page may
    see every task assignment and payment of that unit. Each list shows its first PAGE_ROWS rows and links
    to the paged list for the rest; the lists and the unit's light are kept for the next viewer the gate sees alike
    while the data's version and the day stay the same (core.versioned).
    """

    user = request.user
    org = get_object_or_404(Organization.objects.restrict(user, VIEW).select_related("parent"), pk=pk)
    # The tables are the same for every viewer the gate sees alike until the data or the day changes (core.versioned):
    # the key holds what the gate reads of the user (permissions.viewer_key) and the language of the labels.
    tables = versioned.cached(
        "unit-page", (org.pk, viewer_key(user), get_language()), lambda: _tables(user, org), viewer=user
    )
    tally = organization_summary(org, subtree=False)
    lead, support = tally["lead"], tally["support"]
    spent = [tally["funds"].get(kind, {}) for kind in Transaction.SPENT_KINDS]
    summary = {
        "tasks": lead["tasks"] + support["tasks"],
        "lead": lead["tasks"],
        "completed": lead["by_status"].get(Task.COMPLETED, 0) + support["by_status"].get(Task.COMPLETED, 0),
        "overdue": lead["overdue"] + support["overdue"],
        "allocations": tables["allocation_count"],
        "paid": sum(s.get("paid", 0) for s in spent),
        "received": sum(s.get("received", 0) for s in spent),
    }
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "org": org,
            **tables,
            "summary": summary,
            "page_rows": PAGE_ROWS,
            "aliases": org.aliases.all(),
        },
    )


def _tables(user, org: Organization) -> dict:
    """The page's lists, PAGE_ROWS rows each, as `user` may see them, and how many target shares the unit has."""
    # A unit's own assignment shows it its task, so the gate on the assignment is the gate on the task too.
    responsibilities = (
        Responsibility.objects.through(user, "organization", org)
        .select_related("task", "task__plan")
        .only(*_TASK_ROW_FIELDS)
        .order_by("task__plan__issued_on", "task__order", "pk")
    )
    tasks = []
    for r in label_rows(responsibilities[:PAGE_ROWS], "role"):
        r.task.my_role = r
        tasks.append(r.task)
    label_rows(tasks, "status")
    # Each task's light and other registered figures, in one query for the rows shown.
    attach_task_figures(tasks)
    allocation_rows = Allocation.objects.through(user, "organization", org)
    allocations = list(
        allocation_rows.select_related("target", "target__plan__program")
        .only(*_SHARE_ROW_FIELDS)
        .order_by("target__plan__issued_on", "target__order", "pk")[:PAGE_ROWS]
    )
    figures = unit_figures(org.pk, [a.target_id for a in allocations])
    for a in allocations:
        a.achieved = figures.get(a.target_id)
        a.progress = a.progress_of(a.achieved)
    lights.commitment_lights(allocations)
    # The other tables are rows of values (model instances cost more than the page's SQL), written by unit_tags.
    funding_lines = list(
        FundingLine.objects.through(user, "source_organization", org)
        .order_by("-year", "pk")
        .values_list("plan_id", "plan__title", "source", "year", "amount")[:PAGE_ROWS]
    )
    # One ordered query per side (each can walk its (side, date) index), merged: an OR of sides cannot.
    transactions = _newest(
        [Transaction.objects.through(user, side, org) for side in ("payer", "payee")],
        ("date", "pk"),
        PAYMENT_COLUMNS,
    )
    projects = _newest(
        [Project.objects.through(user, side, org) for side in ("implementer", "recipient", "proposed_by")],
        ("pk",),
        PROJECT_COLUMNS,
    )
    # Either side through the gate (each side of a unit's own subtree passes without the gate's subqueries).
    sent = Dispatch.objects.through(user, "from_organization", org)
    dispatches = list(
        (sent | Dispatch.objects.through(user, "to_organization", org))
        .order_by("-start_date", "pk")  # newest first, ties in a fixed order (the list's own index)
        .values_list(*DISPATCH_COLUMNS)[:PAGE_ROWS]
    )
    return {
        "tasks": tasks,
        "allocations": allocations,
        "allocation_count": allocation_rows.count() if len(allocations) == PAGE_ROWS else len(allocations),
        "funding_lines": funding_lines,
        "transactions": transactions,
        "projects": projects,
        "dispatches": dispatches,
        "children": _busiest_children(user, org) if org.kind == Organization.REGION else [],
        "light": lights.unit_lights([org.pk]).get(org.pk, lights.DONE),
    }


# What the task and share rows read (unit_tags, lights.commitment_lights): a plan's source file and text, a task's
# text and every row's timestamps are not read for 50 rows (instances with every field cost more than their SQL).
_TASK_ROW_FIELDS = (
    "role",
    "task__plan_id",
    "task__number",
    "task__title",
    "task__deadline",
    "task__due_date",
    "task__status",
    "task__completed_on",
    "task__plan__title",
)
_SHARE_ROW_FIELDS = (
    "value",
    "target__indicator",
    "target__value",
    "target__unit",
    "target__unit_text",
    "target__comparator",
    "target__year",
    "target__plan__title",
    "target__plan__start_year",
    "target__plan__end_year",
    "target__plan__program__name",  # the program is read for its day (core.dates.today_for)
)
# The columns of the rows unit_tags writes (payment_rows, project_rows, dispatch_rows), in that order.
PAYMENT_COLUMNS = (
    "date",
    "pk",
    "kind",
    "payer__full_name",
    "payee__full_name",
    "amount",
    "receipt_status",
    "description",
)
PROJECT_COLUMNS = (
    "pk",
    "name",
    "status",
    "recipient__full_name",
    "implementer__full_name",
    "place",
    "budget",
)
DISPATCH_COLUMNS = (
    "person_name",
    "field",
    "from_organization__full_name",
    "to_organization__full_name",
    "start_date",
    "end_date",
)


def _newest(sides: list, newest_first: tuple[str, ...], columns: tuple[str, ...]) -> list[tuple]:
    """The first PAGE_ROWS rows of any of the `sides` querysets, newest first, as tuples of `columns` (which begin
    with the `newest_first` fields and include "pk"): one bounded query per side, merged."""
    order = [f"-{f}" for f in newest_first]
    key, pk = len(newest_first), columns.index("pk")
    rows = {}
    for side in sides:
        for row in side.order_by(*order).values_list(*columns)[:PAGE_ROWS]:
            rows[row[pk]] = row
    return sorted(rows.values(), key=lambda r: r[:key], reverse=True)[:PAGE_ROWS]


def _busiest_children(user, org: Organization) -> list[tuple]:
    """The region's direct subdivisions with the most task assignments (from the unit rollups), at most 50:
    (id, full name, assignments)."""

    child_ids = Organization.objects.restrict(user, VIEW).filter(parent=org).values("pk")
    counts = dict(
        UnitRollup.objects.filter(organization_id__in=child_ids, tasks__gt=0)
        .order_by("-tasks", "organization_id")
        .values_list("organization_id", "tasks")[:50]
    )
    names = dict(Organization.objects.filter(pk__in=list(counts)).values_list("pk", "full_name"))
    return sorted(
        ((pk, names[pk], n) for pk, n in counts.items() if pk in names), key=lambda c: (-c[2], c[0])
    )
