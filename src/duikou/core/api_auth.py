"""API authentication: `Authorization: Bearer <token>` (User.api_token keeps only its hash) or the browser session."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

TOKEN_PREFIX = "dk_"


def hash_token(token: str) -> str:
    """The stored form of a token; a fast hash is enough because tokens carry 256 random bits."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def issue_token(*, user) -> str:
    """Give `user` a new API token (the old one stops working) and return it; only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    user.api_token = hash_token(token)
    user.save(update_fields=["api_token"])
    return token


@transaction.atomic
def revoke_token(*, user) -> None:
    """Stop the user's API token from working."""
    user.api_token = ""
    user.save(update_fields=["api_token"])


class TokenAuth(HttpBearer):
    """Bearer tokens from `duikou token create`; inactive or locked users are refused."""

    def authenticate(self, request, token):
        from django.contrib.auth import get_user_model

        if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
            return None
        user = get_user_model().objects.filter(api_token=hash_token(token), is_active=True).select_related(
            "organization"
        ).first()
        if user is None:
            return None
        if user.password_change_due():  # hole 11: the first (or an expired) password is changed before any API use
            raise HttpError(403, _("请先在网页上修改密码"))
        request.user = user
        return user


# Token first (scripts), then the signed-in browser session (which also checks CSRF on writes).
API_AUTH = [TokenAuth(), django_auth]
