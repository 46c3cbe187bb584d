"""One filter definition per model, read by its list page (and the page's .xlsx export) and by its API list.

Each app's filters.py declares a `Filters` per model: the parameters (`Filter`: name, label, lookup, value type,
choices) and the fields `?q=` searches. The list page (`core.lists.RestrictedListView`) shows the filters marked
`on_page` as select boxes and reads every parameter from the address; the REST list (`core.rest.crud_router`)
takes the same parameters as typed query parameters (`Filters.schema()`). Both narrow through `Filters.narrow`,
so a page, its export and the API give the same rows for the same values. The one difference is bad input: the
API answers 422 naming the parameter, the page shows no rows (a hand-edited address is not worth an error page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.utils.encoding import force_str
from ninja import Schema
from pydantic import Field, StringConstraints, TypeAdapter, create_model
from pydantic import ValidationError as PydanticError

from .compiled import Compiled, among_ids

# The value types a filter takes. Ids and years as the database can hold them: a bigger number is refused, not
# an overflow deep in SQL; text without a NUL byte (PostgreSQL refuses it) and of a sane length.
Id = Annotated[int, Field(ge=1, le=2**53)]
Year = Annotated[int, Field(ge=1949, le=2100)]
Text = Annotated[str, StringConstraints(max_length=200, pattern=r"^[^\x00]*$")]
Date = dt.date
Flag = bool

SEARCH = "q"


@dataclass
class Filter:
    """One parameter narrowing a list: ?name=value applies `lookup=value` (or `lookup(queryset, value)`).

    `type` checks and converts the value (the API's 422, the page's empty list); `choices` are the page's select
    box (a list, or a function of the list's rows); `on_page=False` is a parameter the page reads from its address
    without a box (ids and dates an API client sends); `aliases` are other names the same parameter goes by."""

    name: str
    label: Any
    lookup: str | Callable[[QuerySet, Any], QuerySet]
    choices: list | Callable[[QuerySet], list] = field(default_factory=list)
    type: Any = Text
    on_page: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @cached_property
    def _adapter(self) -> TypeAdapter:
        return TypeAdapter(self.type)

    def parse(self, raw: str) -> Any:
        """The typed value of the text of an address; ValueError when it is not one."""
        try:
            return self._adapter.validate_python(raw)
        except PydanticError as exc:
            raise ValueError(raw) from exc

    def apply(self, queryset: QuerySet, value: Any) -> QuerySet:
        """Narrow by a typed value; a value the database refuses still matches nothing rather than failing."""
        try:
            if callable(self.lookup):
                return self.lookup(queryset, value)
            if _repeats_rows(queryset.model, self.lookup):
                # A pk subquery: a lookup across a many-valued relation must not repeat rows.
                inner = queryset.model._base_manager.filter(**{self.lookup: value}).values("pk")
                return queryset.filter(pk__in=inner)
            return queryset.filter(**{self.lookup: value})
        except (ValueError, TypeError, ValidationError):
            return queryset.none()

    def options(self, queryset: QuerySet, *, model=None, ids: list | None = None) -> list[tuple[str, str]]:
        """The select box's (value, label)s; given `model` and `ids`, of `queryset` read as those rows of the model
        by id (RestrictedListView's small list), through DistinctChoices.among where the choices have it."""
        if ids is not None and isinstance(self.choices, DistinctChoices):
            choices = self.choices.among(model, ids)
        else:
            choices = self.choices(queryset) if callable(self.choices) else self.choices
        return [(str(value), force_str(label)) for value, label in choices]


def _repeats_rows(model, lookup: str) -> bool:
    """Whether the lookup crosses a one-to-many or many-to-many relation (a row may match several times)."""
    opts = model._meta
    for part in lookup.split("__"):
        try:
            relation = opts.get_field(part)
        except FieldDoesNotExist:
            return False
        if not relation.is_relation:
            return False
        if relation.one_to_many or relation.many_to_many:
            return True
        opts = relation.related_model._meta
    return False


class DistinctChoices:
    """Choices made of the values present in the (already restricted) list, e.g. the units that appear."""

    def __init__(self, value_path: str, label_path: str):
        self.value_path, self.label_path = value_path, label_path
        # Model → the same query over rows given by id (`among`), compiled once (core.compiled).
        self._among: dict[type, Compiled] = {}

    def __call__(self, queryset: QuerySet) -> list:
        return self._sorted(queryset.order_by().values_list(self.value_path, self.label_path).distinct())

    def among(self, model, ids: list) -> list:
        """The choices of the rows of `model` with these ids: what calling it on `among_ids(model, ids)` gives, from
        SQL compiled once per model (a unit's small list, read by its ids: building and compiling the distinct query
        with its joins cost more than running it)."""
        compiled = self._among.get(model)
        if compiled is None:
            compiled = self._among[model] = Compiled(
                model,
                lambda: among_ids(model).order_by().values_list(self.value_path, self.label_path).distinct(),
            )
        return self._sorted(compiled.rows(ids))

    @staticmethod
    def _sorted(rows) -> list:
        # Same labels by id: one order on every database (a set has none).
        return sorted({(v, lbl) for v, lbl in rows if v is not None}, key=lambda r: (force_str(r[1]), r[0]))


class Filters:
    """The filters of one model's lists and the fields its search (`?q=`) looks in (icontains, any of them)."""

    def __init__(self, filters: list[Filter], *, search: tuple[str, ...] = ()):
        self.filters = list(filters)
        self.search = tuple(search)
        self._schema = None
        names = [n for f in self.filters for n in f.names]
        if len(set(names)) != len(names) or SEARCH in names:
            raise ValueError(f"filter names repeat or shadow ?{SEARCH}=: {names}")

    def __iter__(self) -> Iterator[Filter]:
        return iter(self.filters)

    def add(self, flt: Filter) -> None:
        """A filter another app contributes (supervision's lights on tasks), before the API is built."""
        if any(f.name == flt.name for f in self.filters):
            return  # added already (an app's ready() may run again)
        if self._schema is not None:
            raise RuntimeError(f"filter {flt.name} added after the API read these filters")
        if set(flt.names) & self.names():
            raise ValueError(f"filter names repeat or shadow ?{SEARCH}=: {flt.names}")
        self.filters.append(flt)

    def names(self) -> set[str]:
        """Every parameter these filters accept."""
        return {n for f in self.filters for n in f.names} | ({SEARCH} if self.search else set())

    def raw(self, flt: Filter, params: Mapping[str, str]) -> str:
        """The filter's text in an address (under its name or an alias), blank when absent."""
        for name in flt.names:
            value = (params.get(name) or "").strip()
            if value:
                return value
        return ""

    def narrows(self, values: Mapping[str, Any]) -> bool:
        """Whether `narrow` would narrow a list by these values (a filter or the search asked for)."""
        return any(values.get(n) is not None for flt in self.filters for n in flt.names) or bool(
            values.get(SEARCH) and self.search
        )

    def narrow(self, queryset: QuerySet, values: Mapping[str, Any]) -> QuerySet:
        """The list narrowed by typed values (None: not asked for), the search included."""
        for flt in self.filters:
            value = next((values[n] for n in flt.names if values.get(n) is not None), None)
            if value is not None:
                queryset = flt.apply(queryset, value)
        text = values.get(SEARCH)
        if text and self.search:
            condition = Q()
            for path in self.search:
                condition |= Q(**{f"{path}__icontains": text})
            # A search across relations may repeat a row; a pk subquery keeps each row once.
            queryset = queryset.filter(pk__in=queryset.model._base_manager.filter(condition).values("pk"))
        return queryset

    def from_address(self, queryset: QuerySet, params: Mapping[str, str]) -> QuerySet:
        """The list narrowed by a page's address: a value of the wrong type (?plan=abc) matches nothing."""
        values: dict[str, Any] = {}
        try:
            for flt in self.filters:
                raw = self.raw(flt, params)
                if raw:
                    values[flt.name] = flt.parse(raw)
            text = (params.get(SEARCH) or "").strip()
            if text and self.search:
                values[SEARCH] = TypeAdapter(Text).validate_python(text)
        except (ValueError, PydanticError):
            return queryset.none()
        return self.narrow(queryset, values)

    def schema(self, name: str = "Filters") -> type[Schema]:
        """The API's query parameters: one optional typed field per name and alias, and `q` if searchable."""
        if self._schema is None:
            fields: dict[str, Any] = {}
            for flt in self.filters:
                for n in flt.names:
                    fields[n] = (flt.type | None, Field(None, description=force_str(flt.label)))
            if self.search:
                fields[SEARCH] = (Text | None, Field(None, description="关键词：" + "、".join(self.search)))
            self._schema = create_model(name, __base__=Schema, **fields)
        return self._schema
