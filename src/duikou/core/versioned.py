"""Figures cached on the data's version: recomputed after any change, reused while nothing changed; for a viewer,
also reused a short while after others' changes (DUIKOU_REUSE_SECONDS), never after the viewer's unit's own.

The version is the newest change-log entry's id: every create, update and delete of an audited record writes one
in the same transaction (core.audit; bulk loads write their own summary entry), so a report approved or a task
changed moves it, and the next view computes afresh. The day (core.dates.today_for) is part of every key, since
what is overdue or due soon turns at midnight. A bounded lifetime covers what the version cannot see: two
transactions that commit out of the order of their ids.

Under load nearly every request finds the version moved (reports are saved every second, each moving the one version
of all the data), so what is kept for a viewer would almost never serve. An answer computed at an older version is
therefore served to a viewer while it is younger than DUIKOU_REUSE_SECONDS, unless the viewer's unit (or the viewer,
without one) has changed anything since it was computed: everyone sees their own writes at once, others' within the
interval. A per-unit version would be exact but unsound here: a unit's figures (its lights) move with other units'
reports on shared tasks.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Value
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .compiled import Compiled, Param
from .dates import today_for
from .models import ChangeLog
from .permissions import viewer_key

T = TypeVar("T")


@functools.cache
def code_stamp() -> str:
    """What the running code is: a digest of the package's code, templates and message catalogues, once per process.
    Part of every kept answer's key, so that after a deploy no process serves markup made by the old templates, or
    reads a value in the old code's shape, from a cache the old processes filled."""
    return code_digest(Path(__file__).resolve().parent.parent)


def code_digest(package: Path) -> str:
    """A digest of the files under `package` that make pages: code, templates, compiled messages."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".html", ".mo") and path.is_file():
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def data_version() -> int:
    """The newest change-log id (0 on an empty database): one indexed lookup, or the one read with the signed-in user
    at the start of the request (read_at_start)."""
    at_start = _read_at_start.get()
    if at_start is not None:
        return at_start
    found = _NEWEST.rows(None)
    return found[0][0] if found else 0


# The data's version read with the signed-in user at the start of a page's request (accounts.backends: one query
# fewer on every page), served by data_version() until the request writes the change log (core.audit calls `wrote`).
_read_at_start: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "duikou_version_at_start", default=None
)


@contextmanager
def read_at_start(version: int | None):
    """data_version() is `version` within (None: read it), until the change log is written (`wrote`)."""
    token = _read_at_start.set(version)
    try:
        yield
    finally:
        _read_at_start.reset(token)


def wrote() -> None:
    """The change log was written: data_version() reads the newest id again, so that a request sees its own writes."""
    if _read_at_start.get() is not None:
        _read_at_start.set(None)


def newest_change():
    """The query of the data's version: the newest change-log id (accounts.backends reads it with the user)."""
    return ChangeLog.objects.order_by("-pk").values_list("pk")[:1]


# Read at every view of a kept page, compiled once (building the aggregate took most of the lookup's time).
_NEWEST = Compiled(ChangeLog, newest_change)


def changed_since(viewer, version: int) -> bool:
    """Whether the viewer's unit (or the viewer, without one) wrote anything after `version`: one range of the change
    log's newest ids (those of the last interval), read only when a kept answer is older than the data."""
    if not getattr(viewer, "is_authenticated", False):
        return True
    org = getattr(viewer, "organization_id", None)
    if org:
        return bool(_CHANGED_SINCE.rows(None, "user__organization_id", version=version, who=org))
    return bool(_CHANGED_SINCE.rows(None, "user_id", version=version, who=viewer.pk))


# Read at most views of a page made afresh, compiled once per column (building and compiling the filter and its join
# cost more than the lookup): `exists()` of the change log's entries after a version by the viewer's unit or user.
_CHANGED_SINCE = Compiled(
    ChangeLog,
    lambda column: (
        ChangeLog.objects.filter(pk__gt=Param("version"), **{column: Param("who")})
        .order_by()
        .annotate(a=Value(1))
        .values_list("a")[:1]
    ),
)


def cached(name: str, parts, compute: Callable[[], T], **options) -> T:
    """compute() once per (name, parts, data version, day); the options are cached_with_time's."""
    return cached_with_time(name, parts, compute, **options)[0]


def cached_with_time(
    name: str,
    parts,
    compute: Callable[[], T],
    *,
    version: int | None = None,
    seconds: int | None = None,
    viewer=None,
    reuse_seconds: int | None = None,
    asked: dict | None = None,
) -> tuple[T, dt.datetime]:
    """compute() once per (name, parts, data version, day), kept at most `seconds` (DUIKOU_FIGURES_CACHE_SECONDS),
    with the moment the answer served was computed.

    `parts` names everything else the answer depends on (whose view, which page); it is hashed into the key.
    `version`: the data_version() already read for this view (several figures, one lookup). `viewer`: the user the
    answer is for; given, an answer computed at an older version is still served while younger than `reuse_seconds`
    (DUIKOU_REUSE_SECONDS by default; the same day) unless the viewer's unit changed something since
    (changed_since). Without a viewer, every change shows on the next view. `asked`: the view's answers of
    changed_since by version, shared by its kept answers (a dashboard's figures and its page's, computed together,
    ask once)."""
    version = data_version() if version is None else version
    digest = hashlib.sha256(repr((parts, str(today_for()), code_stamp())).encode()).hexdigest()[:32]
    key = f"duikou:{name}:{digest}"
    found = cache.get(key)
    now = timezone.now()
    if found is not None:
        found_version, computed_at, value = found
        if found_version == version:
            return value, computed_at
        reuse = settings.DUIKOU_REUSE_SECONDS if reuse_seconds is None else reuse_seconds
        if viewer is not None and (now - computed_at).total_seconds() < reuse:
            asked = {} if asked is None else asked
            if found_version not in asked:
                asked[found_version] = changed_since(viewer, found_version)
            if not asked[found_version]:
                return value, computed_at
    value = compute()
    timeout = settings.DUIKOU_FIGURES_CACHE_SECONDS if seconds is None else seconds
    cache.set(key, (version, now, value), timeout)
    return value, now


def kept_body(
    name: str,
    request,
    template: str,
    context: Callable[[], dict],
    *,
    parts: tuple = (),
    version: int | None = None,
) -> tuple[SafeString, dict]:
    """The markup of a page's body (`template` rendered with `context()`), kept with the data's version and day (and
    reused for the viewer a while after others' changes: cached_with_time).

    Keyed on the page's address (path and query), what the gate reads of the viewer (`permissions.viewer_key`), the
    language and the script prefix of its links, and `parts` (whatever else it depends on). The body is rendered
    without the request's context processors: it may read no user, CSRF token or CSP nonce, which its key does not
    cover; the page around it (the shell, a header with the user's links) is made at every view. Returns the markup
    and its context: as made, or, when the markup was kept, each name computed only if read (a test, a header)."""
    made: dict = {}

    def render() -> tuple[str, list[str]]:
        made.update(context())
        return render_to_string(template, made), sorted(made)

    key = (
        template,
        request.path,
        list(request.GET.lists()),
        viewer_key(request.user),
        get_language(),
        get_script_prefix(),
        *parts,
    )
    markup, names = cached(name, key, render, version=version, viewer=request.user)
    if not made:
        whole = SimpleLazyObject(context)
        made = {n: SimpleLazyObject(partial(_item, whole, n)) for n in names}
    return mark_safe(markup), made  # noqa: S308 (rendered by the template engine, which escaped it)


def _item(mapping, name: str):
    return mapping[name]
