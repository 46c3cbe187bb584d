"""The change log as an auditor reads it: field names in words, values formatted, object types and sources named.

The log itself keeps raw values (what the database held); only the pages put them in words here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core import money
from duikou.core.dates import format_date
from duikou.core.fields import MoneyField

SOURCES = {
    "web": gettext_lazy("网页操作"),
    "api": gettext_lazy("数据接口"),
    "cli": gettext_lazy("命令行"),
    "system": gettext_lazy("系统自动"),
    "job": gettext_lazy("后台任务"),
}


def source_label(source: str) -> str:
    return str(SOURCES.get(source, source))


def type_label(content_type) -> str:
    """The model's verbose name (任务, 目标指标), not its code name."""
    model = content_type.model_class() if content_type else None
    return str(model._meta.verbose_name) if model else (content_type.model if content_type else "")


def _field(model, attname: str) -> models.Field | None:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f
    return None


def field_label(model, attname: str) -> str:
    field = _field(model, attname) if model else None
    if field is None and model is not None:  # a many-to-many (core.audit.log_relation): its own name
        related = next((f for f in model._meta.get_fields() if f.many_to_many and f.name == attname), None)
        label = getattr(related, "verbose_name", None) or getattr(related, "related_name", None)
        return str(label) if label else attname
    return str(field.verbose_name) if field else attname


# What core.audit.log_relation writes of a many-to-many change, in words.
_RELATION_CHANGES = {
    "added": gettext_lazy("新增"),
    "removed": gettext_lazy("移除"),
    "cleared": gettext_lazy("清空"),
}


def format_value(model, attname: str, value: Any, related: dict | None = None) -> str:
    """A logged value in words: choices by their label, links by the record's name, money in 万元, dates in 年月日."""
    if value is None or value == "":
        return "—"
    field = _field(model, attname) if model else None
    if field is None:
        if isinstance(value, dict) and set(value) <= set(_RELATION_CHANGES):
            return "；".join(
                f"{_RELATION_CHANGES[k]}：" + "、".join(f"#{pk}" for pk in pks)
                if pks
                else str(_RELATION_CHANGES[k])
                for k, pks in value.items()
            )
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.ForeignKey):
        name = (related or {}).get((field.related_model, str(value)))
        return f"{name}" if name else f"#{value}"
    if isinstance(field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(field, MoneyField):
        return money.format_money(value)
    if isinstance(field, models.DecimalField):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return str(value)
        return f"{int(number):,}" if number == number.to_integral_value() else f"{number.normalize():,f}"
    if isinstance(field, models.DateTimeField):
        try:
            moment = dt.datetime.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return f"{format_date(moment)} {moment:%H:%M}"
    if isinstance(field, models.DateField):
        return format_date(str(value))
    if isinstance(value, list | dict):
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def related_names(model, entries) -> dict:
    """The names of every record the entries' links point to, fetched once per related model."""
    wanted: dict[type, set[str]] = {}
    for entry in entries:
        for data in (entry.before or {}, entry.after or {}):
            for attname, value in data.items():
                field = _field(model, attname)
                if isinstance(field, models.ForeignKey) and value is not None:
                    wanted.setdefault(field.related_model, set()).add(str(value))
    names = {}
    for related, ids in wanted.items():
        for obj in related._base_manager.filter(pk__in=list(ids)[:1000]):
            names[(related, str(obj.pk))] = str(obj)
    return names


def describe_fields(model, entry, related: dict | None = None) -> list[dict]:
    """The changed fields of one entry: {name, before, after} in words."""
    before, after = entry.before or {}, entry.after or {}
    return [
        {
            "name": field_label(model, k),
            "before": format_value(model, k, before.get(k), related),
            "after": format_value(model, k, after.get(k), related),
        }
        for k in entry.changed_fields
    ]
