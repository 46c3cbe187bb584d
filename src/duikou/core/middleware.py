"""Carries the signed-in user into the change log for the whole request."""

from django.conf import settings
from django.utils import translation

from .actor import acting_as


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, source="web") as actor:
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


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every response: no page of duikou uses the camera, microphone, location or payments."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.DUIKOU_PERMISSIONS_POLICY)
        return response
