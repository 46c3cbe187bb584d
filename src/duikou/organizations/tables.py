"""Columns of the organization list."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Column


def organization_link(org):
    return reverse("organizations:detail", args=[org.pk])


ORGANIZATION_COLUMNS = [
    Column("full_name", _("全称"), sort="full_name", link=organization_link),
    Column("kind", _("类型"), sort="kind"),
    Column("level", _("层级"), sort="level"),
    Column("division_code", _("行政区划代码"), sort="division_code"),
    Column("task_count", _("承担任务数"), sort="task_count", css="num"),
]
