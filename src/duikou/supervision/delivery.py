"""Deliveries of inbox notices by e-mail and to group robots (企业微信, 钉钉), retried until they go out, once.

`queue` records one Delivery per destination inside the caller's transaction (a unique key per notice and
destination); `send_pending` runs after the commit and in the scheduler: it claims each row with a
conditional update, so two processes never send the same row, and backs off after a failure.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import CharField, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core.compiled import CompiledObjects, Param
from duikou.reports.models import Reminder

from .models import Delivery, WebhookChannel

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
CLAIM_SECONDS = 120
TIMEOUT_SECONDS = 10


def _program_of(reminder: Reminder):
    if reminder.task_id:
        return reminder.task.plan.program_id
    if reminder.report_id:
        return reminder.report.program_id
    return None


def recipients(reminder: Reminder) -> list[str]:
    """E-mail addresses for a notice: the unit's heads and reporters, or the office's people for office notices."""

    users = User.objects.filter(is_active=True).exclude(email="")
    if reminder.organization_id is None:
        users = users.filter(Q(role=perms.OFFICE_ADMIN) | Q(is_superuser=True))
    else:
        users = users.filter(organization_id=reminder.organization_id, role__in=perms.UNIT_ROLES)
    return sorted(set(users.values_list("email", flat=True)))


def channels(reminder: Reminder) -> list[WebhookChannel]:
    """Active robots of the notice's unit (or of a unit above it) and of its program."""
    program_id = _program_of(reminder)
    above: list[str] = []
    if reminder.organization_id is not None:
        path = reminder.organization.tree_path
        ends = [i for i in range(1, len(path) + 1) if path[i - 1] == "/"]
        above = list(dict.fromkeys([path[:i] for i in ends] + [path]))
    if not above and program_id is None:
        return []
    paths = {f"path{n}": p for n, p in enumerate(above)}
    return _CHANNELS.objects(None, len(above), program_id is not None, program=program_id, **paths)


def _channels_query(depth: int, of_program: bool):
    """The robots of a notice whose unit has `depth` paths above it and at it (0: no unit), with a program or not."""
    program = Q(program_id=Param("program")) if of_program else Q(program__isnull=True)
    scope = Q()
    if depth:
        above = [Param(f"path{n}", output_field=CharField()) for n in range(depth)]
        # A unit's robot set on a program's settings page hears that program only.
        scope |= Q(organization__tree_path__in=above) & (Q(program__isnull=True) | program)
    if of_program:
        scope |= Q(organization__isnull=True) & program
    return WebhookChannel.objects.filter(scope, active=True)


# Compiled (core.compiled) per depth of the unit and whether the notice has a program: every notice asks (a report
# submitted tells its unit's head), and building the query cost more than running it.
_CHANNELS = CompiledObjects(WebhookChannel, _channels_query, maxsize=32)


# Events are e-mailed one by one at once; the daily run's notices go in its one digest per unit (reports).
EMAILED_AT_ONCE = {
    Reminder.URGED,
    Reminder.AWAITING_APPROVAL,
    Reminder.NOTICE,
    Reminder.INSTRUCTION,
    Reminder.CHANGE_DECIDED,
    Reminder.ANSWERED,
    Reminder.REPORT_RETURNED,
}


def queue(reminder: Reminder) -> int:
    """Record the deliveries of one notice (idempotent: the keys are unique); returns how many are new."""
    now = timezone.now()
    rows = []
    if getattr(settings, "DUIKOU_EMAIL_ENABLED", False) and reminder.kind in EMAILED_AT_ONCE:
        rows += [
            Delivery(
                key=f"{reminder.pk}:email:{address}"[:200],
                reminder=reminder,
                channel=Delivery.EMAIL,
                address=address,
                next_try_at=now,
            )
            for address in recipients(reminder)
        ]
    rows += [
        Delivery(
            key=f"{reminder.pk}:{ch.kind}:{ch.pk}",
            reminder=reminder,
            channel=ch.kind,
            webhook=ch,
            next_try_at=now,
        )
        for ch in channels(reminder)
    ]
    if not rows:  # no address and no robot (most notices): nothing to look up or write
        return 0
    existing = set(Delivery.objects.filter(key__in=[r.key for r in rows]).values_list("key", flat=True))
    new = [r for r in rows if r.key not in existing]
    Delivery.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# ---------------------------------------------------------------- message formats


def _absolute(link: str) -> str:
    base = getattr(settings, "DUIKOU_SITE_URL", "").rstrip("/")
    return f"{base}{link}" if link and base else link


def payload(channel: WebhookChannel, reminder: Reminder) -> dict:
    """The robot's documented JSON: {"msgtype":"text","text":{"content":…}} or its markdown message."""
    title = _("对口支援协作·%(kind)s") % {"kind": reminder.get_kind_display()}
    link = _absolute(reminder.link)
    if channel.message_format == WebhookChannel.MARKDOWN:
        text = f"### {title}\n{reminder.message}" + (f"\n\n[{_('查看详情')}]({link})" if link else "")
        if channel.kind == WebhookChannel.DINGTALK:
            return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        return {"msgtype": "markdown", "markdown": {"content": text}}
    content = f"【{title}】{reminder.message}" + (f" {link}" if link else "")
    return {"msgtype": "text", "text": {"content": content}}


def signed_url(channel: WebhookChannel, now_ms: int | None = None) -> str:
    """钉钉 加签: timestamp and HMAC-SHA256 of "timestamp\\nsecret", base64 then URL-encoded, as its robot API asks."""
    if channel.kind != WebhookChannel.DINGTALK or not channel.secret:
        return channel.url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        channel.secret.encode(), f"{timestamp}\n{channel.secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in channel.url else "?"
    return f"{channel.url}{joiner}timestamp={timestamp}&sign={sign}"


def post_json(url: str, body: dict) -> dict:
    """POST JSON and return the robot's JSON answer; both robots answer errcode 0 on success."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(_("Webhook 地址只能是 http 或 https：%(url)s") % {"url": url})
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
        answer = json.loads(response.read(65536) or b"{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
    return answer


def _send(row: Delivery) -> None:
    reminder = row.reminder
    if row.channel == Delivery.EMAIL:
        body = reminder.message + (f"\n{_absolute(reminder.link)}" if reminder.link else "")
        send_mail(
            _("对口支援协作：%(kind)s") % {"kind": reminder.get_kind_display()},
            body,
            settings.DEFAULT_FROM_EMAIL,
            [row.address],
        )
        return
    post_json(signed_url(row.webhook), payload(row.webhook, reminder))


def send_pending(*, reminder_ids=None, now: dt.datetime | None = None, limit: int = 500) -> dict[str, int]:
    """Send the deliveries that are due (optionally of these notices); returns counts sent and failed."""
    now = now or timezone.now()
    due = Delivery.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, next_try_at__lte=now
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
    if reminder_ids is not None:
        due = due.filter(reminder_id__in=list(reminder_ids))
    counts = {"sent": 0, "failed": 0}
    for pk in list(due.order_by("next_try_at", "pk").values_list("pk", flat=True)[:limit]):
        # Claim: only the process whose update matched sends this row.
        claimed = (
            Delivery.objects.filter(pk=pk, sent_at__isnull=True)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS))
        )
        if not claimed:
            continue
        row = Delivery.objects.select_related("reminder__task__plan", "reminder__report", "webhook").get(
            pk=pk
        )
        try:
            _send(row)
        except Exception as exc:  # a robot down or refusing: try again later, with a growing wait
            log.warning("delivery %s failed: %s", row.key, exc)
            attempts = row.attempts + 1
            Delivery.objects.filter(pk=pk).update(
                attempts=attempts,
                claimed_until=None,
                last_error=str(exc)[:500],
                next_try_at=now + dt.timedelta(minutes=2**attempts),
            )
            counts["failed"] += 1
        else:
            Delivery.objects.filter(pk=pk).update(
                sent_at=timezone.now(), attempts=row.attempts + 1, claimed_until=None, last_error=""
            )
            if row.channel == Delivery.EMAIL:
                Reminder.objects.filter(pk=row.reminder_id, emailed_at__isnull=True).update(
                    emailed_at=timezone.now()
                )
            counts["sent"] += 1
    return counts
