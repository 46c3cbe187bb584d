"""Dates: today as the programs count days (the one definition every rule about "overdue" or "due" uses), and
dates written as offices write them (2024年11月30日) in pages, exports and documents.

A server runs in UTC while offices work in Beijing time: between 00:00 and 08:00 Beijing time the server's
`date.today()` is still yesterday. Every rule asks `today_for(program)` instead, which is the date in the
program's time zone (the `DUIKOU_TIME_ZONE` setting, Asia/Shanghai by default; a program may carry its own
`time_zone` attribute).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone

DEFAULT_TIME_ZONE = "Asia/Shanghai"
# Spreadsheet cells keep real dates, shown in the office's way.
XLSX_DATE_FORMAT = 'yyyy"年"m"月"d"日"'


def time_zone_for(program=None) -> ZoneInfo:
    """The time zone a program counts its days in."""
    name = (
        getattr(program, "time_zone", None)
        or getattr(settings, "DUIKOU_TIME_ZONE", None)
        or DEFAULT_TIME_ZONE
    )
    return ZoneInfo(name)


def today_for(program=None, *, now: dt.datetime | None = None) -> dt.date:
    """The current date in the program's time zone (`now` for tests and replays; default: the clock)."""
    return timezone.localtime(now or timezone.now(), time_zone_for(program)).date()


def local_date(moment: dt.datetime, program=None) -> dt.date:
    """The date a stored moment (a submission, a review) falls on in the program's time zone."""
    return timezone.localtime(moment, time_zone_for(program)).date()


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
