"""Carries the signed-in user into the change log for the whole request."""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import translation
from django.utils.translation import gettext as _

from . import versioned
from .actor import acting_as
from .models import SecurityEvent
from .security import record


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        # A page's data version as read with its user (accounts.backends); a write's request reads it afresh.
        version = getattr(user, "data_version", None) if request.method in ("GET", "HEAD") else None
        with (
            acting_as(user, source="web", address=(request.META.get("REMOTE_ADDR") or "")[:64]) as actor,
            versioned.read_at_start(version),
        ):
            request.request_id = actor.request_id
            return self.get_response(request)


class ChineseFirstLocaleMiddleware:
    """Chinese unless the user chose another language (the set_language cookie); the browser's wish is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SecurityAuditMiddleware:
    """Refused requests (401, 403) and downloads (exports of unit data) go to the security audit, from every page
    and API route alike. Placed before the session and CSRF middleware so their refusals are seen too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        status = response.status_code
        attachment = "attachment" in response.get("Content-Disposition", "")
        if status in (401, 403) or (attachment and status == 200):
            user = getattr(request, "user", None)
            kind = SecurityEvent.EXPORT if status == 200 else SecurityEvent.ACCESS_DENIED
            record(
                kind,
                outcome=SecurityEvent.SUCCESS if status == 200 else SecurityEvent.FAILURE,
                user=user if user is not None and user.is_authenticated else None,
                username=None if user is not None and user.is_authenticated else "",
                request=request,
                detail={"method": request.method, "path": request.get_full_path()[:500], "status": status},
            )
        return response


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: no page of duikou uses the camera, microphone, location or payments."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.DUIKOU_PERMISSIONS_POLICY)
        return response


def accepts_upload(view):
    """Mark a view that takes a file: its requests may be as large as DUIKOU_MAX_UPLOAD_BYTES (plus the form)."""
    view.accepts_upload = True
    return view


class RequestSizeLimitMiddleware:
    """413 for a body larger than the view accepts, decided from Content-Length before anything is read.

    Django's DATA_UPLOAD_MAX_MEMORY_SIZE refuses only after parsing starts, and file parts are spooled to disk on
    the way: a 300 MB POST to the login page was written out before it was refused.
    """

    FORM_OVERHEAD = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(declared)
        except ValueError:
            return self._refuse(400, _("请求头 Content-Length 无效"))
        if length > settings.DUIKOU_MAX_REQUEST_BYTES and length > self._limit_for(request):
            return self._refuse(
                413,
                _("请求过大（%(size).1f MB，上限 %(limit).1f MB）")
                % {"size": length / 2**20, "limit": self._limit_for(request) / 2**20},
            )
        return self.get_response(request)

    def _limit_for(self, request) -> int:
        from django.urls import Resolver404, resolve

        try:
            match = resolve(request.path_info)
        except Resolver404:
            return settings.DUIKOU_MAX_REQUEST_BYTES
        if getattr(match.func, "accepts_upload", False):
            return settings.DUIKOU_MAX_UPLOAD_BYTES + self.FORM_OVERHEAD
        return settings.DUIKOU_MAX_REQUEST_BYTES

    @staticmethod
    def _refuse(status: int, message: str):
        from django.http import HttpResponse

        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
        response["Connection"] = "close"  # the unread body is not left on a kept-alive connection
        return response


# Stands for the request's nonce in a policy built once (never in a real one: base64 has no spaces).
_NONCE = "duikou nonce"


@functools.cache
def _policy(report_only: bool) -> tuple[str, ...]:
    """The settings' policy as django-csp writes it, built once per process: the parts around the nonce (one part:
    no nonce in the policy), and the policy without a nonce ("": none configured)."""
    return (
        *build_policy(nonce=_NONCE, report_only=report_only).split(_NONCE),
        build_policy(report_only=report_only),
    )


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _policy.cache_clear()


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware with the settings' policy built once per process: django-csp rebuilds it from the
    settings for every response (~150 µs), where only the nonce changes. Responses whose policy is their own (django-csp's
    decorators), exempt or excluded, and debug error pages are left to django-csp."""

    _OWN_POLICY = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
    )

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or any(getattr(response, name, None) is not None for name in self._OWN_POLICY)
            or getattr(response, "_csp_exempt", False) is not False
            or getattr(response, "_csp_exempt_ro", False) is not False
            or any(
                (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
            )
        ):
            return super().process_response(request, response)
        nonce = getattr(request, "_csp_nonce", None)
        for header, report_only in ((HEADER, False), (HEADER_REPORT_ONLY, True)):
            *parts, without_nonce = _policy(report_only)
            policy = nonce.join(parts) if nonce else without_nonce
            if policy and header not in response:
                response[header] = policy
        if nonce is None:
            # As django-csp: a nonce asked for after the header is written could not be in it.
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response
