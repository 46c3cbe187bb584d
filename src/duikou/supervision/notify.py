"""How a supervision event reaches people: a notice in the site's inbox (reports.Reminder); supervision.signals
queues its e-mail and group-robot deliveries, sent after the transaction commits. One event key, one notice."""

from __future__ import annotations

from duikou.reports.models import Reminder

URGED = Reminder.URGED
AWAITING_APPROVAL = Reminder.AWAITING_APPROVAL
NOTICE = Reminder.NOTICE
INSTRUCTION = Reminder.INSTRUCTION
CHANGE_DECIDED = Reminder.CHANGE_DECIDED
ANSWERED = Reminder.ANSWERED


def tell(
    *, kind: str, organization, text: str, key: str, link: str = "", task=None, report=None, new: bool = False
) -> Reminder:
    """Put a notice in the unit's inbox (once per key) and queue its delivery for after the commit.
    `new`: the key cannot have been used yet (it names a row just created), so the notice is written without first
    looking for it."""
    values = {
        "organization": organization,
        "kind": kind,
        "task": task,
        "report": report,
        # No due date: an event is keyed by its own key, not by (unit, kind, task, day) as daily runs are.
        "due_date": None,
        "message": text[:500],
        "link": link[:300],
    }
    if new:
        return Reminder.objects.create(key=key[:100], **values)
    reminder, _created = Reminder.objects.get_or_create(key=key[:100], defaults=values)
    return reminder  # a new notice is queued for delivery by supervision.signals


def tell_office(
    *, kind: str, text: str, key: str, link: str = "", task=None, report=None, new: bool = False
) -> Reminder:
    """A notice for the program office (no unit): waiting approvals and the units' answers."""
    return tell(
        kind=kind, organization=None, text=text, key=key, link=link, task=task, report=report, new=new
    )
