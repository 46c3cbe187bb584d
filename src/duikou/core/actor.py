"""Who is acting: a context variable set by the web middleware, the API, the CLI and jobs."""

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    """The user (if any) and the request or job on whose behalf records change."""

    user_id: int | None = None
    source: str = "system"
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Kept as text so the logs still name the actor after the account is deleted.
    username: str = ""
    address: str | None = None


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("duikou_actor", default=Actor())  # noqa: B039  frozen value


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(
    user=None, *, source: str = "system", request_id: str | None = None, address: str | None = None
):
    """Run a block on behalf of a user; the change log and the security audit record this actor."""
    actor = Actor(
        user_id=getattr(user, "pk", None) if user is not None else None,
        source=source,
        request_id=request_id or uuid.uuid4().hex,
        username=user.get_username() if user is not None and hasattr(user, "get_username") else "",
        address=address,
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
