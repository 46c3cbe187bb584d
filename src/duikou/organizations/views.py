"""Organization pages: the list, and one unit's page with everything it is part of across programs."""

from functools import partial
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from duikou.analytics.models import UnitRollup
from duikou.analytics.services import organization_summary
from duikou.core import versioned
from duikou.core.compiled import Compiled, CompiledUnion, Param
from duikou.core.lists import RestrictedListView
from duikou.core.permissions import UNIT_ROLES, VIEW, Shape, passes_through, role_of
from duikou.dispatches.models import Dispatch
from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Responsibility, Task, attach_task_figures
from duikou.projects.models import Project
from duikou.reports.achieved import unit_figures
from duikou.supervision import lights
from duikou.targets.models import Allocation, progress

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
    to the paged list for the rest. The page's body (cards, lists, the unit's light) is kept for the next viewer
    the gate sees alike while the data's version and the day stay the same (core.versioned.kept_body).
    """

    org = visible_unit(request.user, pk)
    body, context = versioned.kept_body(
        "unit-pages", request, "organizations/_organization_body.html", partial(_body, request.user, org)
    )
    return render(
        request, "organizations/organization_detail.html", {**context, "org": org, "unit_body": body}
    )


def visible_unit(user, pk: int) -> Organization:
    """The unit if `user` may see it, else 404. A unit's own page, what its users open most, reads no row: the unit is
    the user's organization, read with the user (accounts.backends), and passes the gate whole (passes_through)."""
    if pk == getattr(user, "organization_id", None) and role_of(user) in UNIT_ROLES:
        org = user.organization
        if passes_through(user, Organization, "pk", org):
            return org
    return get_object_or_404(Organization.objects.restrict(user, VIEW), pk=pk)


def _body(user, org: Organization) -> dict:
    """The page's body: the unit's heading, its cards from the tallies and its lists as `user` may see them."""
    tables = _tables(user, org)
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
    heading = _HEADING.rows(None, unit=org.pk)
    return {
        "org": org,
        **tables,
        "summary": summary,
        "page_rows": PAGE_ROWS,
        "parent_name": heading[0][0] if heading else None,
        "aliases": [alias for _parent, alias in heading if alias is not None],
    }


# What the heading names besides the unit: its parent's name and its other names in the order they were added (shown
# to whoever may open its page), one row per other name (one row without when it has none).
_HEADING = Compiled(
    Organization,
    lambda: (
        Organization.objects.filter(pk=Param("unit"))
        .order_by("aliases__pk")
        .values_list("parent__full_name", "aliases__alias")
    ),
)


def _tables(user, org: Organization) -> dict:
    """The page's lists, PAGE_ROWS rows each, as `user` may see them, and how many target shares the unit has."""
    # Every list is rows of values (model instances cost more than the page's SQL), written by unit_tags, from a query
    # compiled once per gate key (building and compiling it cost more than its SQL), the unit its parameter.
    gate = partial(_gate_key, user, org)
    # A unit's own assignment shows it its task, so the gate on the assignment is the gate on the task too.
    tasks = [
        SimpleNamespace(**dict(zip(TASK_FIELDS, row, strict=True)))
        for row in _seen(_TASKS, gate(_ASSIGNED), org)
    ]
    # Each task's light and other registered figures, in one query for the rows shown.
    attach_task_figures(tasks)
    allocations = [_share(*row) for row in _seen(_SHARE_ROWS, gate(_SHARES), org)]
    figures = unit_figures(org.pk, [a.target_id for a in allocations])
    for a in allocations:
        a.achieved = figures.get(a.target_id)
        a.progress = progress(a.target.comparator, a.value, a.achieved)
    lights.commitment_lights(allocations)
    funding_lines = _seen(_FUNDING_LINES, gate((FundingLine, "source_organization")), org)
    # One ordered query per side (each can walk its (side, date) index), merged: an OR of sides cannot.
    transactions = _newest(_seen(_PAYMENTS, gate(*_PAYMENTS.paths), org), 1)
    projects = _newest(_seen(_PROJECTS, gate(*_PROJECTS.paths), org), 0)
    dispatches = _seen(_DISPATCHES, gate((Dispatch, "from_organization"), (Dispatch, "to_organization")), org)
    return {
        "tasks": tasks,
        "allocations": allocations,
        "allocation_count": (
            _seen(_SHARE_COUNT, gate(_SHARES), org)[0][0]
            if len(allocations) == PAGE_ROWS
            else len(allocations)
        ),
        "funding_lines": funding_lines,
        "transactions": transactions,
        "projects": projects,
        "dispatches": dispatches,
        "children": _busiest_children(user, org) if org.kind == Organization.REGION else [],
        "light": lights.unit_lights([org.pk]).get(org.pk, lights.DONE),
    }


# What a share's row reads (unit_tags.unit_share_rows, lights.commitment_lights), in _share's order.
_SHARE_COLUMNS = (
    "target_id",
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
    "target__plan__program_id",
)


def _share(
    target_id, value, indicator, target_value, unit, unit_text, comparator, year, title, *plan
) -> object:
    """A unit's share of a target as a row of values shaped as the share, its target and plan are read (a.target.plan.
    title): instances with their relations cost more than the page's SQL. The program is read for its day
    (core.dates.today_for), which is the office's while programs keep no time zone of their own."""
    start_year, end_year, program_id = plan
    target = SimpleNamespace(
        indicator=indicator,
        value=target_value,
        unit=unit,
        unit_text=unit_text,
        comparator=comparator,
        year=year,
        plan=SimpleNamespace(
            title=title, start_year=start_year, end_year=end_year, program_id=program_id, program=None
        ),
    )
    return SimpleNamespace(target_id=target_id, value=value, target=target)


# A unit's tasks as unit_tags.unit_task_rows reads them: the task's own fields, its plan's title and the unit's role.
TASK_FIELDS = (
    "pk",
    "plan_id",
    "plan_title",
    "number",
    "title",
    "deadline",
    "status",
    "due_date",
    "completed_on",
    "role",
)
_TASK_COLUMNS = (
    "task_id",
    "task__plan_id",
    "task__plan__title",
    "task__number",
    "task__title",
    "task__deadline",
    "task__status",
    "task__due_date",
    "task__completed_on",
    "role",
)
_ASSIGNED = (Responsibility, "organization")
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


def _newest(rows: list[tuple], key: int) -> list[tuple]:
    """The first PAGE_ROWS of `rows` (the newest of each side, their columns beginning with what orders them and
    holding the row's id at `key`), newest first, each row once."""
    unique = {row[key]: row for row in rows}
    return sorted(unique.values(), key=lambda r: r[: key + 1], reverse=True)[:PAGE_ROWS]


def _gate_key(user, org: Organization, *paths: tuple) -> tuple:
    """The key of a query compiled for the unit's page: for each (model, path) whether the unit's rows pass the gate
    whole (`passes_through`), and the viewer's gate `Shape` only when one does not: every unit's own page is then one
    compiled query, and a list through the gate one per role (the viewer's subtree a parameter, `_seen`), not one per
    viewer (compiled at each unit's first view: 1.1 ms, most cold views under load)."""
    passes = tuple(passes_through(user, model, path, org) for model, path in paths)
    return (None if all(passes) else Shape(user), *passes)


def _seen(query: Compiled, key: tuple, org: Organization) -> list[tuple]:
    """The rows of one of the page's lists of `org` compiled for `key` (`_gate_key`), the viewer's subtree given."""
    shape = key[0]
    return query.rows(None, *key, unit=org.pk, **(shape.values() if shape is not None else {}))


def _gated(
    model, path: str, order: tuple[str, ...] = (), columns: tuple[str, ...] = (), *, unseen: bool = False
) -> Compiled:
    """The first PAGE_ROWS rows of `model` whose `path` is the unit (`Param("unit")`, `unseen` as it says) as a viewer
    may see them, in `order`, as tuples of `columns` (without columns: how many there are), compiled once per
    `_gate_key`."""

    def build(shape, passes):
        rows = model.objects.through(
            shape and shape.stand_in(), path, Param("unit", unseen=unseen), passes=passes
        )
        if not columns:
            return rows.order_by().values(path).annotate(n=Count("pk")).values_list("n")
        return rows.order_by(*order).values_list(*columns)[:PAGE_ROWS]

    return Compiled(model, build, maxsize=_GATE_KEYS)


# The compiled queries a process keeps of each list (a few kilobytes each): a few per role (`_gate_key`).
_GATE_KEYS = 512
_SHARES = (Allocation, "organization")
_SHARE_COUNT = _gated(*_SHARES)
_SHARE_ROWS = _gated(*_SHARES, ("target__plan__issued_on", "target__order", "pk"), _SHARE_COLUMNS)
_TASKS = _gated(*_ASSIGNED, ("task__plan__issued_on", "task__order", "pk"), _TASK_COLUMNS)
_FUNDING_LINES = _gated(
    FundingLine,
    "source_organization",
    ("-year", "pk"),
    ("plan_id", "plan__title", "source", "year", "amount"),
    unseen=True,  # else planned at every view
)


class _Sides(CompiledUnion):
    """The first PAGE_ROWS rows of `model` on each of its `sides` that is the unit, as a viewer may see them, in `order`,
    as tuples of `columns`, in one statement (core.compiled.CompiledUnion), compiled once per `_gate_key` of its
    `paths`. A row may come on more than one side."""

    def __init__(self, model, sides: tuple[str, ...], order: tuple[str, ...], columns: tuple[str, ...]):
        self.paths = tuple((model, side) for side in sides)

        def build(shape, *passes):
            return [
                model.objects.through(shape and shape.stand_in(), side, Param("unit"), passes=side_passes)
                .order_by(*order)
                .values_list(*columns)[:PAGE_ROWS]
                for side, side_passes in zip(sides, passes, strict=True)
                if side_passes is not None  # a side read by the other statement (rows)
            ]

        super().__init__(model, build, maxsize=_GATE_KEYS)

    def rows(self, ids, shape, *passes, **values) -> list[tuple]:
        """The rows of every side, as `_gate_key` keys them (the gate's `shape`, then whether each side passes). When some sides
        pass the gate and some do not, in two statements: PostgreSQL plans a statement with the gate's subtree pattern
        afresh at every run (its generic plan cannot search the tree's index for a pattern it does not know), and the
        sides that pass are then read by one statement planned once for every viewer."""
        if all(passes) or not any(passes):
            return super().rows(ids, shape, *passes, **values)
        open_sides = tuple(True if side_passes else None for side_passes in passes)
        gated_sides = tuple(None if side_passes else False for side_passes in passes)
        return super().rows(ids, None, *open_sides, **values) + super().rows(
            ids, shape, *gated_sides, **values
        )


_PAYMENTS = _Sides(Transaction, ("payer", "payee"), ("-date", "-pk"), PAYMENT_COLUMNS)
_PROJECTS = _Sides(Project, ("implementer", "recipient", "proposed_by"), ("-pk",), PROJECT_COLUMNS)
# Either side through the gate (each side of a unit's own subtree passes without the gate's subqueries).
_DISPATCHES = Compiled(
    Dispatch,
    lambda shape, sent, received: (
        (
            Dispatch.objects.through(
                shape and shape.stand_in(), "from_organization", Param("unit"), passes=sent
            )
            | Dispatch.objects.through(
                shape and shape.stand_in(), "to_organization", Param("unit"), passes=received
            )
        )
        .order_by("-start_date", "pk")  # newest first, ties in a fixed order (the list's own index)
        .values_list(*DISPATCH_COLUMNS)[:PAGE_ROWS]
    ),
    maxsize=_GATE_KEYS,
)


def _busiest_children(user, org: Organization) -> list[tuple]:
    """The region's direct subdivisions with the most task assignments (from the unit rollups), at most 50:
    (id, full name, assignments). Within the viewer's own subtree every subdivision passes the gate: read without
    its subquery (whose plan PostgreSQL made afresh at every view)."""
    return _seen(_CHILDREN, (None if passes_through(user, Organization, "pk", org) else Shape(user),), org)


def _children_query(shape):
    units = Organization.objects if shape is None else Organization.objects.restrict(shape.stand_in(), VIEW)
    child_ids = units.filter(parent=Param("unit")).values("pk")
    # The names come with the counts (one query, not a second one for the names).
    name = Organization.objects.filter(pk=OuterRef("organization_id")).values("full_name")[:1]
    return (
        UnitRollup.objects.filter(organization_id__in=child_ids, tasks__gt=0)
        .annotate(name=Subquery(name))
        .order_by("-tasks", "organization_id")
        .values_list("organization_id", "name", "tasks")[:50]
    )


_CHILDREN = Compiled(UnitRollup, _children_query, maxsize=_GATE_KEYS)
