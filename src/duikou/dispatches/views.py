"""People dispatched: the list, counts by field and unit, and each person-target against its commitment."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch
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
    template_name = "dispatches/dispatch_list.html"

    def extra_context(self):
        queryset, _active = self.filtered(self.base_queryset())
        labels = dict(Dispatch.FIELDS)
        # The units sending the most people (a national list has thousands; the table shows the first 50), and
        # the fields present: grouped in the database, so the page reads 50 units, not every unit × field.
        # Both scan every dispatch of the list: kept while the data does not change.
        present = queryset.order_by().values_list("field", flat=True).distinct()
        present = set(self.kept("fields", present, lambda: list(present)))
        fields = [code for code, _label in Dispatch.FIELDS if code in present]
        top = (
            queryset.order_by()
            .values("from_organization_id")
            .annotate(total=Count("pk"))
            .order_by("-total", "from_organization_id")[:50]
        )
        top = self.kept("top", top, lambda: list(top))
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
            unit["cells"] = [unit["fields"].get(code, 0) for code in fields]
        # Person targets that are split among units or have people counted against them.
        person_targets = Target.objects.restrict(self.request.user, VIEW).filter(unit=Target.PERSON)
        # EXISTS per target, not an OR of two IN lists: the planner walks targets in order and stops at 50.
        targets = list(
            person_targets.filter(
                Exists(Allocation.objects.filter(target_id=OuterRef("pk")))
                | Exists(queryset.filter(target_id=OuterRef("pk")))
            )
            .select_related("plan")
            .order_by("plan__issued_on", "order")[:50]
        )
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
            Allocation.objects.restrict(self.request.user, VIEW)
            .filter(target__in=targets)
            # A thousand shares on a national page: only the columns shown (whole rows cost more to build than read).
            .only("target_id", "organization_id", "value", "order")
            # The units' names by id in a second query: joined, PostgreSQL hashed every unit of the country.
            .prefetch_related(Prefetch("organization", queryset=Organization.objects.only("pk", "full_name")))
            .order_by("order")
        ):
            a.sent = counted.get((a.target_id, a.organization_id), 0)
            a.progress = ratio(a.sent, a.value)
            allocations[a.target_id].append(a)
        for target in targets:
            target.sent = sent[target.pk]
            target.progress = ratio(target.sent, target.value)
            target.shares = allocations.get(target.pk, [])
        return {"fields": [labels[c] for c in fields], "units": units, "person_targets": targets}
