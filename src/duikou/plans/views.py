"""Plan pages: the list, one plan's task tree with its warnings, the responsibility matrix, tasks and search."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from duikou.analytics.services import plan_summary
from duikou.core import versioned
from duikou.core.compiled import Compiled, IdList
from duikou.core.lists import RestrictedListView
from duikou.core.permissions import VIEW, sees_everything
from duikou.organizations.models import Organization
from duikou.plans.export import export_plan
from duikou.reader import check_plan

from .filters import PLAN_FILTERS, TASK_FILTERS, TASK_STATUS_CHOICES, filter_task_status
from .models import Plan, Responsibility, Section, Task, annotate_tasks, attach_task_figures
from .tables import PLAN_COLUMNS, TASK_COLUMNS


class PlanListView(RestrictedListView):
    model = Plan
    title = _("方案")
    columns = PLAN_COLUMNS
    filters = PLAN_FILTERS
    default_sort = "-issued_on"
    export_name = "plans"
    select_related = ("program",)

    def annotate(self, queryset):
        return queryset.annotate(task_count=Count("tasks"))


# What the task list's columns read of a task and its plan (the overdue rule: status, due and completion dates).
TASK_ROW_FIELDS = (
    "number",
    "title",
    "deadline",
    "due_date",
    "status",
    "progress",
    "completed_on",
    "plan",
    "plan__title",
)


class TaskListView(RestrictedListView):
    model = Task
    title = _("任务")
    columns = TASK_COLUMNS
    filters = TASK_FILTERS
    default_sort = "plan__issued_on,order"
    export_name = "tasks"
    select_related = ("plan",)
    # Not every text and JSON field of the task and its plan (the plan's source file too): reading them was most of
    # the page's rows.
    only = TASK_ROW_FIELDS

    def annotate(self, queryset):
        return annotate_tasks(queryset)

    def annotate_rows(self, rows):
        # The page's figures as the registrants read them for tasks already read (the light from its rank alone),
        # not every annotation's column: the light's CASE beside its rank doubled the subqueries PostgreSQL plans.
        return attach_task_figures(rows)

    def decorate(self, rows):
        """Each task's units by role, as the plan printed them (the unit columns): one query of plain values for the
        page, no responsibility or organization rows to build."""
        names: dict[int, dict[str, list[str]]] = {}
        for task_id, role, printed_name in _PRINTED_UNITS.rows(t.pk for t in rows):
            names.setdefault(task_id, {}).setdefault(role, []).append(printed_name)
        for task in rows:
            task.printed_units = names.get(task.pk, {})
        return rows


# Tasks' units by role, in the plan's order, as printed: compiled once (core.compiled), run with each page's ids.
_PRINTED_UNITS = Compiled(
    Responsibility,
    lambda: (
        Responsibility.objects.filter(task_id__in=IdList())
        .order_by("task_id", "role", "order")
        .values_list("task_id", "role", "printed_name")
    ),
)


def visible_plan(request, pk: int) -> Plan:
    return get_object_or_404(Plan.objects.restrict(request.user, VIEW).select_related("program"), pk=pk)


def plan_findings(plan: Plan) -> list[dict]:
    """`duikou check`'s findings on the plan as stored (its export); the ones that do not add up are warnings."""

    return [f for f in check_plan(export_plan(plan)) if not f.get("ok")]


@login_required
def plan_findings_fragment(request, pk: int):
    """The plan check's warnings, loaded into the plan page after it is shown (htmx) or opened on their own."""
    plan = visible_plan(request, pk)
    try:
        findings = plan_findings(plan)
    except ImportError:  # the reader is an optional part of a deployment; the page works without it
        findings = []
    if request.htmx:
        return render(request, "plans/_findings.html", {"findings": findings})
    return render(request, "plans/findings.html", {"plan": plan, "findings": findings, "tab": "tasks"})


TREE_LIMIT = 1000


def plan_counts(user, plan: Plan, tasks, shown: list[Task], *, truncated: bool, filtering: bool) -> dict:
    """The header's task count and completed count, read the cheapest exact way.

    All tasks on the page: counted from the rows already fetched. Otherwise, for a role that sees every task
    of an unfiltered plan, from the analytics tallies; else one aggregate over the restricted, filtered tasks.
    """

    if not truncated:
        return {"total": len(shown), "completed": sum(1 for t in shown if t.status == Task.COMPLETED)}
    if not filtering and sees_everything(user):
        summary = plan_summary(plan)
        return {"total": summary["tasks"], "completed": summary["by_status"].get(Task.COMPLETED, 0)}
    return tasks.aggregate(total=Count("pk"), completed=Count("pk", filter=Q(status=Task.COMPLETED)))


@login_required
def plan_detail(request, pk: int):
    """The plan's sections and tasks as a tree, with units, deadlines and status; filters by unit, section, status."""
    plan = visible_plan(request, pk)
    # The tree is kept with the data's version for each gate, filter and language; the header (its links depend on
    # the user) is made at every view.
    body, context = versioned.kept_body(
        "plan-pages", request, "plans/_plan_body.html", partial(plan_tree, request, plan)
    )
    return render(
        request, "plans/plan_detail.html", {**context, "plan": plan, "tab": "tasks", "plan_body": body}
    )


def plan_tree(request, plan: Plan) -> dict:
    """The plan page's body: its counts, filters and tree of the tasks the user may see."""
    tasks = (
        Task.objects.restrict(request.user, VIEW)
        .filter(plan=plan)
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.select_related("organization"))
        )
        .order_by("order")
    )
    unit, section_id, status = (
        request.GET.get("unit", ""),
        request.GET.get("section", ""),
        request.GET.get("status", ""),
    )
    units = (
        Organization.objects.filter(responsibilities__task__plan=plan)
        .distinct()
        .order_by("full_name")
        .only("pk", "full_name", "name")
    )
    if unit.isdigit():
        tasks = tasks.filter(
            pk__in=Responsibility.objects.filter(organization_id=unit, task__plan=plan).values("task_id")
        )
    if section_id.isdigit():
        tasks = tasks.filter(Q(section_id=section_id) | Q(section__parent_id=section_id))
    if status:
        tasks = filter_task_status(tasks, status)
    sections = list(Section.objects.filter(plan=plan).order_by("order"))
    # A very large plan shows its first TREE_LIMIT tasks; the task list pages through the rest.
    shown = list(tasks[: TREE_LIMIT + 1])
    truncated = len(shown) > TREE_LIMIT
    shown = attach_task_figures(shown[:TREE_LIMIT])
    by_section: dict[int | None, list[Task]] = {}
    for task in shown:
        by_section.setdefault(task.section_id, []).append(task)
    tree = [
        {"section": s, "depth": min(max(len(s.path) - 1, 0), 12), "tasks": by_section.pop(s.pk, [])}
        for s in sections
    ]
    loose = [t for ts in by_section.values() for t in ts]
    filtering = bool(unit or section_id or status)
    if filtering:
        tree = [node for node in tree if node["tasks"]]
    counts = plan_counts(request.user, plan, tasks, shown, truncated=truncated, filtering=filtering)
    return {
        "plan": plan,
        "tree": tree,
        "loose": loose,
        "sections": sections,
        "units": units,
        "statuses": TASK_STATUS_CHOICES,
        "unit": unit,
        "section_id": section_id,
        "status": status,
        "counts": counts,
        "truncated": truncated,
        "tree_limit": TREE_LIMIT,
    }


@login_required
def plan_matrix(request, pk: int):
    """责任分工: units down, tasks across, lead and support marked."""
    plan = visible_plan(request, pk)
    # The grid (every unit against every task) is kept with the data's version for each gate and language, as the
    # plan page's tree is; the header (its links depend on the user) is made at every view.
    body, context = versioned.kept_body(
        "plan-pages", request, "plans/_matrix_body.html", partial(matrix_grid, request, plan)
    )
    return render(
        request, "plans/plan_matrix.html", {**context, "plan": plan, "tab": "matrix", "matrix_body": body}
    )


def matrix_grid(request, plan: Plan) -> dict:
    """The matrix's body: the tasks the user may see across, and a row per unit with its lead and support marks."""
    tasks = attach_task_figures(
        Task.objects.restrict(request.user, VIEW)
        .filter(plan=plan)
        .order_by("order")
        .only("pk", "number", "title", "order", "status", "due_date", "progress", "plan_id")
    )
    task_ids = [t.pk for t in tasks]
    rows: dict[int, dict] = {}
    for resp in (
        Responsibility.objects.restrict(request.user, VIEW)
        .filter(task_id__in=task_ids)
        .select_related("organization")
        .order_by("organization__full_name")
    ):
        row = rows.setdefault(
            resp.organization_id, {"organization": resp.organization, "marks": {}, "lead": 0, "support": 0}
        )
        # A unit named both lead and support on one task is shown as lead.
        if row["marks"].get(resp.task_id) != Responsibility.LEAD:
            row["marks"][resp.task_id] = resp.role
        row[resp.role] += 1
    matrix = sorted(rows.values(), key=lambda r: (-r["lead"], -r["support"], r["organization"].full_name))
    for row in matrix:
        row["cells"] = [row["marks"].get(t.pk, "") for t in tasks]
    return {"tasks": tasks, "matrix": matrix}


@login_required
def search(request):
    """Full-text search across plans (title, 文号) and tasks (title, text): icontains works on SQLite and PostgreSQL."""
    q = request.GET.get("q", "").strip()
    plans, tasks = [], []
    if q:
        plans = list(
            Plan.objects.restrict(request.user, VIEW)
            .filter(Q(title__icontains=q) | Q(doc_number__icontains=q) | Q(issuer__icontains=q))
            .select_related("program")[:50]
        )
        tasks = list(
            Task.objects.restrict(request.user, VIEW)
            .filter(Q(title__icontains=q) | Q(text__icontains=q))
            .select_related("plan")
            .order_by("plan__title", "order")[:200]
        )
    return render(request, "plans/search.html", {"q": q, "search_q": q, "plans": plans, "tasks": tasks})
