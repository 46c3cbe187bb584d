"""Filters of the people dispatched: one definition, read by the list page, its export and the API."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import DistinctChoices, Filter, Filters, Id

from .models import Dispatch

DISPATCH_FILTERS = Filters(
    [
        Filter("field", _("类别"), "field", Dispatch.FIELDS),
        Filter(
            "program", _("对口关系"), "program_id", DistinctChoices("program_id", "program__name"), type=Id
        ),
        Filter(
            "from_organization",
            _("派出单位"),
            "from_organization_id",
            DistinctChoices("from_organization_id", "from_organization__full_name"),
            type=Id,
        ),
        Filter(
            "to_organization",
            _("接收单位"),
            "to_organization_id",
            DistinctChoices("to_organization_id", "to_organization__full_name"),
            type=Id,
        ),
    ],
    search=("person_name", "position"),
)
