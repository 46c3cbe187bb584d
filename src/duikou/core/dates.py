"""Dates as offices write them (2024年11月30日): the one place pages, exports and documents format a date."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone

# Spreadsheet cells keep real dates, shown in the office's way.
XLSX_DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def cn_date(value: dt.date | None) -> str:
    """Always Chinese, whatever the page language: for 公文 and exports (2024年11月30日)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year}年{value.month}月{value.day}日"


def format_date(value: dt.date | str | None) -> str:
    """A date in the page's language: 2024年11月30日 in Chinese, the locale's date format in English."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")
