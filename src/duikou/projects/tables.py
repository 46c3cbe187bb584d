"""Columns of the project library."""

from django.utils.translation import gettext_lazy as _

from duikou.web.lists import Column

PROJECT_COLUMNS = [
    Column("code", _("项目编号"), sort="code"),
    Column("name", _("项目名称"), sort="name"),
    Column("status", _("状态"), sort="status"),
    Column("program", _("对口关系"), "program.name", sort="program__name"),
    Column("recipient", _("受援单位"), "recipient.full_name", sort="recipient__full_name"),
    Column("implementer", _("实施单位"), "implementer.full_name", sort="implementer__full_name"),
    Column("sector", _("领域"), sort="sector"),
    Column("place", _("建设地点"), sort="place"),
    Column("budget", _("总投资"), sort="budget", css="num", money=True),
    Column("beneficiaries", _("受益人数"), sort="beneficiaries", css="num"),
    Column("start_date", _("开工日期"), sort="start_date"),
    Column("end_date", _("完工日期"), sort="end_date"),
]
