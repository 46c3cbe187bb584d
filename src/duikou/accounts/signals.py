"""Account events into the security audit: sign-in and out, failures, account, role and password changes."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from duikou.core.api_auth import revoke_token
from duikou.core.models import SecurityEvent
from duikou.core.security import record

from .middleware import SEEN_AT, SIGNED_IN_AT
from .models import PRIVILEGE_FIELDS, User


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    record(SecurityEvent.LOGIN, user=user, target=user.get_username(), request=request)
    if request is not None and hasattr(request, "session"):
        import time

        request.session[SIGNED_IN_AT] = request.session[SEEN_AT] = int(time.time())


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    record(
        SecurityEvent.LOCKOUT,
        outcome=SecurityEvent.FAILURE,
        username="",
        target=str(username or "")[:150],
        request=request,
        detail={"address": ip_address},
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEvent.LOGOUT, user=user, target=user.get_username(), request=request)


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    # The name typed is kept as typed (it may be no account at all); nothing says whether it exists.
    typed = str((credentials or {}).get("username") or "")[:150]
    record(
        SecurityEvent.LOGIN_FAILED, outcome=SecurityEvent.FAILURE, username="", target=typed, request=request
    )


def account_saved(user, *, before: dict, adding: bool) -> None:
    """Called by User.save: a new account, a change of role or reach, a new password."""

    if adding:
        record(
            SecurityEvent.ACCOUNT_CREATE,
            target=user.get_username(),
            detail={
                "role": user.role,
                "organization_id": user.organization_id,
                "is_superuser": user.is_superuser,
            },
        )
        return
    if not before:
        return
    changed = {
        name: {"before": before[name], "after": getattr(user, name)}
        for name in PRIVILEGE_FIELDS
        if name in before and before[name] != getattr(user, name)
    }
    if changed:
        record(SecurityEvent.ROLE_CHANGE, target=user.get_username(), detail=changed)
    if "password" in before and before["password"] != user.password:
        record(SecurityEvent.PASSWORD_CHANGE, target=user.get_username())
        revoke_token(
            user=user, reason="password_change"
        )  # a token must not outlive the password it was given under
    # The next save compares against what is stored now.
    user._audit_before = {f.attname: getattr(user, f.attname) for f in user._meta.concrete_fields}


def _log_permissions(sender, instance, action, model, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return

    if isinstance(instance, User):
        record(
            SecurityEvent.ROLE_CHANGE,
            target=instance.get_username(),
            detail={sender._meta.model_name: {"action": action, "ids": sorted(pk_set or [])}},
        )


def connect():

    m2m_changed.connect(_log_permissions, sender=User.groups.through, dispatch_uid="account-groups")
    m2m_changed.connect(_log_permissions, sender=User.user_permissions.through, dispatch_uid="account-perms")
    post_delete.connect(_log_delete, sender=User, dispatch_uid="account-delete")


def _log_delete(sender, instance, **kwargs):
    record(SecurityEvent.ACCOUNT_DELETE, target=instance.get_username(), detail={"role": instance.role})
