"""Carries the signed-in user into the change log for the whole request."""

from django.conf import settings
from django.utils import translation

from .actor import acting_as


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, source="web", address=(request.META.get("REMOTE_ADDR") or "")[:64]) as actor:
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
            from .models import SecurityEvent
            from .security import record

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
