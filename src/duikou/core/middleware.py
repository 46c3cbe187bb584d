"""Carries the signed-in user into the change log for the whole request."""

from .actor import acting_as


class ActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user if getattr(request, "user", None) and request.user.is_authenticated else None
        with acting_as(user, source="web") as actor:
            request.request_id = actor.request_id
            return self.get_response(request)
