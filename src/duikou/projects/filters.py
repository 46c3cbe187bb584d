"""Filters of the project library."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Filter, distinct_choices

from .models import Project

PROJECT_FILTERS = [
    Filter("status", _("状态"), "status", Project.STATUSES),
    Filter("program", _("对口关系"), "program_id", distinct_choices("program_id", "program__name")),
    Filter("sector", _("领域"), "sector", distinct_choices("sector", "sector")),
    Filter(
        "recipient", _("受援单位"), "recipient_id", distinct_choices("recipient_id", "recipient__full_name")
    ),
]
