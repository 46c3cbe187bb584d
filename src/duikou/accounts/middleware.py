"""Session and password policy on every request: idle and absolute session age, and a password that must be
changed (first sign-in or expired) before anything else — pages, admin and API alike."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .otp import otp_required

# Session keys: when the user signed in, and when the session was last seen (both epoch seconds).
SIGNED_IN_AT, SEEN_AT = "duikou_signed_in_at", "duikou_seen_at"


class SessionPolicyMiddleware:
    """Signs out a session idle longer than SESSION_COOKIE_AGE (DUIKOU_SESSION_IDLE_SECONDS) or older than
    DUIKOU_SESSION_MAX_SECONDS since sign-in; the idle clock is refreshed at most once a minute (one write)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            signed_in = session.get(SIGNED_IN_AT) or now
            seen = session.get(SEEN_AT) or now
            if (
                now - seen > settings.SESSION_COOKIE_AGE
                or now - signed_in > settings.DUIKOU_SESSION_MAX_SECONDS
            ):
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": _("会话已过期，请重新登录")}, status=401)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            if SIGNED_IN_AT not in session:
                session[SIGNED_IN_AT] = now
            if now - seen >= 60 or SEEN_AT not in session:
                session[SEEN_AT] = now
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    # Pages a user who must change the password may still reach: changing it, signing out, static files.
    ALLOWED_PREFIXES = ("/accounts/password/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.password_change_due()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先在网页上修改密码")}, status=403)
            return redirect(f"{reverse('accounts:password_change')}?next={request.path}")
        return self.get_response(request)


class OTPRequiredMiddleware:
    """Administrators (perms.OTP_ROLES) pass the TOTP second factor before anything else: the enrolment page
    when they have no device yet, the code page otherwise. Bearer-token API clients are machines and skip it."""

    ALLOWED_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django_otp import user_has_device

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and otp_required(user)
            and not user.is_verified()
            and not request.path.startswith(self.ALLOWED_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("管理员须先通过动态口令验证")}, status=403)
            target = (
                settings.DUIKOU_OTP_VERIFY_URL if user_has_device(user) else settings.DUIKOU_OTP_ENROL_URL
            )
            return redirect(f"{target}?next={request.path}")
        return self.get_response(request)
