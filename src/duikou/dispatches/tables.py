"""Columns of the list of people dispatched."""

from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Column

DISPATCH_COLUMNS = [
    Column("person_name", _("姓名"), sort="person_name"),
    Column("field", _("类别"), sort="field"),
    Column(
        "from_organization", _("派出单位"), "from_organization.full_name", sort="from_organization__full_name"
    ),
    Column("to_organization", _("接收单位"), "to_organization.full_name", sort="to_organization__full_name"),
    Column("position", _("挂职岗位"), sort="position"),
    Column("start_date", _("开始日期"), sort="start_date"),
    Column("end_date", _("结束日期"), sort="end_date"),
    Column("months", _("时长（月）"), css="num"),
    Column("target", _("计入目标"), "target.indicator", sort="target__indicator"),
]
