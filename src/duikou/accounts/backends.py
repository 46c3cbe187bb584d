"""Sign-in with lockout by django-axes: failures are counted per user name AND source address together, so a
stranger elsewhere cannot lock an office out, and an unknown name is counted and locked like a real one (the
answer never tells whether an account exists). Settings: DUIKOU_LOCKOUT_ATTEMPTS, DUIKOU_LOCKOUT_MINUTES."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend, UserModel


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check before Django's password check (PasswordBackend, next in AUTHENTICATION_BACKENDS).

    An authenticate() without a request (the test client's login(), a shell) has no address to lock by: it is
    left to the password check alone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PasswordBackend(ModelBackend):
    """Django's password check; the signed-in user of every request is read with its organization in the same
    query (the header names it and most pages scope by it: one query a request fewer)."""

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("organization").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
