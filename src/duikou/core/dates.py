"""Today, as the programs count days: the one definition every rule about "overdue" or "due" uses.

A server runs in UTC while offices work in Beijing time: between 00:00 and 08:00 Beijing time the server's
`date.today()` is still yesterday. Every rule asks `today_for(program)` instead, which is the date in the
program's time zone (the `DUIKOU_TIME_ZONE` setting, Asia/Shanghai by default; a program may carry its own
`time_zone` attribute).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

DEFAULT_TIME_ZONE = "Asia/Shanghai"


def time_zone_for(program=None) -> ZoneInfo:
    """The time zone a program counts its days in."""
    name = getattr(program, "time_zone", None) or getattr(settings, "DUIKOU_TIME_ZONE", None) or DEFAULT_TIME_ZONE
    return ZoneInfo(name)


def today_for(program=None, *, now: dt.datetime | None = None) -> dt.date:
    """The current date in the program's time zone (`now` for tests and replays; default: the clock)."""
    return timezone.localtime(now or timezone.now(), time_zone_for(program)).date()


def local_date(moment: dt.datetime, program=None) -> dt.date:
    """The date a stored moment (a submission, a review) falls on in the program's time zone."""
    return timezone.localtime(moment, time_zone_for(program)).date()
