"""Keyset ("cursor") paging over a queryset's own order: the next page is the rows after the last row shown.

A page after the first costs what the first costs (an index range, not an OFFSET that reads and drops every row
before it), and rows added or removed between two requests neither repeat nor skip a row that was there. The
order is the queryset's own (`order_by` names, the model's `Meta.ordering` followed by `pk` in the API), so a
client paging with the cursor gets exactly the rows, in exactly the order, that limit/offset gives.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections, models
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Key:
    """One term of the order, down to a column: its lookup path, its field, and whether it descends."""

    path: str
    field: models.Field
    descending: bool


def order_keys(queryset: QuerySet) -> list[Key]:
    """The queryset's order as column keys, relations followed as Django follows them: a foreign key orders by
    its model's `Meta.ordering` (or its id when that has none)."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering or [])
    keys: list[Key] = []
    for name in names:
        if not isinstance(name, str) or name == "?":
            raise ValueError(f"keyset paging orders on field names only, not {name!r}")
        _expand(queryset.model, name.lstrip("-"), name.startswith("-"), "", keys, set())
    return keys


def _expand(model, name: str, descending: bool, prefix: str, keys: list[Key], seen: set) -> None:
    opts = model._meta
    head, _sep, rest = name.partition("__")
    field = opts.pk if head == "pk" else _field(opts, head)
    if rest:
        _expand(field.related_model, rest, descending, f"{prefix}{field.name}__", keys, seen)
        return
    if field.is_relation and field.many_to_one and head != field.attname:
        related = field.related_model._meta
        if related.ordering and (model, head) not in seen:
            for term in related.ordering:
                flip = term.startswith("-")
                _expand(
                    field.related_model,
                    term.lstrip("-"),
                    descending != flip,
                    f"{prefix}{field.name}__",
                    keys,
                    seen | {(model, head)},
                )
            return
        keys.append(Key(f"{prefix}{field.attname}", field.target_field, descending))
        return
    keys.append(Key(f"{prefix}{field.attname if field.is_relation else field.name}", field, descending))


def _field(opts, name: str):
    try:
        return opts.get_field(name)
    except FieldDoesNotExist:
        for field in opts.concrete_fields:
            if field.attname == name:
                return field
        raise


def _jsonable(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def encode(values: list, keys: list[Key]) -> str:
    """An opaque, URL-safe cursor for the given key values (each as its field writes it to the database: a
    report's period as its text, which `decode` reads back through the field)."""
    prepared = [None if v is None else k.field.get_prep_value(v) for k, v in zip(keys, values, strict=True)]
    raw = json.dumps([_jsonable(v) for v in prepared], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, keys: list[Key]) -> list:
    """The key values of a cursor, typed as their fields; ValueError for a cursor that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError("not a cursor") from exc
    if not isinstance(values, list) or len(values) != len(keys):
        raise ValueError("not a cursor of this list")
    try:
        typed = [None if v is None else key.field.to_python(v) for key, v in zip(keys, values, strict=True)]
    except (ValidationError, TypeError) as exc:
        raise ValueError("not a cursor of this list") from exc
    # No column holds an integer beyond 64 bits (SQLite cannot even bind one): no row of ours gave it.
    if any(isinstance(v, int) and not -(2**63) <= v < 2**63 for v in typed):
        raise ValueError("not a cursor of this list")
    return typed


def values_of(obj, keys: list[Key], queryset: QuerySet) -> list:
    """The key values of a row (an object, or a values() row holding its own key columns and its pk): read off the
    row when every key is its own column, else one query by pk."""
    get = obj.__getitem__ if isinstance(obj, dict) else obj.__getattribute__
    if all("__" not in k.path for k in keys):
        return [get(k.path) for k in keys]
    return list(
        queryset.model._base_manager.using(queryset.db)
        .filter(pk=get(queryset.model._meta.pk.attname))
        .values_list(*(k.path for k in keys))
        .get()
    )


def after(queryset: QuerySet, keys: list[Key], values: list) -> QuerySet:
    """The rows of `queryset` that its order puts after a row with these key values.

    NULLs sort where the database sorts them (largest on PostgreSQL, smallest on SQLite), as ORDER BY does."""
    nulls_largest = connections[queryset.db].features.nulls_order_largest
    condition = None
    for key, value in reversed(list(zip(keys, values, strict=True))):
        nulls_last = nulls_largest != key.descending
        if value is None:
            # Nothing is after NULL where NULLs come last; every non-NULL is where they come first.
            later_empty = nulls_last
            later = Q(**{f"{key.path}__isnull": False})
            same = Q(**{f"{key.path}__isnull": True})
        else:
            later = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
            if nulls_last:
                later |= Q(**{f"{key.path}__isnull": True})
            later_empty = False
            same = Q(**{key.path: value})
        if condition is None:
            condition = Q(pk__in=[]) if later_empty else later
        elif later_empty:
            condition = same & condition
        else:
            condition = later | (same & condition)
    narrowed = queryset.filter(condition)
    # A bound on the first key alone lets the database start its index range there (the OR above hides it).
    first, value = keys[0], values[0]
    if value is not None and not first.field.null and "__" not in first.path:
        narrowed = narrowed.filter(**{f"{first.path}__{'lte' if first.descending else 'gte'}": value})
    return narrowed
