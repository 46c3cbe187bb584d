"""Program pages: the list, and one program's pairings as a table and a network graph (who supports whom)."""

from functools import partial
from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from duikou.core import versioned, workflow
from duikou.core.dates import today_for
from duikou.core.lists import RestrictedListView
from duikou.core.permissions import VIEW
from duikou.plans.models import Plan

from .filters import PAIRING_FILTERS, PROGRAM_FILTERS
from .models import Pairing, Program
from .tables import PAIRING_COLUMNS, PROGRAM_COLUMNS


class ProgramListView(RestrictedListView):
    model = Program
    title = _("对口关系")
    columns = PROGRAM_COLUMNS
    filters = PROGRAM_FILTERS
    default_sort = "name"
    export_name = "programs"

    def annotate(self, queryset):
        return queryset.annotate(
            plan_count=Count("plans", distinct=True), pairing_count=Count("pairings", distinct=True)
        )


class PairingListView(RestrictedListView):
    model = Pairing
    title = _("结对关系")
    columns = PAIRING_COLUMNS
    filters = PAIRING_FILTERS
    default_sort = "program__name,order"
    export_name = "pairings"
    select_related = ("program", "donor", "recipient")


def pairing_graph(pairings) -> dict:
    """Nodes and links for an ECharts graph that stays readable at any size: supporting units in a left column,
    supported units in a right one, one row per unit (no two labels share a row), grouped and coloured by level
    (the legend), each unit once. Positions are in abstract units; the chart scales them to its box."""
    levels: dict[str, str] = {}
    nodes: dict[tuple[int, int], dict] = {}
    rows = [0, 0]
    links = []
    labels = dict(Pairing.LEVELS)
    for p in sorted(pairings, key=lambda p: (LEVEL_ORDER.get(p.level, 99), p.order, p.pk)):
        category = list(levels).index(p.level) if p.level in levels else len(levels)
        if p.level not in levels:
            levels[p.level] = str(labels.get(p.level, p.level))
        for org, side in ((p.donor, 0), (p.recipient, 1)):
            key = (side, org.pk)
            if key not in nodes:
                nodes[key] = {
                    "id": f"{side}-{org.pk}",
                    "name": org.full_name,
                    "label": org.name or org.full_name,
                    "category": category,
                    "side": side,
                    "x": side * 100,
                    "y": rows[side] * 10,
                    "value": 0,
                }
                rows[side] += 1
            nodes[key]["value"] += 1
        links.append(
            {
                "source": f"0-{p.donor_id}",
                "target": f"1-{p.recipient_id}",
                "value": levels[p.level],
            }
        )
    for node in nodes.values():
        node["symbolSize"] = 8 + min(node["value"], 8) * 2
    return {
        "nodes": list(nodes.values()),
        "links": links,
        "categories": [{"name": name} for name in levels.values()],
        "rows": max(rows),
        "sides": [str(_("支援方")), str(_("受援方"))],
    }


def _assessment_year(program: Program) -> int:
    """The year the program page's assessment link opens: the last year of the program up to this one."""
    this_year = today_for(program).year
    return min(program.end_year or this_year, this_year) if program.start_year else this_year


LEVEL_ORDER = {code: i for i, (code, _label) in enumerate(Pairing.LEVELS)}


def pairing_rows(pairings) -> list[SimpleNamespace]:
    """Pairings as plain rows with what the page shows (p.level, p.donor.full_name, p.start_date…), read in one
    query: 200 pairings with their two units each were 600 model objects, a good part of the page's time."""
    columns = ("pk", "level", "order", "donor_printed", "recipient_printed", "start_date", "end_date")
    units = [f"{side}__{field}" for side in ("donor", "recipient") for field in ("pk", "name", "full_name")]
    rows = []
    for values in pairings.values(*columns, *units):
        row = SimpleNamespace(**{c: values[c] for c in columns})
        for side in ("donor", "recipient"):
            unit = SimpleNamespace(**{f: values[f"{side}__{f}"] for f in ("pk", "name", "full_name")})
            setattr(row, side, unit)
            setattr(row, f"{side}_id", unit.pk)
        rows.append(row)
    return rows


# The page shows at most this many pairings (and plans); the pairing list pages through and exports the rest.
PAGE_ROWS = 200


@login_required
def program_detail(request, pk: int):
    """One program: its plans, its pairings across levels (table and graph)."""
    program = get_object_or_404(Program.objects.restrict(request.user, VIEW), pk=pk)
    # Its heading (the light, the units on each side) and its body (plans, pairings) are kept with the data's version
    # for each gate and language (core.versioned.kept_body); the links between them depend on the user and are made
    # at every view.
    version = versioned.data_version()
    head, _heading = versioned.kept_body(
        "program-pages",
        request,
        "programs/_program_head.html",
        lambda: {"program": program, "donors": program.donors.all(), "recipients": program.recipients.all()},
        version=version,
    )
    body, context = versioned.kept_body(
        "program-pages",
        request,
        "programs/_program_body.html",
        partial(program_body, request, program),
        version=version,
    )
    return render(
        request,
        "programs/program_detail.html",
        {
            **context,
            "program": program,
            "program_head": head,
            "program_body": body,
            "can_bulletin": workflow.can(request.user, "assessments.bulletin"),
            "can_configure": workflow.can(request.user, "supervision.configure", program),
            "assessment_year": _assessment_year(program),
        },
    )


def program_body(request, program: Program) -> dict:
    """The program page's body: the plans and the pairings (by level, and as a graph) the user may see."""
    visible = Pairing.objects.restrict(request.user, VIEW).filter(program=program)
    pairings = pairing_rows(visible.order_by("level", "order", "pk")[:PAGE_ROWS])
    plans = list(
        Plan.objects.restrict(request.user, VIEW)
        .filter(program=program)
        .only("pk", "title", "doc_number", "issued_on")
        .order_by("-issued_on", "pk")[:PAGE_ROWS]
    )
    if len(pairings) < PAGE_ROWS:
        per_level = None
    else:
        per_level = dict(visible.order_by().values_list("level").annotate(n=Count("pk")))
    levels = {}
    # A label per level, not per pairing: translating a choice's label cost ~0.1 ms, times 200 pairings, twice.
    labels = {code: str(label) for code, label in Pairing.LEVELS}
    for p in pairings:
        group = levels.setdefault(labels.get(p.level, p.level), {"items": [], "level": p.level})
        group["items"].append(p)
    for group in levels.values():
        group["total"] = per_level.get(group["level"], 0) if per_level else len(group["items"])
    return {
        "program": program,
        "pairings": pairings,
        "levels": levels,
        "pairing_total": sum(per_level.values()) if per_level else len(pairings),
        "plans": plans,
        "graph": pairing_graph(pairings),
    }
