"""Fund pages: funding lines against disbursements, and one plan's schedule per year per source with a chart."""

from collections import defaultdict
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from duikou.analytics.models import FundsTally
from duikou.core.lists import RestrictedListView, ratio
from duikou.core.permissions import VIEW, sees_everything
from duikou.plans.views import visible_plan

from .filters import FUNDING_FILTERS
from .models import FundingLine, Transaction
from .models import spent_by_line as funds_by_line
from .tables import FUNDING_COLUMNS


def with_disbursed(lines):
    paid = funds_by_line(FundingLine.objects.filter(pk__in=[line.pk for line in lines]))
    for line in lines:
        line.disbursed = paid.get(line.pk, Decimal(0))
        line.execution = ratio(line.disbursed, line.amount)
    return lines


def yearly_chart(lines) -> dict:
    """Planned and disbursed per year, as the series of an ECharts bar chart."""
    planned, paid = defaultdict(Decimal), defaultdict(Decimal)
    for line in lines:
        planned[line.year] += line.amount
        paid[line.year] += line.disbursed
    years = sorted(planned)
    return {
        "years": [str(y) for y in years],
        "planned": [float(planned[y] / 10000) for y in years],
        "disbursed": [float(paid[y] / 10000) for y in years],
    }


class FundingLineListView(RestrictedListView):
    model = FundingLine
    title = _("资金计划与到账")
    columns = FUNDING_COLUMNS
    filters = FUNDING_FILTERS
    default_sort = "plan__issued_on,year,order"
    export_name = "funds"
    select_related = ("plan",)
    body_template_name = "funds/funding_list.html"

    def decorate(self, rows):
        return with_disbursed(rows)

    def extra_context(self):
        # The chart covers the whole filtered list: planned by the line's year, paid by the year it was paid.
        queryset, active = self.filtered_rows()
        # Sums over every line and payment of the list: kept while the data does not change.
        if (
            sees_everything(self.request.user)
            and not any(f["value"] for f in active)
            and not self.request.GET.get("q")
        ):
            # The whole national schedule: the funds tallies hold both sums (kept with the data).
            rows = (
                FundsTally.objects.order_by().values("year").annotate(p=Sum("planned"), d=Sum("line_spent"))
            )
            rows = self.kept("chart", rows, lambda: list(rows))
            planned = {r["year"]: r["p"] for r in rows if r["p"]}
            paid_by_year = defaultdict(Decimal, {r["year"]: r["d"] for r in rows})
        else:
            lines = queryset.order_by().values("year").annotate(total=Sum("amount"))
            planned = {r["year"]: r["total"] for r in self.kept("planned", lines, lambda: list(lines))}
            paid_by_year = defaultdict(Decimal)
            spent = (
                Transaction.objects.spent()
                .filter(funding_line__in=queryset.values("pk"))
                .order_by()
                .values(year=ExtractYear("date"))
                .annotate(total=Sum("amount"))
            )
            for row in self.kept("paid", spent, lambda: list(spent)):
                paid_by_year[row["year"]] += row["total"]
        years = sorted(planned)
        return {
            "chart": {
                "years": [str(y) for y in years],
                "planned": [float(planned[y] / 10000) for y in years],
                "disbursed": [float(paid_by_year[y] / 10000) for y in years],
            }
        }


@login_required
def plan_schedule(request, pk: int):
    """One plan's funding schedule: rows per source, columns per year, planned against disbursed."""
    plan = visible_plan(request, pk)
    lines = with_disbursed(
        list(FundingLine.objects.restrict(request.user, VIEW).filter(plan=plan).order_by("order", "year"))
    )
    years = sorted({line.year for line in lines})
    sources: dict[str, dict] = {}
    for line in lines:
        row = sources.setdefault(
            line.source, {"source": line.source, "cells": {}, "planned": Decimal(0), "disbursed": Decimal(0)}
        )
        row["cells"][line.year] = line
        row["planned"] += line.amount
        row["disbursed"] += line.disbursed
    rows = list(sources.values())
    for row in rows:
        row["cells"] = [row["cells"].get(year) for year in years]
        row["execution"] = ratio(row["disbursed"], row["planned"])
    totals = {
        "planned": sum((line.amount for line in lines), Decimal(0)),
        "disbursed": sum((line.disbursed for line in lines), Decimal(0)),
    }
    totals["execution"] = ratio(totals["disbursed"], totals["planned"])
    return render(
        request,
        "funds/plan_schedule.html",
        {
            "plan": plan,
            "years": years,
            "rows": rows,
            "totals": totals,
            "chart": yearly_chart(lines),
            "tab": "funds",
        },
    )
