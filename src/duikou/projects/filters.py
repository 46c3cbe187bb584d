"""Filters of the project library: one definition, read by the list page, its export and the API."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import DistinctChoices, Filter, Filters, Id

from .models import Project

PROJECT_FILTERS = Filters(
    [
        Filter("status", _("状态"), "status", Project.STATUSES),
        Filter(
            "program", _("对口关系"), "program_id", DistinctChoices("program_id", "program__name"), type=Id
        ),
        Filter("plan", _("方案"), "plan_id", type=Id, on_page=False),
        Filter("sector", _("领域"), "sector", DistinctChoices("sector", "sector")),
        Filter(
            "recipient",
            _("受援单位"),
            "recipient_id",
            DistinctChoices("recipient_id", "recipient__full_name"),
            type=Id,
        ),
        Filter("implementer", _("实施单位"), "implementer_id", type=Id, on_page=False),
    ],
    search=("name", "code", "place", "description"),
)
