"""Figures cached on the data's version: recomputed after any change, reused while nothing changed.

The version is the newest change-log entry's id: every create, update and delete of an audited record writes one
in the same transaction (core.audit; bulk loads write their own summary entry), so a report approved or a task
changed moves it, and the next view computes afresh. The day (core.dates.today_for) is part of every key, since
what is overdue or due soon turns at midnight. A bounded lifetime covers what the version cannot see: two
transactions that commit out of the order of their ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max

from .dates import today_for
from .models import ChangeLog

T = TypeVar("T")


def data_version() -> int:
    """The newest change-log id (0 on an empty database): one indexed lookup."""
    return ChangeLog.objects.aggregate(v=Max("pk"))["v"] or 0


def cached(
    name: str, parts, compute: Callable[[], T], *, version: int | None = None, seconds: int | None = None
) -> T:
    """compute() once per (name, parts, data version, day), kept at most `seconds` (DUIKOU_FIGURES_CACHE_SECONDS).

    `parts` names everything else the answer depends on (whose view, which page); it is hashed into the key.
    `version`: the data_version() already read for this view (several figures, one lookup)."""
    version = data_version() if version is None else version
    digest = hashlib.sha256(repr((parts, version, str(today_for()))).encode()).hexdigest()[:32]
    key = f"duikou:{name}:{digest}"
    missing = object()
    value = cache.get(key, missing)
    if value is missing:
        value = compute()
        timeout = settings.DUIKOU_FIGURES_CACHE_SECONDS if seconds is None else seconds
        cache.set(key, value, timeout)
    return value
