"""The project library: status, budget, place, with totals by status."""

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import RestrictedListView

from .filters import PROJECT_FILTERS
from .models import Project
from .tables import PROJECT_COLUMNS


class ProjectListView(RestrictedListView):
    model = Project
    title = _("项目库")
    columns = PROJECT_COLUMNS
    filters = PROJECT_FILTERS
    default_sort = "-id"
    export_name = "projects"
    select_related = ("program", "recipient", "implementer")
    body_template_name = "projects/project_list.html"

    def extra_context(self):
        queryset, _active = self.filtered_rows()
        labels = dict(Project.STATUSES)
        # A scan of the whole library (500,000 projects nationally): kept while the data does not change.
        totals = (
            queryset.order_by()
            .values("status")
            .annotate(n=Count("pk"), budget=Sum("budget"))
            .order_by("status")
        )
        by_status = [
            {"status": labels.get(r["status"], r["status"]), "count": r["n"], "budget": r["budget"]}
            for r in self.kept("by_status", totals, lambda: list(totals))
        ]
        return {"by_status": by_status}
