"""Who may take each workflow step: one predicate per step (django-rules), asked by services, views, templates
and the API alike.

A step is declared once, in its app's `rules.py`, as `step(name, who=…, when=…)`: `who` says which users may
take it on this object at all (role and own organization), `when` which states of the object allow it. Pages
and templates ask `can(user, name, obj)` (`{% load rules %}{% test_rule "reports.approve" user report as ok %}`);
services call `require(user, name, obj)`, which refuses with PermissionDenied when `who` fails and with the
step's `refuse_state` (a ValidationError naming the state) when only `when` does. `STEPS` lists them all; the
step × role test walks it.

Row visibility stays with the one permission gate (`core.permissions`): predicates use it, never restate it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from . import permissions as perms


@dataclass(frozen=True)
class Step:
    name: str
    who: rules.Predicate
    when: rules.Predicate
    label: str


STEPS: dict[str, Step] = {}


def step(name: str, *, who: rules.Predicate, when: rules.Predicate | None = None, label: str = "") -> Step:
    """Declare a workflow step (once, at import of the app's rules.py)."""
    when = when or rules.always_allow
    declared = Step(name, who, when, label or name)
    STEPS[name] = declared
    rules.set_rule(name, who & when)
    return declared


def can(user, name: str, obj=None) -> bool:
    """Whether `user` may take step `name` on `obj` now."""
    if name not in STEPS:
        raise KeyError(f"unknown workflow step {name!r}")
    return rules.test_rule(name, user, obj)


def may(user, name: str, obj=None) -> bool:
    """Whether `user` is someone who takes step `name` (on `obj`, if given) in some state (for queues and forms)."""
    return STEPS[name].who.test(user, obj)


def require(
    user, name: str, obj=None, *, refuse_state: Callable[[], None] | None = None, message: str = ""
) -> None:
    """Refuse unless `can(user, name, obj)`: PermissionDenied for the wrong user, `refuse_state()` (which raises)
    when the user could take the step but the object's state does not allow it."""
    declared = STEPS[name]
    if not declared.who.test(user, obj):
        raise PermissionDenied(message or _("无权%(step)s") % {"step": declared.label})
    if not declared.when.test(user, obj):
        if refuse_state is not None:
            refuse_state()
        raise PermissionDenied(message or _("当前状态下不能%(step)s") % {"step": declared.label})


# -- predicates shared by the apps' rules ------------------------------------------------------------
def has_role(*roles: str) -> rules.Predicate:
    wanted = set(roles)

    @rules.predicate(name=f"has_role({','.join(sorted(wanted))})")
    def check(user) -> bool:
        return perms.role_of(user) in wanted

    return check


is_office = has_role(perms.OFFICE_ADMIN)
is_unit = has_role(*perms.UNIT_ROLES)
is_unit_reporter = has_role(perms.UNIT_REPORTER)
is_unit_head = has_role(perms.UNIT_HEAD)
is_recipient = has_role(perms.RECIPIENT_VIEWER)
reads_everything = has_role(*perms.READ_EVERYTHING_ROLES)


def allowed(model, action: str) -> rules.Predicate:
    """The role may perform `action` on this model at all (the gate's `allows`)."""

    @rules.predicate(name=f"allowed({model.__name__},{action})")
    def check(user) -> bool:
        return perms.allows(user, model, action)

    return check


def gate(action: str) -> rules.Predicate:
    """The gate lets the user perform `action` on this row."""

    @rules.predicate(name=f"gate({action})")
    def check(user, obj) -> bool:
        return obj is not None and perms.can(user, obj, action)

    return check


def within(attribute: str | None = None) -> rules.Predicate:
    """The object (or its `attribute`, an organization) is the user's own organization or one under it."""

    @rules.predicate(name=f"within({attribute or 'obj'})")
    def check(user, obj) -> bool:
        org = obj if attribute is None else getattr(obj, attribute, None)
        return perms.within(user, org)

    return check


def status_in(*statuses: str, attribute: str = "status") -> rules.Predicate:
    wanted = set(statuses)

    @rules.predicate(name=f"status_in({','.join(sorted(wanted))})")
    def check(user, obj) -> bool:
        return getattr(obj, attribute, None) in wanted

    return check
