"""Filters of the organization tree: one definition, read by the list page, its export and the API."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import Filter, Filters, Id, Text

from .models import Organization


def filter_involvement(queryset, value: str):
    """Units with a part in some plan (a task, an allocation, a pairing), or the rest of the tree."""
    if value not in ("yes", "no"):
        return queryset.none()
    involved = (
        Q(responsibilities__isnull=False)
        | Q(allocations__isnull=False)
        | Q(pairings_given__isnull=False)
        | Q(pairings_received__isnull=False)
    )
    inner = Organization._base_manager.filter(involved).values("pk")
    return queryset.filter(pk__in=inner) if value == "yes" else queryset.exclude(pk__in=inner)


ORGANIZATION_FILTERS = Filters(
    [
        Filter("involved", _("参与方案"), filter_involvement, [("yes", _("是")), ("no", _("否"))]),
        Filter("kind", _("类型"), "kind", Organization.KINDS),
        Filter("level", _("层级"), "level", Organization.LEVELS),
        Filter("parent", _("上级单位"), "parent_id", type=Id, on_page=False),
        Filter("division_code", _("区划代码"), "division_code", type=Text, on_page=False),
    ],
    search=("name", "full_name", "aliases__alias"),
)
