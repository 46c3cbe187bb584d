"""Columns of the target list: the commitment, what is achieved to date, and the progress."""

import html
from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from duikou.core import money
from duikou.core.lists import Column, progress_html, template_cell
from duikou.supervision.lights import LABELS as LIGHT_LABELS

from . import units


def value_html(target, value) -> str:
    """A value in the target's unit: targets/_value_cell.html in Python (a list shows it twice on every row). `target`:
    a Target, or any row with its unit and unit_text (the unit page's rows of values)."""
    if value is None:
        return "—"
    # format_quantity writes plain text: escaped without conditional_escape's lazy-string wrapper (150 cells a page).
    return html.escape(units.format_quantity(value, target.unit, target.unit_text))


def value_cells() -> Callable[[Any, Any], str]:
    """`value_html` for a page's many values: each unit's formatter made once (units.quantity_formatter)."""
    formatters: dict[tuple, Callable[[Any], str]] = {}

    def value_cell(target, value) -> str:
        if value is None:
            return "—"
        key = (target.unit, target.unit_text)
        formatted = formatters.get(key)
        if formatted is None:
            formatted = formatters[key] = units.quantity_formatter(*key)
        return html.escape(formatted(value))

    return value_cell


# supervision/_light_cell.html: the light's markup, rendered once per light and language.
LIGHT_CELL = template_cell(
    "supervision/_light.html", lambda row, value: {"light": getattr(row, "light", None)}
)


def target_link(target):
    return reverse("targets:detail", args=[target.pk])


TARGET_COLUMNS = [
    Column("indicator", _("指标"), sort="indicator", link=target_link),
    # supervision.lights.commitment_lights: achieved ÷ agreed against the time elapsed (one owner of lights).
    Column(
        "light",
        _("红黄绿灯"),
        lambda t: LIGHT_LABELS.get(getattr(t, "light", None), ""),
        html=LIGHT_CELL,
    ),
    Column("plan", _("方案"), "plan.title", sort="plan__title"),
    Column("year", _("年份"), sort="year", css="num"),
    Column("comparator", _("比较"), sort="comparator"),
    # Each value carries its own unit on the page (units differ row by row); the sheet keeps number and unit apart.
    Column(
        "value",
        _("目标值"),
        sort="value",
        css="num",
        html=value_html,
        sheet_value=lambda t: money.in_unit(t.value) if t.unit == units.YUAN else t.value,
    ),
    Column("unit", _("计量单位"), lambda t: units.unit_label(t.unit, t.unit_text), page=False),
    Column("allocation_count", _("分解单位数"), sort="allocation_count", css="num"),
    Column(
        "achieved",
        _("已完成"),
        lambda t: t.achieved,
        css="num",
        html=value_html,
        sheet_value=lambda t: money.in_unit(t.achieved) if t.unit == units.YUAN else t.achieved,
    ),
    Column("progress", _("完成进度"), lambda t: t.progress, html=progress_html),
]
