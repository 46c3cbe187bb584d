"""The one list mechanism of the site: every list pages, sorts, filters, searches and exports to .xlsx.

A page declares columns and filters (configuration, in each app's tables.py/filters.py); `RestrictedListView`
does the rest, always starting from `Model.objects.restrict(user, "view")`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import html
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.formats import localize
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.module_loading import import_string
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View

from duikou.core import jobs, money, sheets, versioned
from duikou.core.compiled import Compiled, CompiledObjects, IdList, among_ids
from duikou.core.dates import today_for
from duikou.core.filtering import SEARCH, Filters
from duikou.core.permissions import VIEW, Shape
from duikou.core.rows import choice_label, one_reversal_scope

XLSX_TYPE = sheets.XLSX_TYPE
# An export is a whole list, but bounded so one click cannot build an unbounded workbook in memory.
MAX_EXPORT_ROWS = 200_000
EXPORT_CHUNK = 2000


# (model class, name) → the field with choices of that name, or None.
_CHOICE_FIELDS: dict[tuple, Any] = {}


def _choice_field(model: type, name: str):
    key = (model, name)
    if key not in _CHOICE_FIELDS:
        field = None
        if isinstance(model, type) and issubclass(model, Model):
            try:
                found = model._meta.get_field(name)
            except FieldDoesNotExist:
                found = None
            if found is not None and found.concrete and found.choices and not found.is_relation:
                field = found
        _CHOICE_FIELDS[key] = field
    return _CHOICE_FIELDS[key]


# (class, name) → whether an instance may have a get_<name>_display method (RestrictedListView's cells).
_DISPLAYS: dict[tuple, bool] = {}


def _may_display(cls: type, name: str) -> bool:
    key = (cls, name)
    found = _DISPLAYS.get(key)
    if found is None:
        found = _DISPLAYS[key] = not issubclass(cls, Model) or hasattr(cls, f"get_{name}_display")
    return found


def resolve_attr(obj: Any, path: str) -> Any:
    """Follow a dotted path (plan.program.name); a get_FOO_display method is called; None stops the walk."""
    for part in path.split("."):
        if obj is None:
            return None
        field = _choice_field(type(obj), part)
        if field is not None:
            obj = choice_label(field, getattr(obj, field.attname))
            continue
        # A model's methods are its class's: looked for once per class and name (a failed getattr raises inside).
        display = getattr(obj, f"get_{part}_display", None) if _may_display(type(obj), part) else None
        obj = display() if callable(display) else getattr(obj, part)
        if inspect.ismethod(obj):
            obj = obj()
    return obj


@dataclass
class Column:
    """One column of a list: what to show, how to sort by it, where it links to."""

    name: str
    label: Any
    accessor: str | Callable[[Any], Any] | None = None
    sort: str | None = None
    link: Callable[[Any], str | None] | None = None
    css: str = ""
    template: str | None = None  # an include rendering the cell with `row` and `value`
    # The cell's markup from Python (row, value) → safe HTML, for a cell on every row of a page: an include per
    # row cost more than the rest of the page. When set, it is used instead of `template`.
    html: Callable[[Any, Any], str] | None = None
    money: bool = False  # yuan shown in 万元 (亿元 when the page's amounts reach 1亿), the unit in the header
    page: bool = True  # shown on the page
    sheet: bool = True  # written to the .xlsx export
    sheet_value: Callable[[Any], Any] | None = None  # the cell in the export, when it differs from the page

    def value(self, row: Any) -> Any:
        accessor = self.accessor or self.name
        if callable(accessor):
            return accessor(row)
        return resolve_attr(row, accessor)


# Above this many rows, a filter whose choices come from the rows asks for an id instead of listing them.
OPTIONS_SCAN_LIMIT = 5_000


def value_html(value: Any) -> str:
    """A value as a template shows it (`{{ value|default_if_none:"—" }}`): localized and escaped, None as —."""
    if value is None:
        return "—"
    if type(value) is str:  # plain text (most cells): nothing to localize, escaped as below
        return html.escape(value)
    if type(value) is dt.date:
        return _date_html(value, get_language())
    value = localize(template_localtime(value))
    if isinstance(value, str) and not isinstance(value, SafeData):
        return html.escape(value)  # what django.utils.html.escape does, without its lazy-string wrapper
    return conditional_escape(value)


@functools.lru_cache(maxsize=4096)
def _date_html(value: dt.date, _language: str) -> str:
    """A date as value_html shows it, in the active language: formatting one (Django's dateformat) costs more than
    the rest of its cell, and a page's dates are a few thousand days at most."""
    return html.escape(localize(value))


def percent_text(value: Any) -> str:
    """A ratio as a whole percentage (0.375 → 38%), — when there is none."""
    if value is None:
        return "—"
    return f"{value:.0%}" if isinstance(value, float) else f"{float(value):.0%}"


def bar_width(value: Any) -> str:
    """A ratio as a CSS width, capped at 100%."""
    if value is None:
        return "0"
    return f"{max(0.0, min(float(value), 1.0)) * 100:.1f}"


def bar_class(value: Any) -> str:
    """A ratio as one of the classes w0 … w100 of site.css: the Content-Security-Policy allows no style attribute."""
    if value is None:
        return "w0"
    return f"w{round(max(0.0, min(float(value), 1.0)) * 100)}"


def progress_html(row: Any, value: Any) -> str:
    """A progress bar cell: web/_progress_cell.html in Python (the list's cells; the template serves other pages)."""
    if value is None:
        return f'<span class="meta">{conditional_escape(_("暂无数据"))}</span>'
    low = " low" if value < 0.5 else ""
    return (
        f'<div class="progress{low}" role="progressbar" aria-valuenow="{bar_width(value)}" aria-valuemin="0" '
        f'aria-valuemax="100"><span class="{bar_class(value)}"></span><em>{percent_text(value)}</em></div>'
    )


_TEMPLATE_CELLS: dict[tuple, str] = {}


def template_cell(template: str, context: Callable[[Any, Any], dict]) -> Callable[[Any, Any], str]:
    """A cell whose template reads a few values that repeat from row to row (a light: four of them): rendered once
    per distinct context and language in the process, then reused, so the template stays the markup's one owner."""

    def html(row: Any, value: Any) -> str:
        values = context(row, value)
        key = (template, get_language(), tuple(sorted(values.items())))
        found = _TEMPLATE_CELLS.get(key)
        if found is None:
            found = _TEMPLATE_CELLS[key] = get_template(template).render(values)
        return found

    return html


def _cell_maker(column: Column, text: Callable[[Any], str]) -> Callable[[Any, Any], str]:
    """(row, value) → the column's cell markup, chosen once per page: its `html`, its template, a link or the text."""
    if column.html is not None:
        return column.html
    if column.template:
        template = get_template(column.template)
        # Rendered without the request's context processors: a cell template reads `row` and `value` only.
        return lambda row, value: template.render({"row": row, "value": value})
    link = column.link
    if link is None:
        return lambda _row, value: text(value)

    def linked(row: Any, value: Any) -> str:
        href = link(row)
        return f'<a href="{conditional_escape(href)}">{text(value)}</a>' if href else text(value)

    return linked


_REPEATING = frozenset({dt.date, dt.datetime, int, float, decimal.Decimal, bool})


def _page_values_html() -> Callable[[Any], str]:
    """value_html, each value other than text made once for the page: dates and numbers repeat from row to row, and
    localizing one costs more than the rest of its cell."""
    seen: dict = {}

    def text(value: Any) -> str:
        if type(value) not in _REPEATING:
            return value_html(value)
        # The text too: Decimal("1.0") == Decimal("1.00"), each shown as it is.
        key = (type(value), str(value))
        found = seen.get(key)
        if found is None:
            found = seen[key] = value_html(value)
        return found

    return text


def options_html(options: list[tuple[str, str]], selected: str) -> SafeString:
    """A filter's `<option>`s (web/list_body.html's select), made here: a unit's list offers a hundred plans and
    units, three template nodes each."""
    return mark_safe(  # noqa: S308 (escaped here)
        "".join(
            f'<option value="{html.escape(value)}"{" selected" if value == selected else ""}>'
            f"{html.escape(label)}</option>"
            for value, label in options
        )
    )


def header_html(column: Column, label: str, sort: str, query_without_sort: str) -> SafeString:
    """A column's `<th>` (web/_table.html's header row), with its sort link both ways and the current sort's arrow."""
    css, label = conditional_escape(column.css), html.escape(label)
    if not column.sort:
        return mark_safe(f'<th class="{css}">{label}</th>')  # noqa: S308 (escaped here)
    name = conditional_escape(column.name)
    href = (
        f"?{conditional_escape(query_without_sort) + '&amp;' if query_without_sort else ''}"
        f"sort={'-' if sort == column.name else ''}{name}"
    )
    arrow = " ▲" if sort == column.name else " ▼" if sort == f"-{column.name}" else ""
    return mark_safe(  # noqa: S308 (escaped here)
        f'<th class="{css}"><a href="{href}" hx-get="{href}" hx-target="#list-body" hx-push-url="true">'
        f"{label}{arrow}</a></th>"
    )


def table_rows(shown: list[Column], labels: list[str], rows: list, values: list[list]) -> list[dict]:
    """Each row of a page with its markup (`<tr>` … `</tr>`), built here once rather than by the template engine:
    fifty rows of ten cells were 500 cell blocks, the most of a list's time after its SQL."""
    opens = [
        f'<td class="{conditional_escape(c.css)}" data-label="{conditional_escape(label)}">'
        for c, label in zip(shown, labels, strict=True)
    ]
    table = []
    text = _page_values_html()
    makers = [_cell_maker(c, text) for c in shown]
    with one_reversal_scope():  # a link on every row (rows.object_url)
        for row, row_values in zip(rows, values, strict=True):
            cells = "".join(
                [
                    f"{open_}{make(row, v)}</td>"
                    for open_, make, v in zip(opens, makers, row_values, strict=True)
                ]
            )
            overdue = ' class="overdue"' if getattr(row, "is_overdue", False) else ""
            table.append({"row": row, "html": mark_safe(f"<tr{overdue}>{cells}</tr>")})  # noqa: S308 (escaped above)
    return table


def cell_value(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers stay numbers, dates stay dates, the rest is text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, decimal.Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, int | float | dt.date):
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    return force_str(value)


def write_rows(title: str, columns: list[Column], rows, *, out=None) -> bytes | None:
    """The rows as a real .xlsx (core.sheets, write-only so memory stays flat): bytes, or written to `out`."""
    columns = [c for c in columns if c.sheet]
    # Money goes out in 万元, as numbers with separators, the unit stated once in the header.
    headers = [force_str(money.column_label(c.label) if c.money else c.label) for c in columns]
    formats = {i: sheets.MONEY_FORMAT for i, c in enumerate(columns) if c.money}

    def values():
        for row in rows:
            out_row = []
            for column in columns:
                raw = column.sheet_value(row) if column.sheet_value else column.value(row)
                if column.money:
                    amount = money.in_unit(raw)
                    out_row.append(None if amount is None else float(amount))
                    continue
                value = cell_value(raw)
                out_row.append(
                    force_str(value)
                    if value is not None and not isinstance(value, int | float | dt.date)
                    else value
                )
            yield out_row

    return sheets.write_sheet(force_str(title) or "Sheet1", headers, values(), formats=formats, out=out)


# A list of at most this many rows reads its page and its filters' choices afresh at each view of its body: for a
# unit's own list that costs less than keeping them (compiling the key, a cache round trip each).
READ_AFRESH_LIMIT = 500


def small_list_ids(queryset: QuerySet) -> list | None:
    """The ids of a list of at most READ_AFRESH_LIMIT rows (a unit's own), in one query; None for a longer one.
    Its count, its filters' choices and its page are then read by these ids (compiled.among_ids), not through the
    gate again: the gate's subtree subqueries are planned afresh at every query (1.1–1.5 ms each on PostgreSQL). The
    list pages (RestrictedListView.prepared) and the API's lists (core.rest) read a small list so."""
    ids = list(queryset.order_by().values_list("pk", flat=True)[: READ_AFRESH_LIMIT + 1])
    return ids if len(ids) <= READ_AFRESH_LIMIT else None


def gated_small_list_ids(model, user) -> list | None:
    """small_list_ids of every row of `model` the user may see (`restrict(user, VIEW)`, nothing else narrowing it),
    from SQL compiled once per model and gate `Shape` (every unit's reporters share one): building the gated queryset
    and compiling it cost ~0.6 ms of a list's Python at every view (the unfiltered lists of the load)."""
    shape = Shape(user)
    ids = [row[0] for row in _gated_ids(model).rows(None, shape, READ_AFRESH_LIMIT + 1, **shape.values())]
    return ids if len(ids) <= READ_AFRESH_LIMIT else None


@functools.cache
def _gated_ids(model) -> Compiled:
    return Compiled(
        model,
        lambda shape, limit: (
            model.objects.restrict(shape.stand_in(), VIEW).order_by().values_list("pk")[:limit]
        ),
        maxsize=32,
    )


# Counting a national list exactly reads every row it holds (0.5–1 M tasks, on every view): up to this many rows the
# header counts them; beyond, it shows the database planner's estimate (约), and pages go on while rows do.
EXACT_COUNT_LIMIT = 10_000


def estimated_rows(queryset: QuerySet) -> int | None:
    """The planner's estimate of the rows a queryset returns (PostgreSQL's EXPLAIN), None where there is none."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class _OpenPage(Page):
    """A page of a list whose length is estimated: whether another follows is known from one extra row."""

    def __init__(self, object_list, number, paginator, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return self.more


class ListPaginator(Paginator):
    """Pages of a list counted exactly up to EXACT_COUNT_LIMIT rows (a count over a LIMIT, so never a scan of the
    whole table) and estimated beyond; `estimated` tells the template to say 约 (about). `kept` (the view's
    `kept`) keeps the count while the data does not change."""

    estimated = False

    def __init__(
        self,
        object_list,
        per_page,
        *,
        kept: Callable | None = None,
        keep_order=False,
        counted: Callable[[], tuple[int, bool]] | None = None,
        read: Callable[[int, int], list] | None = None,
        **kwargs,
    ):
        super().__init__(object_list, per_page, **kwargs)
        self.kept, self.keep_order, self.counted, self.read = kept, keep_order, counted, read

    @cached_property
    def count(self):
        # `counted`: read already by the view (RestrictedListView.prepared), as read_count reads it.
        total, self.estimated = (self.counted or self.read_count)()
        return total

    def read_count(self) -> tuple[int, bool]:
        """The rows and whether that is an estimate, kept with the data's version when there is `kept`."""
        rows = self.object_list.order_by()
        return self.kept("count", rows, self._count) if self.kept else self._count()

    def _count(self) -> tuple[int, bool]:
        capped = self.object_list.order_by()[: EXACT_COUNT_LIMIT + 1].count()
        if capped <= EXACT_COUNT_LIMIT:
            return capped, False
        guess = estimated_rows(self.object_list)
        if guess is None:  # no planner estimate to read (SQLite): count them, as before
            return self.object_list.count(), False
        return max(guess, capped), True

    def validate_number(self, number):
        if not self.count or not self.estimated:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger from None
        if number < 1:
            raise EmptyPage
        return number  # an estimate may fall short of the rows there are: any page may be asked for

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if not self.estimated:
            top = bottom + self.per_page
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(self.rows(bottom, top), number, self)
        rows = self.rows(bottom, bottom + self.per_page + 1)
        return _OpenPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def rows(self, bottom: int, top: int) -> list:
        """The rows from `bottom` to `top` in the list's order. With `keep_order`, the ids in that order are kept
        while the data does not change and the rows read by id; a list of at most READ_AFRESH_LIMIT rows reads them
        afresh; `read` (bottom, top) reads them, when given (a small list's page by id)."""
        if self.read is not None:
            return self.read(bottom, top)
        if not (self.keep_order and self.kept) or (not self.estimated and self.count <= READ_AFRESH_LIMIT):
            return list(self.object_list[bottom:top])
        rows = self.object_list
        read: list = []

        def ordered_ids():
            # Not kept: the rows themselves in order (one query, not the ids then the rows), their ids kept.
            read.extend(rows[bottom:top])
            return [row.pk for row in read]

        ids = self.kept(f"ids:{bottom}:{top}", rows, ordered_ids)
        if read:
            return read
        found = {row.pk: row for row in rows.order_by().filter(pk__in=ids)}
        return [found[pk] for pk in ids if pk in found]


# List class → the names its annotate() adds (RestrictedListView.annotation_names).
_ANNOTATION_NAMES: dict[type, list[str]] = {}
# List class → its page annotations compiled once a day (RestrictedListView.annotation_values).
_ANNOTATION_SQL: dict[type, Compiled] = {}
# (list class, order) → the page of its small list read by id (RestrictedListView.small_page_reader).
_SMALL_PAGE_SQL: dict[tuple, CompiledObjects] = {}


class RestrictedListView(LoginRequiredMixin, View):
    """A paged, sortable, filterable, searchable, exportable list of what the user may see."""

    model = None
    title: Any = ""
    columns: list[Column] = []
    # The model's one filter definition (its app's filters.py), which its API list reads too.
    filters: Filters = Filters([])
    default_sort: str = ""
    paginate_by = 50
    # The page (the site's shell, the list's header) and its body (filters, table, pages, the list's own figures):
    # the body's markup is kept with the data's version (core.versioned.kept_body), the page around it made at every
    # view.
    template_name = "web/list.html"
    body_template_name = "web/list_body.html"
    export_name = "list"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()
    # The fields a page's rows read (`only`), when not all of them.
    only: tuple[str, ...] = ()

    def base_queryset(self) -> QuerySet:
        return self.model.objects.restrict(self.request.user, VIEW)

    def small_list_ids(self) -> tuple[list | None, QuerySet | None]:
        """The ids of the list (before its filters) when it has at most READ_AFRESH_LIMIT rows (a unit's own), else
        None (module's small_list_ids); and the gated queryset when it was built. A list that is the gate's alone (no
        `base_queryset` or `narrow` of its own) reads them from SQL compiled once (gated_small_list_ids)."""
        own = type(self)
        if own.base_queryset is RestrictedListView.base_queryset and own.narrow is RestrictedListView.narrow:
            return gated_small_list_ids(self.model, self.request.user), None
        queryset = self.narrow(self.base_queryset())
        return small_list_ids(queryset), queryset

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """A hook for lists nested under one object (the tasks of one plan)."""
        return queryset

    def annotate(self, queryset: QuerySet) -> QuerySet:
        return queryset

    def decorate(self, rows: list) -> list:
        """A hook to attach computed values to the rows of one page (one query for the page, not per row)."""
        return rows

    def extra_context(self) -> dict:
        return {}

    def sort_key(self) -> tuple[str, str]:
        requested = self.request.GET.get("sort", "")
        name = requested.lstrip("-")
        for column in self.columns:
            if column.name == name and column.sort:
                return requested, ("-" if requested.startswith("-") else "") + column.sort
        return "", self.default_sort

    def filtered(
        self,
        queryset: QuerySet,
        *,
        count: Callable[[QuerySet], tuple[int, bool]] | None = None,
        total: int | None = None,
        ids: list | None = None,
    ) -> tuple[QuerySet, list[dict]]:
        """The queryset narrowed by the address's filters, and each filter with its value and choices. `count`: the
        page's count of the unfiltered rows (ListPaginator.read_count; given the rows to key it on), used when the
        address filters nothing; `total`: that count, when known already; `ids`: the rows' ids, when `queryset` is
        those rows read by id (small_list_ids)."""
        active = []
        unfiltered = queryset
        rows = unfiltered.order_by()
        queryset = self.filters.from_address(queryset, self.request.GET)
        for flt in self.filters:
            value = self.filters.raw(flt, self.request.GET)
            options = None  # a parameter without a box (on_page=False) stays in the form, hidden
            if flt.on_page and not callable(flt.choices):
                options = flt.options(unfiltered)
            elif flt.on_page:
                # Choices read from the rows themselves: over a national list they are thousands of plans or
                # units and scanning for them costs seconds, so such a filter takes a number (编号) instead.
                if total is None:
                    if count is not None and queryset is unfiltered:
                        # Unfiltered, the page counts these rows anyway: one count serves both.
                        total = count(rows)[0]
                    else:
                        total = self.kept("huge", rows, lambda: rows[: OPTIONS_SCAN_LIMIT + 1].count())
                if total <= READ_AFRESH_LIMIT:
                    options = flt.options(unfiltered, model=self.model, ids=ids)
                elif total <= OPTIONS_SCAN_LIMIT:
                    # Read from the rows (distinct plans or units): kept while the data does not change.
                    options = self.kept(f"options:{flt.name}", rows, partial(flt.options, unfiltered))
            active.append(
                {
                    "filter": flt,
                    "value": value,
                    "options": options,
                    "options_html": None if options is None else options_html(options, value),
                }
            )
        return queryset, active

    def kept(self, name: str, queryset: QuerySet, compute: Callable[[], Any], *, extra: Any = None) -> Any:
        """compute() once per data version (core.versioned) for the rows `queryset` selects: its SQL, the user's
        gate and the filters in it, is the key (with `extra`, what else the answer depends on), so each view of the
        rows keeps its own answer. A count, the choices read from the rows, a summary over a national list: each
        costs a scan, and data changes rarely between two views of a page."""
        try:
            # One queryset keys several answers (a list's count and its filters' choices): compiled once.
            memo = self.__dict__.setdefault("_kept_sql", {})
            if id(queryset) not in memo:
                memo[id(queryset)] = (queryset, queryset.query.sql_with_params())
            sql, params = memo[id(queryset)][1]
            if isinstance(extra, QuerySet):
                extra = extra.query.sql_with_params()
        except EmptyResultSet:  # a list that matches nothing (queryset.none()): nothing to scan
            return compute()
        parts = (type(self).__qualname__, name, sql, params, extra, get_language())
        return versioned.cached(
            "lists", parts, compute, version=self.data_version(), viewer=self.request.user
        )

    def annotation_names(self) -> list[str]:
        """The names annotate() adds, worked out once per list class and process: building the light's expressions
        takes about 20 ms at every call, and the names depend on the class's code alone, not on the request."""
        names = _ANNOTATION_NAMES.get(type(self))
        if names is None:
            names = _ANNOTATION_NAMES[type(self)] = list(
                self.annotate(self.model._base_manager.none()).query.annotations
            )
        return names

    def annotate_rows(self, rows: list) -> list:
        """The annotations of one page's rows only: grouping the whole table to show 50 rows does not scale."""
        names = self.annotation_names()
        if not names or not rows:
            return rows
        values = {found[0]: found[1:] for found in self.annotation_values([r.pk for r in rows])}
        missing = (None,) * len(names)
        for row in rows:
            for name, value in zip(names, values.get(row.pk, missing), strict=True):
                setattr(row, name, value)
        return rows

    def annotation_values(self, pks: list) -> list[tuple]:
        """(pk, *annotations) of these rows, from SQL compiled once per list class, day and database (core.compiled).

        Building and compiling the annotations (a task's light is a CASE over subqueries) cost more than running
        them; their SQL differs from page to page only by the ids. annotate() depends on the class and the day
        alone (as annotation_names says)."""
        compiled = _ANNOTATION_SQL.get(type(self))
        if compiled is None:
            names, view, base = self.annotation_names(), type(self)(), self.model._base_manager
            # A view of its own (no request kept in the process): annotate() reads no request.
            compiled = _ANNOTATION_SQL[type(self)] = Compiled(
                self.model,
                lambda day: view.annotate(base.filter(pk__in=IdList())).order_by().values_list("pk", *names),
            )
        return compiled.rows(pks, today_for())

    def filtered_rows(self) -> tuple[QuerySet, list[dict]]:
        """The list narrowed by the address's filters (not sorted or paged) and its filters, as `prepared` made them:
        for the figures a list shows over all its rows (extra_context), without reading the filters' choices again."""
        if getattr(self, "_filtered", None) is None:
            self.prepared()
        return self._filtered

    def prepared(self) -> tuple[QuerySet, Callable]:
        """The filtered, sorted queryset of the request, and what completes its rows (annotations)."""
        ids, unfiltered = self.small_list_ids()
        if ids is not None:
            # Every row the user may see, by id: the same rows as the gated list.
            unfiltered = among_ids(self.model, ids)
        elif unfiltered is None:
            unfiltered = self.narrow(self.base_queryset())
        sort_param, order = self.sort_key()
        annotated = set(self.annotation_names())
        # Only a sort by an annotation needs it over the whole list; otherwise the page's rows get it afterwards.
        sort_by_annotation = bool(order) and any(f.lstrip("-") in annotated for f in order.split(","))

        def arranged(queryset):
            return self.arranged(queryset, order, by_annotation=sort_by_annotation)

        # The unfiltered page's queryset and count, made once if the filters' choices need the count first.
        made: dict[str, Any] = {}

        def unfiltered_page():
            if "rows" not in made:
                made["rows"] = arranged(unfiltered)
            return made["rows"]

        def count(rows: QuerySet) -> tuple[int, bool]:
            if "count" not in made:
                paginator = ListPaginator(unfiltered_page(), self.paginate_by)
                made["count"] = self.kept("count", rows, paginator.read_count)
            return made["count"]

        if ids is not None:
            made["count"] = (len(ids), False)
        queryset, active_filters = self.filtered(
            unfiltered, count=count, total=None if ids is None else len(ids), ids=ids
        )
        self._filtered = (queryset, active_filters)
        filtering = queryset is not unfiltered
        queryset = arranged(queryset) if filtering else unfiltered_page()
        finish = (lambda rows: rows) if sort_by_annotation else self.annotate_rows
        self._active_filters, self._sort_param = active_filters, sort_param
        self._counted = (lambda: made["count"]) if "count" in made and not filtering else None
        self._page_rows = None
        if ids is not None and not filtering and not sort_by_annotation and not self.prefetch_related:
            # Read to the page's full size, not to the rows left: one compiled query a page, whatever the count.
            read = self.small_page_reader(order)
            self._page_rows = lambda bottom, _top: read(ids, bottom, bottom + self.paginate_by)
        # A small list's count is read afresh (by id): nothing to key and keep.
        self._keeps = ids is None
        return queryset, finish

    def arranged(self, queryset: QuerySet, order: str, *, by_annotation: bool = False) -> QuerySet:
        """The rows as the page reads them: the fields and related rows it shows, in `order` (then by pk)."""
        if by_annotation:
            queryset = self.annotate(queryset)
        if self.only:
            queryset = queryset.only(*self.only)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        if self.prefetch_related:
            queryset = queryset.prefetch_related(*self.prefetch_related)
        if order:
            queryset = queryset.order_by(*order.split(","), "pk")
        return queryset

    def small_page_reader(self, order: str) -> Callable[..., list]:
        """(ids, bottom, top) → the rows from bottom to top, in `order`, of a small list read by its ids
        (small_list_ids): from SQL compiled once per list class, order and bounds (core.compiled), as `arranged`
        reads them. Building and compiling the page's query cost as much as making its rows."""
        key = (type(self), order)
        compiled = _SMALL_PAGE_SQL.get(key)
        if compiled is None:
            # A view of its own (no request kept in the process): `arranged` reads the class's configuration alone.
            view = type(self)()
            compiled = _SMALL_PAGE_SQL[key] = CompiledObjects(
                self.model, lambda bottom, top: view.arranged(among_ids(view.model), order)[bottom:top]
            )
        return compiled.objects

    def export_name_today(self) -> str:
        return f"{self.export_name}-{today_for().isoformat()}.xlsx"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            # Built on the queue (a national list is 500,000 rows): the job page counts them, then the file.
            params = request.GET.copy()
            params.pop("export", None)
            job = jobs.start(
                "lists.export",
                user=request.user,
                title=_("导出：%(list)s") % {"list": force_str(self.title)},
                view=f"{type(self).__module__}.{type(self).__qualname__}",
                query=params.urlencode(),
                kwargs=kwargs,
            )
            return jobs.answer(request, job)
        table_only = bool(request.htmx) and request.htmx.target == "list-body"
        header = self.header_context()
        body, context = versioned.kept_body(
            "list-pages",
            request,
            "web/_table.html" if table_only else self.body_template_name,
            partial(self.body_context, header),
            parts=(type(self).__module__, type(self).__qualname__),
            version=self.data_version(),
        )
        if table_only:
            return HttpResponse(body)
        return render(
            request, self.template_name, {**context, **header, "title": self.title, "list_body": body}
        )

    def body_context(self, header: dict) -> dict:
        """The context of the page's body: its filters, rows, pages and the list's own figures (extra_context)."""
        request = self.request
        queryset, finish = self.prepared()
        active_filters, sort_param = self._active_filters, self._sort_param
        # A page's ids in order are kept with the data's version and its rows read by id: a sort by a computed figure
        # (units by their tasks) or over a unit's thousands of tasks otherwise orders the whole list on every view.
        # The count is the one prepared() read already, when it did.
        paginator = ListPaginator(
            queryset,
            self.paginate_by,
            kept=self.kept if self._keeps else None,
            keep_order=True,
            counted=self._counted,
            read=self._page_rows,
        )
        page = paginator.get_page(request.GET.get("page"))
        rows = self.decorate(finish(list(page.object_list)))
        shown = [c for c in self.columns if c.page]
        values = [[c.value(row) for c in shown] for row in rows]
        # One unit per money column, chosen from the amounts on the page and stated in the header.
        units = {i: money.money_unit(*(v[i] for v in values)) for i, c in enumerate(shown) if c.money}
        # Labels translated once here, not once per cell (each cell repeats its column's label for narrow screens).
        headers = [
            {
                "column": c,
                "label": force_str(money.column_label(c.label, units[i]) if i in units else c.label),
            }
            for i, c in enumerate(shown)
        ]
        params = request.GET.copy()
        params.pop("page", None)
        params.pop("export", None)
        query_without_sort = _without(params, "sort")
        for column_header in headers:
            column_header["html"] = header_html(
                column_header["column"], column_header["label"], sort_param, query_without_sort
            )
        if units:
            values = [
                [money.format_amount(v, units[i]) if i in units else v for i, v in enumerate(row_values)]
                for row_values in values
            ]
        table = table_rows(shown, [h["label"] for h in headers], rows, values)
        return {
            "title": self.title,
            "path": request.path,
            "columns": shown,
            "headers": headers,
            "table": table,
            # The rows' markup joined here, not by a template loop over them (web/_table.html).
            "table_html": mark_safe("".join(f"\n{item['html']}\n" for item in table)),  # noqa: S308 (escaped rows)
            "page": page,
            "paginator": paginator,
            "filters": active_filters,
            "searchable": bool(self.filters.search),
            "q": request.GET.get(SEARCH, ""),
            "sort": sort_param,
            "query_without_page": params.urlencode(),
            "query_without_sort": query_without_sort,
            **header,
            **self.extra_context(),
        }

    def header_context(self) -> dict:
        """What the page shows around its kept body (its header), read at every view."""
        return {}

    def data_version(self) -> int:
        """The data's version (core.versioned), read once per view."""
        if getattr(self, "_data_version", None) is None:
            self._data_version = versioned.data_version()
        return self._data_version


def _without(params, key: str) -> str:
    params = params.copy()
    params.pop(key, None)
    return params.urlencode()


def ratio(part, whole) -> float | None:
    """part / whole for a table cell or progress bar (None when there is no whole)."""
    if not whole:
        return None
    return float(decimal.Decimal(part or 0) / decimal.Decimal(whole))


@jobs.job("lists.export")
def export_list(run: jobs.Run, *, view: str, query: str, kwargs: dict) -> dict:
    """A list's .xlsx export on the queue: the view rebuilt for the user who asked, with the filters, search and
    sort of the page, its rows (up to MAX_EXPORT_ROWS) counted into the workbook."""
    request = HttpRequest()
    request.method = "GET"
    request.user = run.user
    request.GET = QueryDict(query)
    request.htmx = None
    page = import_string(view)()
    page.setup(request, **kwargs)
    queryset, finish = page.prepared()
    if not queryset.ordered:
        queryset = queryset.order_by("pk")
    total = min(queryset.count(), MAX_EXPORT_ROWS)

    def rows():
        for start in range(0, total, EXPORT_CHUNK):
            yield from page.decorate(finish(list(queryset[start : min(start + EXPORT_CHUNK, total)])))

    write_rows(
        page.title,
        page.columns,
        run.counted(rows(), total, _("写入行")),
        out=run.output(page.export_name_today()),
    )
    return {"content_type": XLSX_TYPE, "rows": total}
