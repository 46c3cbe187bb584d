"""People dispatched: the list, counts by field and unit, and each person-target against its commitment."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import RestrictedListView, ratio
from duikou.core.permissions import VIEW
from duikou.targets.models import Allocation, Target

from .filters import DISPATCH_FILTERS
from .models import Dispatch
from .tables import DISPATCH_COLUMNS


class DispatchListView(RestrictedListView):
    model = Dispatch
    title = _("选派人员")
    columns = DISPATCH_COLUMNS
    filters = DISPATCH_FILTERS
    search_fields = ("person_name", "position")
    default_sort = "-start_date"
    export_name = "dispatches"
    select_related = ("from_organization", "to_organization", "target")
    template_name = "dispatches/dispatch_list.html"

    def extra_context(self):
        queryset, _active = self.filtered(self.base_queryset())
        labels = dict(Dispatch.FIELDS)
        by_unit: dict[str, dict] = {}
        for row in (
            queryset.order_by()
            .values("from_organization_id", "from_organization__full_name", "field")
            .annotate(n=Count("pk"))
        ):
            unit = by_unit.setdefault(
                row["from_organization_id"],
                {
                    "name": row["from_organization__full_name"],
                    "id": row["from_organization_id"],
                    "fields": defaultdict(int),
                    "total": 0,
                },
            )
            unit["fields"][row["field"]] += row["n"]
            unit["total"] += row["n"]
        fields = [
            code for code, _label in Dispatch.FIELDS if any(u["fields"].get(code) for u in by_unit.values())
        ]
        # The units sending the most people; a national list has thousands, the table shows the first 50.
        units = sorted(by_unit.values(), key=lambda u: (-u["total"], u["id"]))[:50]
        for unit in units:
            unit["cells"] = [unit["fields"].get(code, 0) for code in fields]
        # Person targets with the people counted against them, and per allocated unit.
        counted = {
            (r["target_id"], r["from_organization_id"]): r["n"]
            for r in queryset.filter(target__isnull=False)
            .order_by()
            .values("target_id", "from_organization_id")
            .annotate(n=Count("pk"))
        }
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
        allocations = defaultdict(list)
        for a in (
            # Through the gate: a unit sees its own share of a target, not the other units' shares.
            Allocation.objects.restrict(self.request.user, VIEW)
            .filter(target__in=targets)
            .select_related("organization")
            .order_by("order")
        ):
            a.sent = counted.get((a.target_id, a.organization_id), 0)
            a.progress = ratio(a.sent, a.value)
            allocations[a.target_id].append(a)
        for target in targets:
            target.sent = sum(n for (t, _o), n in counted.items() if t == target.pk)
            target.progress = ratio(target.sent, target.value)
            target.shares = allocations.get(target.pk, [])
        return {"fields": [labels[c] for c in fields], "units": units, "person_targets": targets}
