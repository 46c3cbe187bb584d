"""Columns of the funding-line list: planned against disbursed."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core.lists import Column, progress_html


def schedule_link(line):
    return reverse("funds:schedule", args=[line.plan_id])


FUNDING_COLUMNS = [
    Column("plan", _("方案"), "plan.title", sort="plan__title", link=schedule_link),
    Column("source", _("资金来源"), sort="source"),
    Column("year", _("年度"), sort="year", css="num"),
    Column("amount", _("计划金额"), sort="amount", css="num", money=True),
    Column("disbursed", _("已到账"), lambda line: line.disbursed, css="num", money=True),
    Column("execution", _("执行率"), lambda line: line.execution, html=progress_html),
]
