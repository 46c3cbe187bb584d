"""A provisioned account sets its own password before it does anything else."""

from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    # Pages a user with a generated password may still reach: changing it, signing out, static files.
    ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not request.path.startswith("/api/")  # token clients get no page to go to
        ):
            return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
        return self.get_response(request)
