"""The security audit: record an event, verify the hash chain, purge what is past retention.

Every entry's hash covers its own fields and the previous entry's hash, so a row changed or deleted behind the
application's back (raw SQL, a restored file) breaks the chain at that row, which `duikou audit verify` names.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .actor import current_actor
from .crypto import chain_algorithm, digest
from .errors import InputError
from .models import SecurityEvent

GENESIS = "0" * 64
# 等保2.0 asks for at least six months; a shorter setting is raised to this.
MIN_RETENTION_DAYS = 183


def client_address(request) -> str:
    """The address the request came from (REMOTE_ADDR: a proxy in front sets it through the server's config)."""
    return (request.META.get("REMOTE_ADDR") or "")[:64] if request is not None else ""


def _payload(event: SecurityEvent) -> bytes:
    fields = {
        "seq": event.seq,
        "at": event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "kind": event.kind,
        "outcome": event.outcome,
        "user_id": event.user_id,
        "username": event.username,
        "target": event.target,
        "address": event.address,
        "source": event.source,
        "request_id": event.request_id,
        "detail": event.detail,
        "algorithm": event.algorithm,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def entry_hash(event: SecurityEvent) -> str:
    return digest(_payload(event), event.algorithm)


def _lock_chain() -> None:
    # One writer at a time appends to the chain, across processes. SQLite's IMMEDIATE transactions already
    # serialize writers; PostgreSQL takes a transaction-scoped advisory lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x64756B6F])


def record(
    kind: str,
    *,
    outcome: str = SecurityEvent.SUCCESS,
    user=None,
    username: str | None = None,
    target: str = "",
    request=None,
    detail: dict | None = None,
) -> SecurityEvent:
    """Append one event to the security audit. `user` defaults to the current actor; `request` gives the address."""
    actor = current_actor()
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    user_id = user.pk if user is not None else actor.user_id
    if username is None:
        username = user.get_username() if user is not None else actor.username
    address = client_address(request) if request is not None else (actor.address or "")
    with transaction.atomic():
        _lock_chain()
        last = SecurityEvent.objects.order_by("-seq").only("seq", "hash").first()
        event = SecurityEvent(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            kind=kind,
            outcome=outcome,
            user_id=user_id,
            username=(username or "")[:150],
            target=(target or "")[:150],
            address=address,
            source=actor.source,
            request_id=getattr(request, "request_id", None) or actor.request_id,
            detail=json.loads(json.dumps(detail or {}, default=str)),
            algorithm=chain_algorithm(),
            prev_hash=last.hash if last else GENESIS,
        )
        event.hash = entry_hash(event)
        event.save()
    return event


@dataclass
class ChainReport:
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def _anchors() -> set[str]:
    """Hashes a purge left as the start of what remains (the last purged entry's)."""
    return {
        e.detail.get("anchor", "")
        for e in SecurityEvent.objects.filter(kind=SecurityEvent.AUDIT_PURGE).only("detail")
    }


def verify_chain() -> ChainReport:
    """Walk the chain from the oldest entry; name the first whose hash or link does not hold."""
    previous: SecurityEvent | None = None
    checked = 0
    for event in SecurityEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if previous is None:
            if event.prev_hash != GENESIS and event.prev_hash not in _anchors():
                return ChainReport(checked, event.seq, event.pk, _("之前的记录被删除（链首不是起点）"))
        else:
            if event.seq != previous.seq + 1:
                return ChainReport(
                    checked,
                    event.seq,
                    event.pk,
                    _("之前缺少第 %(first)s 至 %(last)s 条（被删除）")
                    % {"first": previous.seq + 1, "last": event.seq - 1},
                )
            if event.prev_hash != previous.hash:
                return ChainReport(
                    checked, event.seq, event.pk, _("前一条摘要不符（之前的记录被修改或删除）")
                )
        try:
            expected = entry_hash(event)
        except ValueError:
            expected = None
        if expected != event.hash:
            return ChainReport(checked, event.seq, event.pk, _("内容与摘要不符（本条被修改）"))
        checked += 1
        previous = event
    return ChainReport(checked)


def retention_days() -> int:
    return max(int(getattr(settings, "DUIKOU_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS)


def purge_before(day: dt.date) -> int:
    """Delete entries dated before `day`, refusing any younger than the retention period; logged as an event
    that keeps the last removed entry's hash, so the chain still verifies from what remains."""
    oldest_allowed = timezone.localdate() - dt.timedelta(days=retention_days())
    if day > oldest_allowed:
        raise InputError(
            _("--before：审计记录至少保留 %(days)s 天，只能清理 %(date)s 之前的记录")
            % {"days": retention_days(), "date": oldest_allowed.isoformat()}
        )
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    with transaction.atomic():
        _lock_chain()
        last_removed = SecurityEvent.objects.filter(at__lt=moment).order_by("-seq").only("hash").first()
        if last_removed is None:
            return 0
        removed = SecurityEvent.objects.purge_before(moment)
        record(
            SecurityEvent.AUDIT_PURGE,
            detail={"before": day.isoformat(), "removed": removed, "anchor": last_removed.hash},
        )
    return removed
