"""Filters of the list of people dispatched."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Filter, distinct_choices

from .models import Dispatch

DISPATCH_FILTERS = [
    Filter("field", _("类别"), "field", Dispatch.FIELDS),
    Filter("program", _("对口关系"), "program_id", distinct_choices("program_id", "program__name")),
    Filter(
        "from_organization",
        _("派出单位"),
        "from_organization_id",
        distinct_choices("from_organization_id", "from_organization__full_name"),
    ),
    Filter(
        "to_organization",
        _("接收单位"),
        "to_organization_id",
        distinct_choices("to_organization_id", "to_organization__full_name"),
    ),
]
