"""Filters of programs and pairings: one definition each, read by the list pages, their exports and the API."""

from django.utils.translation import gettext_lazy as _

from duikou.core.filtering import DistinctChoices, Filter, Filters, Flag, Id, Year

from .models import Pairing, Program

PROGRAM_FILTERS = Filters(
    [
        Filter("kind", _("类型"), "kind", Program.KINDS),
        Filter("is_public", _("公开"), "is_public", type=Flag, on_page=False),
        Filter("year", _("起始年度不晚于"), "start_year__lte", type=Year, on_page=False),
        Filter("donor", _("支援方"), "donors__id", type=Id, on_page=False),
        Filter("recipient", _("受援方"), "recipients__id", type=Id, on_page=False),
    ],
    search=("name", "description"),
)

PAIRING_FILTERS = Filters(
    [
        Filter(
            "program", _("对口关系"), "program_id", DistinctChoices("program_id", "program__name"), type=Id
        ),
        Filter("plan", _("方案"), "plan_id", type=Id, on_page=False),
        Filter("level", _("层级"), "level", Pairing.LEVELS),
        Filter("donor", _("支援方"), "donor_id", DistinctChoices("donor_id", "donor__full_name"), type=Id),
        Filter(
            "recipient",
            _("受援方"),
            "recipient_id",
            DistinctChoices("recipient_id", "recipient__full_name"),
            type=Id,
        ),
    ],
    search=("donor__full_name", "recipient__full_name", "donor_printed", "recipient_printed"),
)
