"""Filters of the organization list."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Filter

from .models import Organization


def filter_involvement(queryset, value: str):
    """Units with a part in some plan (a task, an allocation, a pairing), or the rest of the tree."""
    involved = (
        Q(responsibilities__isnull=False)
        | Q(allocations__isnull=False)
        | Q(pairings_given__isnull=False)
        | Q(pairings_received__isnull=False)
    )
    inner = Organization._base_manager.filter(involved).values("pk")
    return queryset.filter(pk__in=inner) if value == "yes" else queryset.exclude(pk__in=inner)


ORGANIZATION_FILTERS = [
    Filter("involved", _("参与方案"), filter_involvement, [("yes", _("是")), ("no", _("否"))]),
    Filter("kind", _("类型"), "kind", Organization.KINDS),
    Filter("level", _("层级"), "level", Organization.LEVELS),
]
