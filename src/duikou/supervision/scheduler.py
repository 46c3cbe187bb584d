"""The application's own scheduler (no cron): each tick sends due deliveries (retries included) and, once the
day's hour has come, the daily run — claimed by a unique row, so one of several app processes runs it."""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from . import daily, delivery

log = logging.getLogger(__name__)


def tick(*, now: dt.datetime | None = None) -> dict:
    """One pass: deliveries due now, then the daily run if it is due and nobody ran it today."""
    now = now or timezone.now()
    result: dict = {"deliveries": delivery.send_pending(now=now), "daily": None}
    local = timezone.localtime(now)
    if local.hour >= getattr(settings, "DUIKOU_DAILY_RUN_HOUR", 7):
        claimed = daily.claim_day(local.date())
        if claimed is not None:
            summary = daily.run_daily(today=local.date())
            claimed.finished_at, claimed.summary = timezone.now(), summary
            claimed.save(update_fields=["finished_at", "summary"])
            result["daily"] = summary
    return result


def run_forever(stop: threading.Event, *, interval: float = 60.0) -> None:
    """Tick every `interval` seconds until `stop` is set; a failing tick is logged and the loop goes on."""
    while not stop.is_set():
        close_old_connections()
        try:
            tick()
        except Exception:  # the scheduler must outlive one bad tick (a database restart, a robot down)
            log.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(interval)
