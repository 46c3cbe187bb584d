"""API authentication: `Authorization: Bearer <token>` or the browser session.

A token is stored only as its SHA-256 digest, with an expiry and a scope (read: GET/HEAD/OPTIONS only; write:
everything the user's role allows). Issuing and revoking are in the security audit; a password change revokes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from .models import SecurityEvent
from .security import record

TOKEN_PREFIX = "dk_"
READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def hash_token(token: str) -> str:
    """The stored form of a token; a fast hash is enough because tokens carry 256 random bits."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(*, user, scope: str = READ, days: int | None = None) -> str:
    """Give `user` a new API token (the old one stops working) and return it; only its hash is stored."""

    if scope not in SCOPES:
        raise ValueError(_("令牌范围须为 read 或 write：%(scope)s") % {"scope": scope})
    days = settings.DUIKOU_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.DUIKOU_API_TOKEN_MAX_DAYS:
        raise ValueError(
            _("令牌有效期须在 1 至 %(max)s 天之间：%(days)s")
            % {"max": settings.DUIKOU_API_TOKEN_MAX_DAYS, "days": days}
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user.api_token = hash_token(token)
    user.api_token_scope = scope
    user.api_token_expires_at = timezone.now() + dt.timedelta(days=days)
    user.save(update_fields=["api_token", "api_token_scope", "api_token_expires_at"])
    record(
        SecurityEvent.TOKEN_ISSUE,
        target=user.get_username(),
        detail={"scope": scope, "expires_at": user.api_token_expires_at.isoformat()},
    )
    return token


@transaction.atomic
def revoke_token(*, user, reason: str = "") -> bool:
    """Stop the user's API token from working; whether there was one."""

    had = bool(user.api_token)
    type(user).objects.filter(pk=user.pk).update(api_token="", api_token_expires_at=None)
    user.api_token, user.api_token_expires_at = "", None
    if had:
        record(
            SecurityEvent.TOKEN_REVOKE,
            target=user.get_username(),
            detail={"reason": reason} if reason else {},
        )
    return had


class TokenAuth(HttpBearer):
    """Bearer tokens from `duikou token create`: unexpired, of an active user, within their scope."""

    def authenticate(self, request, token):
        from django.contrib.auth import get_user_model

        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        user = (
            get_user_model()
            .objects.filter(api_token=hash_token(token), is_active=True)
            .select_related("organization")
            .first()
        )
        if user is None or user.api_token_expires_at is None or user.api_token_expires_at <= timezone.now():
            return None
        if (
            user.password_change_due()
        ):  # hole 11: the first (or an expired) password is changed before any API use
            raise HttpError(403, _("请先在网页上修改密码"))
        if user.api_token_scope != WRITE and request.method not in SAFE_METHODS:
            raise HttpError(403, _("该令牌只能读取（范围 read），不能修改"))
        request.user = user
        return user


# Token first (scripts), then the signed-in browser session (which also checks CSRF on writes).
API_AUTH = [TokenAuth(), django_auth]
