"""Sign-in with lockout by django-axes: failures are counted per user name AND source address together, so a
stranger elsewhere cannot lock an office out, and an unknown name is counted and locked like a real one (the
answer never tells whether an account exists). Settings: DUIKOU_LOCKOUT_ATTEMPTS, DUIKOU_LOCKOUT_MINUTES."""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check before the password check (PasswordBackend, next in AUTHENTICATION_BACKENDS).

    An authenticate() without a request (the test client's login(), a shell) has no address to lock by: it is
    left to the password check alone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PasswordBackend(ModelBackend):
    """Django's password check (ModelBackend); the signed-in user is read on each request together with their
    organization, which every page names in its header and every gate reads (its tree path): one query a request
    fewer for a unit's users. Sessions record the backend that signed them in, so sessions from before this class
    replaced ModelBackend in settings sign in again once."""

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("organization").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
