"""People dispatched: the list, counts by field and unit, and each person-target against its commitment."""

from collections import defaultdict
from functools import partial
from types import SimpleNamespace

from django.db.models import Count, Exists, OuterRef, Prefetch
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import RestrictedListView, ratio
from duikou.core.permissions import VIEW
from duikou.organizations.models import Organization
from duikou.targets.models import Allocation, Target

from .filters import DISPATCH_FILTERS
from .models import Dispatch
from .tables import DISPATCH_COLUMNS


class DispatchListView(RestrictedListView):
    model = Dispatch
    title = _("选派人员")
    columns = DISPATCH_COLUMNS
    filters = DISPATCH_FILTERS
    default_sort = "-start_date"
    export_name = "dispatches"
    select_related = ("from_organization", "to_organization", "target")
    body_template_name = "dispatches/dispatch_list.html"

    def extra_context(self):
        queryset, _active = self.filtered_rows()
        labels = dict(Dispatch.FIELDS)
        # The fields present and the units sending the most people (a national list has thousands; the table shows
        # the first 50): both scan every dispatch of the list, so they are kept while the data does not change.
        present = queryset.order_by().values_list("field", flat=True).distinct()
        present = set(self.kept("fields", present, lambda: list(present)))
        fields = [code for code, _label in Dispatch.FIELDS if code in present]
        units = self.kept("units", queryset, partial(self.busiest_units, queryset, fields))
        # Person targets that are split among units or have people counted against them.
        person_targets = Target.objects.restrict(self.request.user, VIEW).filter(unit=Target.PERSON)
        # EXISTS per target, not an OR of two IN lists: the planner walks targets in order and stops at 50.
        shown = (
            person_targets.filter(
                Exists(Allocation.objects.filter(target_id=OuterRef("pk")))
                | Exists(queryset.filter(target_id=OuterRef("pk")))
            )
            .select_related("plan")
            .order_by("plan__issued_on", "order")[:50]
        )
        # Hundreds of shares, their rows rendered once: kept, with their markup, while the data does not change. The
        # key holds the list's filters and the user's gate on targets; the gate on shares goes with it.
        shares = Allocation.objects.restrict(self.request.user, VIEW)
        targets = partial(self.person_targets, shown, queryset, shares)
        section = self.kept(
            "person_targets",
            shown,
            lambda: render_to_string("dispatches/_person_targets.html", {"person_targets": targets()}),
            extra=shares,
        )
        return {
            "fields": [labels[c] for c in fields],
            "units": units,
            # The rows themselves, read only by whoever asks for them (the page shows the kept markup).
            "person_targets": SimpleLazyObject(targets),
            "person_targets_html": section,
        }

    def busiest_units(self, queryset, fields: list[str]) -> list[dict]:
        """The 50 units sending the most people, with their people per field (grouped in the database: 50 units
        read, not every unit × field)."""
        top = list(
            queryset.order_by()
            .values("from_organization_id")
            .annotate(total=Count("pk"))
            .order_by("-total", "from_organization_id")[:50]
        )
        by_unit = {
            row["from_organization_id"]: {
                "name": None,
                "id": row["from_organization_id"],
                "fields": defaultdict(int),
                "total": row["total"],
            }
            for row in top
        }
        for row in (
            queryset.filter(from_organization_id__in=list(by_unit))
            .order_by()
            .values("from_organization_id", "from_organization__full_name", "field")
            .annotate(n=Count("pk"))
        ):
            unit = by_unit[row["from_organization_id"]]
            unit["name"] = row["from_organization__full_name"]
            unit["fields"][row["field"]] += row["n"]
        units = list(by_unit.values())
        for unit in units:
            unit["fields"] = dict(unit["fields"])
            unit["cells"] = [unit["fields"].get(code, 0) for code in fields]
        return units

    def person_targets(self, shown, queryset, shares) -> list[SimpleNamespace]:
        """The person targets shown, each with the people sent against it and its units' shares."""
        targets = list(shown)
        # The people counted against the targets shown, per target and per sending unit (not the whole country's).
        counted = {
            (r["target_id"], r["from_organization_id"]): r["n"]
            for r in queryset.filter(target__in=[t.pk for t in targets])
            .order_by()
            .values("target_id", "from_organization_id")
            .annotate(n=Count("pk"))
        }
        sent = defaultdict(int)
        for (target_id, _org), n in counted.items():
            sent[target_id] += n
        allocations = defaultdict(list)
        for a in (
            # Through the gate: a unit sees its own share of a target, not the other units' shares.
            shares.filter(target__in=targets)
            # A thousand shares on a national page: only the columns shown (whole rows cost more to build than read).
            .only("target_id", "organization_id", "value", "order")
            # The units' names by id in a second query: joined, PostgreSQL hashed every unit of the country.
            .prefetch_related(Prefetch("organization", queryset=Organization.objects.only("pk", "full_name")))
            .order_by("order")
        ):
            done = counted.get((a.target_id, a.organization_id), 0)
            allocations[a.target_id].append(
                SimpleNamespace(
                    organization_name=a.organization.full_name,
                    value=a.value,
                    sent=done,
                    progress=ratio(done, a.value),
                )
            )
        rows = [
            SimpleNamespace(
                pk=t.pk,
                indicator=t.indicator,
                value=t.value,
                sent=sent[t.pk],
                progress=ratio(sent[t.pk], t.value),
                shares=allocations.get(t.pk, []),
            )
            for t in targets
        ]
        return rows
