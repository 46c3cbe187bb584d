"""The API's rate limit: requests per caller (the token's user, or the address of an anonymous caller) in a window.

Counts live in Django's cache: set DUIKOU_CACHE_URL to a cache every app process shares (the database or
memcached/redis) when several run; the default is per process. Sign-in failures are limited separately (lockout).
"""

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class ApiRateThrottle(SimpleRateThrottle):
    """DUIKOU_API_RATE (e.g. "600/m") per user; DUIKOU_API_ANONYMOUS_RATE per address without a valid token."""

    scope = "duikou-api"

    def __init__(self) -> None:
        super().__init__(rate=settings.DUIKOU_API_RATE)

    def allow_request(self, request) -> bool:
        # Read at each request, so a deployment (or a test) changes the rate without restarting.
        signed_in = getattr(request, "auth", None) is not None
        self.rate = settings.DUIKOU_API_RATE if signed_in else settings.DUIKOU_API_ANONYMOUS_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_cache_key(self, request) -> str:
        auth = getattr(request, "auth", None)
        ident = (
            f"user-{auth.pk}" if auth is not None and getattr(auth, "pk", None) else self.get_ident(request)
        )
        return f"throttle_{self.scope}_{ident}"
