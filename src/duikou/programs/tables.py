"""Columns of the program and pairing lists."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Column


def program_link(program):
    return reverse("programs:detail", args=[program.pk])


def org_link(path):
    def link(row):
        org_id = getattr(row, f"{path}_id")
        return reverse("organizations:detail", args=[org_id]) if org_id else None

    return link


PROGRAM_COLUMNS = [
    Column("name", _("名称"), sort="name", link=program_link),
    Column("kind", _("类型"), sort="kind"),
    Column("start_year", _("起始年份"), sort="start_year", css="num"),
    Column("end_year", _("结束年份"), sort="end_year", css="num"),
    Column("plan_count", _("方案数"), sort="plan_count", css="num"),
    Column("pairing_count", _("结对数"), sort="pairing_count", css="num"),
]

PAIRING_COLUMNS = [
    Column(
        "program",
        _("对口关系"),
        "program.name",
        sort="program__name",
        link=lambda p: reverse("programs:detail", args=[p.program_id]),
    ),
    Column("donor", _("支援方"), "donor.full_name", sort="donor__full_name", link=org_link("donor")),
    Column(
        "recipient",
        _("受援方"),
        "recipient.full_name",
        sort="recipient__full_name",
        link=org_link("recipient"),
    ),
    Column("level", _("层级"), sort="level"),
    Column("donor_printed", _("支援方（原文）")),
    Column("recipient_printed", _("受援方（原文）")),
    Column("start_date", _("开始日期"), sort="start_date"),
    Column("end_date", _("结束日期"), sort="end_date"),
]
