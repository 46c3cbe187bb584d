"""Links, dates and choice labels for pages that show hundreds of rows: one reverse(), one date format and one
translation of a choice per page, not one per row (each cost ~0.1 ms a call: a table of 200 rows spent more on them
than on its SQL; Django's get_FOO_display() translates every choice of the field at each call)."""

from __future__ import annotations

import contextvars
import functools
import unicodedata
from collections.abc import Callable
from contextlib import contextmanager

from django.template.defaultfilters import truncatechars
from django.urls import get_resolver, get_script_prefix, get_urlconf, reverse
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

# Stands for an id in a reversed url, replaced by each row's own id.
_ID = 2147483647


def url_maker(name: str) -> Callable[[object], str]:
    """id → the path of the named url (one id argument) for that id, as reverse(name, args=[id]) gives it."""
    head, _sep, tail = reverse(name, args=[_ID]).partition(str(_ID))
    return lambda pk: f"{head}{pk}{tail}"


def reversal_scope() -> tuple:
    """What a reversed URL depends on besides its name and arguments: the URL configuration (a new resolver after
    clear_url_caches), the script prefix the site is mounted under, and the language."""
    return _held_scope.get() or (get_resolver(get_urlconf()), get_script_prefix(), get_language())


# The scope `one_reversal_scope` holds (None: read it at each call).
_held_scope: contextvars.ContextVar[tuple | None] = contextvars.ContextVar(
    "duikou_reversal_scope", default=None
)


@contextmanager
def one_reversal_scope():
    """Within it, reversal_scope() is read once: a page's rows linking each to its object (its three values are
    asgiref locals, ~5 µs a row to read). Nothing within may change the language or the URL configuration."""
    token = _held_scope.set(reversal_scope())
    try:
        yield
    finally:
        _held_scope.reset(token)


@functools.lru_cache(maxsize=64)
def _url_maker(name: str, *_scope) -> Callable[[object], str]:
    return url_maker(name)


def object_url(name: str, pk) -> str:
    """reverse(name, args=[pk]) for a link on every row of a list, reversed once per url name and `reversal_scope`
    in the process."""
    return kept_url_maker(name)(pk)


def kept_url_maker(name: str) -> Callable[[object], str]:
    """url_maker(name), made once per url name and `reversal_scope` in the process."""
    return _url_maker(name, *reversal_scope())


def truncated(value, length: int) -> str:
    """`{{ value|truncatechars:length }}`: a string short enough (in the normal form the filter gives) as it is,
    without the filter's walk over every character and its translated ellipsis looked up for each row."""
    if type(value) is str and len(value) <= length and unicodedata.is_normalized("NFC", value):
        return value
    return truncatechars(value, length)


def attach_figures(rows: list, figures: Callable[[list], dict]) -> list:
    """Objects already read, given the computed figures of their rows (`figures(ids)`: {pk: {name: value}}) as
    attributes, as an annotation would have set them."""
    found = figures([row.pk for row in rows])
    for row in rows:
        for name, value in found.get(row.pk, {}).items():
            setattr(row, name, value)
    return rows


def localizer() -> Callable[[object], str]:
    """value → its text as a template shows it ({{ value }}), remembered for the page (dates repeat)."""
    seen: dict = {}

    def text(value) -> str:
        key = (type(value), value)
        if key not in seen:
            seen[key] = str(localize(value))
        return seen[key]

    return text


# (field, language) → value → label.
_CHOICE_LABELS: dict[tuple, dict] = {}


def choice_labels(model, field: str) -> dict:
    """value → its label (in the active language) for a field with choices: what get_FOO_display() shows."""
    return _labels(model._meta.get_field(field))


def _labels(field) -> dict:
    key = (field, get_language())
    labels = _CHOICE_LABELS.get(key)
    if labels is None:
        labels = _CHOICE_LABELS[key] = {
            k: force_str(v, strings_only=True) for k, v in make_hashable(field.flatchoices)
        }
    return labels


def choice_label(field, value):
    """What `get_FOO_display()` gives, from the field's labels translated once per language: Django's method
    rebuilds and hashes the (lazy) choices at every call."""
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


def label_rows(rows, *fields: str) -> list:
    """Set `<field>_label` on each row (model instances of one model): the text get_<field>_display() shows."""
    rows = list(rows)
    for field in fields if rows else ():
        labels = choice_labels(type(rows[0]), field)
        for row in rows:
            value = getattr(row, field)
            setattr(row, f"{field}_label", labels.get(value, value))
    return rows
