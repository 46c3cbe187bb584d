"""Sign-in with lockout: repeated failed logins lock an account for a while (settings DUIKOU_LOCKOUT_*)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone


def is_locked(user) -> bool:
    """Whether the account is locked out right now."""
    return bool(user.locked_until and user.locked_until > timezone.now())


class LockoutBackend(ModelBackend):
    """Django's password check, refusing accounts that are locked out."""

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and not is_locked(user)


@receiver(user_login_failed)
def count_failed_login(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username")
    if not username:
        return
    User = get_user_model()
    with transaction.atomic():
        # An F() increment: two concurrent wrong guesses both count, in any process.
        User.objects.filter(username=username, locked_until__isnull=True).update(
            failed_logins=F("failed_logins") + 1
        )
        User.objects.filter(username=username, locked_until__lte=timezone.now()).update(
            failed_logins=1, locked_until=None
        )
        limit = settings.DUIKOU_LOCKOUT_ATTEMPTS
        User.objects.filter(username=username, failed_logins__gte=limit, locked_until__isnull=True).update(
            locked_until=timezone.now() + dt.timedelta(minutes=settings.DUIKOU_LOCKOUT_MINUTES),
            failed_logins=0,
        )


@receiver(user_logged_in)
def reset_failed_logins(sender, user, request=None, **kwargs):
    type(user).objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
