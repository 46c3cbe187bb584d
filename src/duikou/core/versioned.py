"""Figures cached on the data's version: recomputed after any change (or, with `reuse_seconds`, at most so often),
reused while nothing changed.

The version is the newest change-log entry's id: every create, update and delete of an audited record writes one
in the same transaction (core.audit; bulk loads write their own summary entry), so a report approved or a task
changed moves it, and the next view computes afresh. The day (core.dates.today_for) is part of every key, since
what is overdue or due soon turns at midnight. A bounded lifetime covers what the version cannot see: two
transactions that commit out of the order of their ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from .dates import today_for
from .models import ChangeLog

T = TypeVar("T")


def data_version() -> int:
    """The newest change-log id (0 on an empty database): one indexed lookup."""
    return ChangeLog.objects.aggregate(v=Max("pk"))["v"] or 0


def cached(name: str, parts, compute: Callable[[], T], **options) -> T:
    """compute() once per (name, parts, data version, day); the options are cached_with_time's."""
    return cached_with_time(name, parts, compute, **options)[0]


def cached_with_time(
    name: str,
    parts,
    compute: Callable[[], T],
    *,
    version: int | None = None,
    seconds: int | None = None,
    reuse_seconds: int = 0,
) -> tuple[T, dt.datetime]:
    """compute() once per (name, parts, data version, day), kept at most `seconds` (DUIKOU_FIGURES_CACHE_SECONDS),
    with the moment the answer served was computed.

    `parts` names everything else the answer depends on (whose view, which page); it is hashed into the key.
    `version`: the data_version() already read for this view (several figures, one lookup). `reuse_seconds`: an
    answer computed at an older version is still served while younger than this (the same day): under a stream of
    writes each view would otherwise compute afresh."""
    version = data_version() if version is None else version
    digest = hashlib.sha256(repr((parts, str(today_for()))).encode()).hexdigest()[:32]
    key = f"duikou:{name}:{digest}"
    found = cache.get(key)
    now = timezone.now()
    if found is not None:
        found_version, computed_at, value = found
        if found_version == version or (now - computed_at).total_seconds() < reuse_seconds:
            return value, computed_at
    value = compute()
    timeout = settings.DUIKOU_FIGURES_CACHE_SECONDS if seconds is None else seconds
    cache.set(key, (version, now, value), timeout)
    return value, now
