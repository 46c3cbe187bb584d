"""Queries compiled to SQL once per process and run again with other ids.

For the few queries whose Django expression is large (a task's light is ~80 lookups, with subqueries): resolving and
compiling it cost more than the database's work for the rows a page shows (20–40 ms a query against 1–5 ms). The
queryset is built and compiled once per key (the day, for rules that turn at midnight), the database and the time
zone; each call runs the same SQL with its ids as one parameter.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import BooleanField, Expression, F, IntegerField, Subquery
from django.db.models.query import get_related_populators
from django.utils import timezone

# Stands in the compiled parameters for the ids of a call.
_IDS = object()


class IdList(Expression):
    """Any number of ids as one parameter, so one compiled SQL serves every list: `filter(pk__in=IdList())`.

    PostgreSQL reads an array, SQLite a JSON array. Without ids, only for `Compiled` querysets: the ids come at run
    time. With ids (`IdList(ids)`), in any queryset: hundreds of ids as one parameter, where `pk__in=ids` prepares,
    binds and parses one placeholder each (~10 ms of a page's Python for a unit's 400 targets and 300 lines).
    Named (`IdList(name="units")`), a `Compiled` query's other list of ids, given to `rows` by that name."""

    output_field = IntegerField()

    def __init__(self, ids: Iterable[int] | None = None, *, name: str | None = None):
        super().__init__()
        self.ids = None if ids is None else [int(pk) for pk in ids]
        self.name = name

    def _value(self, connection):
        if self.name is not None:  # a second list of a `Compiled` query, given by name: `rows(ids, name=[…])`
            return _Named(self.name, functools.partial(_ids_value, connection=connection.vendor))
        return _IDS if self.ids is None else _ids_value(self.ids, connection)

    def as_sql(self, compiler, connection):
        return "SELECT value FROM json_each(%s)", [self._value(connection)]

    def as_postgresql(self, compiler, connection):
        return "SELECT unnest(%s::bigint[])", [self._value(connection)]


class _Among(Expression):
    """A condition: a column's value is among `values` (an expression); the subclass writes how."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, values):
        super().__init__()
        self.column, self.values = F(column), values

    def get_source_expressions(self):
        return [self.column, self.values]

    def set_source_expressions(self, exprs):
        self.column, self.values = exprs


class AmongIds(_Among):
    """`column IN ids`, the ids an `IdList`'s one parameter, written `column = ANY(array)` on PostgreSQL: the planner
    then searches the column's index for the ids themselves (an IN over their unnest is a join it may do last, after
    walking every row its statistics wrongly call few)."""

    def __init__(self, column: str, ids: IdList):
        super().__init__(column, ids)

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        ids, ids_params = compiler.compile(self.values)
        return f"{column} IN ({ids})", (*params, *ids_params)

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"{column} = ANY(%s::bigint[])", (*params, self.values._value(connection))


class AmongUncounted(AmongIds):
    """`AmongIds` written `column = ANY(ARRAY(SELECT unnest(array)))` on PostgreSQL: the planner cannot count the ids,
    so they make no run of the prepared statement cheaper to it than its generic plan, which it may then keep after
    five runs (other parameters may still decide it). Counting them, it found each run's own plan cheaper and planned
    every run (a program's light on national data: 0.7 ms of planning, as long as the run). Only for a query whose
    plan suits any number of ids (each looked up in the column's index)."""

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        return f"{column} = ANY(ARRAY(SELECT unnest(%s::bigint[])))", (
            *params,
            self.values._value(connection),
        )


def among_ids(model, ids: Iterable[int] | None = None):
    """`model.objects` narrowed to the rows with these ids (`AmongIds`); without ids, for a `Compiled` query (the ids
    come at run time). The rows of a small list read through the gate once (core.lists.small_list_ids), by id."""
    return model.objects.filter(AmongIds("pk", IdList(ids)))


class AmongFound(_Among):
    """`column IN (subquery)`, written `column = ANY(ARRAY(subquery))` on PostgreSQL: the subquery runs first, on its
    own, and the column's index is searched for the few values it found (one unit's responsibilities: tens to a few
    hundred). As an IN, the planner weighed joins to it at every run (planned per run: half the query's time) and
    walked the other side whole (a program's every task). For a subquery that finds thousands, keep the IN."""

    def __init__(self, column: str, queryset):
        super().__init__(column, Subquery(queryset))

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        found, found_params = compiler.compile(self.values)
        return f"{column} IN {found}", (*params, *found_params)

    def as_postgresql(self, compiler, connection):
        column, params = compiler.compile(self.column)
        found, found_params = compiler.compile(self.values)
        return f"{column} = ANY(ARRAY{found})", (*params, *found_params)


def _ids_value(ids: Iterable[int], connection) -> str:
    """The ids as the parameter an `IdList` reads: PostgreSQL an array's text ('{1,2,3}', cast in the SQL; psycopg's
    list dumper ran a regular expression per id, ~1 ms for a unit's 1,500 tasks), SQLite a JSON array. `connection`:
    a connection or its vendor's name."""
    if getattr(connection, "vendor", connection) == "postgresql":
        return "{" + ",".join(map(str, ids)) + "}"
    return json.dumps(list(ids))


class Param(Expression):
    """One value given by name at run time, for a query whose other parameter is not a list of ids:
    `filter(report__organization_id=Param("unit"))`, then `rows(ids, *key, unit=263)`. Only for `Compiled` querysets.

    Sent as the query's own parameter (a plain `=` the planner sees as today), unlike an `IdList`.

    `unseen=True`: on PostgreSQL written `(SELECT %s)`, a value the planner does not look at, so that a prepared
    statement's generic plan costs what its custom plans cost and is kept. Where the value's rows vary in number (a
    unit's funding lines), most values' custom plans cost a little less on paper than the generic one, and PostgreSQL
    planned the statement afresh at every run (pg_prepared_statements.custom_plans), for the same plan."""

    def __init__(self, name: str, output_field=None, *, unseen: bool = False):
        super().__init__(output_field=output_field or IntegerField())
        self.name, self.unseen = name, unseen

    def as_sql(self, compiler, connection):
        return "%s", [self.placeholder()]

    def as_postgresql(self, compiler, connection):
        return "(SELECT %s)" if self.unseen else "%s", [self.placeholder()]

    def placeholder(self, prepare: Callable | None = None):
        """What stands in the compiled parameters for the value, sent as `prepare(value)` when given (a lookup that
        writes its value as a pattern or a range: organizations' subtree)."""
        return _Named(self.name, prepare)


class _Named:
    """Stands in the compiled parameters for a `Param`'s value."""

    __slots__ = ("name", "prepare")

    def __init__(self, name: str, prepare: Callable | None = None):
        self.name, self.prepare = name, prepare

    def value(self, values: dict):
        value = values[self.name]
        return value if self.prepare is None else self.prepare(value)


def _kept_cursor(connection):
    """The cursor compiled queries run on, kept with the database connection it was opened on: opening and closing one
    a query cost more Python than running it (25 µs on PostgreSQL, 45 on SQLite, a page running twenty). Through
    Django's wrapper (its error translation and execute wrappers run), after the health check its own cursors make."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    kept = getattr(connection, "_compiled_cursor", None)
    if kept is None or kept.cursor.connection is not connection.connection:
        kept = connection._compiled_cursor = connection.cursor()
    return kept


def bound(params, values: dict, ids=None) -> list:
    """Compiled parameters with the `Param`s' values (by name) and the ids' value in their places."""
    return [ids if p is _IDS else p.value(values) if isinstance(p, _Named) else p for p in params]


class Compiled:
    """`build(*key)` → a values_list queryset with an `IdList()` in it, compiled once per key, database and time
    zone; `rows(ids, *key)` runs it for these ids, each column converted as values_list converts it (SQLite's
    dates and decimals)."""

    def __init__(self, model, build: Callable[..., object], *, maxsize: int = 8):
        self.model, self.build = model, build
        self._sql = functools.lru_cache(maxsize=maxsize)(self._compile)

    def _compile(self, alias: str, time_zone: str, *key) -> tuple[str, tuple, dict] | None:
        queryset = self.build(*key)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a queryset that can match nothing (the gate's none()): no rows, no query
            return None
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        return sql, tuple(params), converters

    def rows(self, ids: Iterable[int] | None, *key, **values) -> list[tuple]:
        """The rows for these ids (none without ids; None for a query with no `IdList`, only `Param`s); `values` are
        the `Param`s' values by name."""
        return self._run(ids, key, values)[0]

    def _run(self, ids, key, values) -> tuple[list[tuple], str, tuple | None]:
        """The converted rows, the database's alias and what `_compile` made of the query (None: no rows)."""
        ids = None if ids is None else list(dict.fromkeys(ids))
        alias = router.db_for_read(self.model)
        if ids == []:
            return [], alias, None
        connection = connections[alias]
        compiled = self._sql(alias, timezone.get_current_timezone_name(), *key)
        if compiled is None:
            return [], alias, None
        sql, params, converters = compiled[:3]
        value = None if ids is None else _ids_value(ids, connection)
        if connection.queries_logged:  # a debug cursor, as Django gives one, so that the query is recorded
            with connection.cursor() as cursor:
                cursor.execute(sql, bound(params, values, value))
                found = cursor.fetchall()
        else:
            cursor = _kept_cursor(connection)
            cursor.execute(sql, bound(params, values, value))
            found = cursor.fetchall()
        if not converters:
            return found, alias, compiled
        steps = [
            (position, function, expression)
            for position, (functions, expression) in converters.items()
            for function in functions
        ]
        converted = []
        for row in found:
            row = list(row)
            for position, function, expression in steps:
                row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted, alias, compiled


class CompiledObjects(Compiled):
    """A `Compiled` query of model instances: `build(*key)` → a queryset of the model (filtered with `IdList()`s and
    `Param`s; select_related, only/defer and ordering as it likes), compiled once per key, database and time zone;
    `objects(ids, *key, **values)` → its instances as iterating the queryset makes them, select_related objects
    set. For the few model queries a hot page runs on every request, whose building and compiling cost more than
    making their rows (a report's tasks: 0.9 of 1.5 ms). No prefetch_related, no known related objects (a related
    manager's parent): the caller sets those it reads."""

    def _compile(self, alias: str, time_zone: str, *key):
        queryset = self.build(*key)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        # What ModelIterable reads of the compiler to make each row's instance and its related ones.
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        converters = compiler.get_converters([column for column, _sql, _alias in select])
        populators = get_related_populators(klass_info, select, alias)
        maker = (klass_info["model"], start, end, names, populators, dict(compiler.annotation_col_map or {}))
        return sql, tuple(params), converters, maker

    def objects(self, ids: Iterable[int] | None, *key, **values) -> list:
        """The instances for these ids (as `rows`), in the query's order."""
        found, alias, compiled = self._run(ids, key, values)
        if not found:
            return []
        model, start, end, names, populators, annotations = compiled[3]
        out = []
        for row in found:
            obj = model.from_db(alias, names, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            out.append(obj)
        return out


class CompiledUnion(Compiled):
    """`build(*key)` → values_list querysets of the same columns, each ordered and sliced as it likes; `rows` → all
    their rows in one statement (UNION ALL), each part's in its order. For a page's list read one query per side (each
    walking its own index, where an OR of sides cannot): one round trip, one statement to prepare and read. A part
    that can match nothing is left out."""

    def _compile(self, alias: str, time_zone: str, *key) -> tuple[str, tuple, dict] | None:
        parts, params, converters = [], [], None
        for queryset in self.build(*key):
            compiler = queryset.query.get_compiler(using=alias)
            try:
                sql, part_params = compiler.as_sql()
            except EmptyResultSet:
                continue
            parts.append(sql)
            params.extend(part_params)
            if converters is None:
                converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        if not parts:
            return None
        # A part keeps its ORDER BY and LIMIT in parentheses; SQLite allows them only in a subquery.
        part = (
            "({})"
            if connections[alias].features.supports_slicing_ordering_in_compound
            else "SELECT * FROM ({})"
        )
        return " UNION ALL ".join(part.format(sql) for sql in parts), tuple(params), converters
