"""Filters of the program and pairing lists."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Filter, distinct_choices

from .models import Pairing, Program

PROGRAM_FILTERS = [
    Filter("kind", _("类型"), "kind", Program.KINDS),
]

PAIRING_FILTERS = [
    Filter("program", _("对口关系"), "program_id", distinct_choices("program_id", "program__name")),
    Filter("level", _("层级"), "level", Pairing.LEVELS),
    Filter("donor", _("支援方"), "donor_id", distinct_choices("donor_id", "donor__full_name")),
    Filter(
        "recipient", _("受援方"), "recipient_id", distinct_choices("recipient_id", "recipient__full_name")
    ),
]
