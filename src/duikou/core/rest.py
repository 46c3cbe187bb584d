"""The REST API's one way of exposing a model: list (filtered, paged), read, create, update, delete.

Every query goes through the permission gate (`Model.objects.restrict(user, action)`); writes run in one
transaction on behalf of the caller (so the change log names them) and are refused whole when the saved
row would fall outside what the caller may add or change. Bad input is a 422 with field errors, never a 500.
Each app's api.py supplies only its schemas, its filters (declared once in its filters.py, shared with the
list page) and, where a service owns the write, that service.
"""

import datetime as dt
import functools
import types
import typing
from decimal import Decimal
from functools import partial, wraps
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.forms import modelform_factory
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.decorators import decorate_view
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import PaginationBase, paginate

from duikou.core import keyset, versioned
from duikou.core import permissions as perms
from duikou.core.actor import acting_as
from duikou.core.api_auth import API_AUTH
from duikou.core.compiled import Compiled, among_ids
from duikou.core.errors import InputError
from duikou.core.filtering import Filters, Id, Text, Year
from duikou.core.lists import ListPaginator, gated_small_list_ids, small_list_ids
from duikou.core.models import StaleEditError
from duikou.core.rows import attach_figures

MAX_ID = 2**63 - 1


class Paging(PaginationBase):
    """The API's one paging rule for every list: at most 1000 rows a page, in the model's order.

    `after` (the `next` of the page before) continues after the last row shown, by keyset: as cheap on the
    thousandth page as on the first, and right when rows come and go between requests. `offset` still works
    (old clients) but reads and drops every row before it. `count` is exact up to core.lists' EXACT_COUNT_LIMIT
    and the planner's estimate beyond (`count_exact` false), the rule the list pages follow (ListPaginator).
    """

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**53)
        after: str | None = Field(None, max_length=4000, description="上一页的 next：从其最后一行之后继续")

    class Output(Schema):
        items: list[Any]
        count: int
        count_exact: bool = True
        next: str | None = None

    def paginate_queryset(self, queryset, pagination: Input, request, **params):
        keys = keyset.order_keys(queryset)
        rows = queryset
        if pagination.after:
            if pagination.offset:
                raise NinjaValidationError(
                    [{"loc": ["query", "offset"], "msg": _("after 与 offset 不能同用")}]
                )
            try:
                rows = keyset.after(queryset, keys, keyset.decode(pagination.after, keys))
            except ValueError:
                raise NinjaValidationError(
                    [{"loc": ["query", "after"], "msg": _("不是本列表的 next 游标")}]
                ) from None
        shape = getattr(queryset, "shape", None)
        start, limit = (0 if pagination.after else pagination.offset), pagination.limit
        read = getattr(queryset, "read_page", None)
        if shape is not None and read is not None and not pagination.after:
            # A small list read by id, its rows the schema's columns: from SQL compiled once (read_small_page).
            page = read(tuple(shape.columns(queryset, keys)), start, start + limit + 1)
        else:
            if shape is not None:
                rows = rows.values(*shape.columns(queryset, keys))
            page = list(rows[start : start + limit + 1])
        more, page = len(page) > limit, page[:limit]
        figures = getattr(queryset, "figures", None)
        after = keyset.encode(keyset.values_of(page[-1], keys, queryset), keys) if more else None
        if shape is not None:
            items = shape.items(page, queryset, figures)
        else:
            items = attach_figures(page, figures) if figures else page
        known = getattr(queryset, "known_count", None)
        if known is not None:
            count, exact = known, True
        elif not pagination.after and start == 0 and not more:
            # The page holds every row: nothing more to count.
            count, exact = len(page), True
        else:
            # Counted on the ids alone, without the computed fields (lights) the page's rows are read with.
            counter = ListPaginator(getattr(queryset, "counted", queryset).values("pk"), limit)
            count, exact = counter.count, not counter.estimated
        page = {"items": items, "count": count, "count_exact": exact, "next": after}
        return PlainPage(page) if shape is not None else page


def read_small_page(model, ordering: tuple, ids: list, columns: tuple, start: int, stop: int) -> list[dict]:
    """Rows `start` to `stop` of a small list read by id (core.lists.small_list_ids) in `ordering`, as values(*columns)
    gives them: building and compiling the page's query was a tenth of the API task list's Python."""
    names = list(columns)
    return [
        dict(zip(names, row, strict=True))
        for row in _small_page(model, ordering, columns, start, stop).rows(ids)
    ]


@functools.lru_cache(maxsize=256)
def _small_page(model, ordering: tuple, columns: tuple, start: int, stop: int) -> Compiled:
    return Compiled(
        model, lambda: among_ids(model).order_by(*ordering).values_list(*columns)[start:stop], maxsize=2
    )


class PlainPage(dict):
    """A page whose items are already the read schema's output (RowShape): rendered as it is (kept_list)."""


# The types a read schema's field may have to be given as the database gives it (RowShape): for these, the
# schema's validation and dump hand the value on unchanged and the JSON encoder writes it.
_PLAIN = {int, str, bool, float, dt.date, dt.datetime, Decimal, list[str], list[int], dict[str, Any]}


def _plain(annotation) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return all(a is type(None) or _plain(a) for a in typing.get_args(annotation))
    return annotation in _PLAIN


class RowShape:
    """A read schema whose every field is a column of its model (a foreign key's id under its name), a computed
    field of the list (an annotation, a figure) or its default, each of a plain type (_PLAIN).

    A list's page is then read with values() and its rows put in the schema's shape (its fields, in its order)
    here: the JSON is the one the schema's validation and dump give, without building a model object and a
    validated object per row (on the API task list, a third of its Python time). Schemas that read anything else
    (properties, resolvers, related rows, validators) are not shaped: their pages go through the schema."""

    def __init__(self, model, fields: list[tuple[str, str | None, Any]]):
        self.model, self.fields = model, fields
        self.pk = model._meta.pk.attname

    @classmethod
    def of(cls, model, read) -> "RowShape | None":
        decorators = read.__pydantic_decorators__
        if (
            read.model_config.get("from_attributes") is not True
            or getattr(read, "_ninja_resolvers", None)
            or decorators.validators
            or decorators.field_validators
            or decorators.root_validators
            or decorators.field_serializers
            or decorators.model_serializers
            or decorators.computed_fields
            or set(decorators.model_validators) - {"_run_root_validator"}
        ):
            return None
        columns = {f.attname for f in model._meta.concrete_fields}
        fields = []
        for name, field in read.model_fields.items():
            column = field.alias or name
            aliases = {field.validation_alias, field.serialization_alias} - {None, column}
            if aliases or not _plain(field.annotation):
                return None
            if column in columns:
                fields.append((name, column, None))
            elif field.is_required() or hasattr(model, column):
                return None  # a property, a method or a relation: read off the object
            else:
                fields.append((name, None, field.get_default(call_default_factory=True)))
        return cls(model, fields)

    def columns(self, queryset, keys) -> list[str]:
        """What values() reads: the schema's columns and annotations, the key columns of the order, the pk."""
        annotated = queryset.query.annotations
        names = [c or n for n, c, _d in self.fields if c or n in annotated]
        return list(dict.fromkeys([*names, *(k.path for k in keys if "__" not in k.path), self.pk]))

    def items(self, rows: list[dict], queryset, figures) -> list[dict]:
        annotated = queryset.query.annotations
        found = figures([row[self.pk] for row in rows]) if figures else {}
        # Per computed field: its annotation, else its figure, else its default (the object had no such attribute).
        fields = [(n, c or (n if n in annotated else None), d) for n, c, d in self.fields]
        none: dict = {}
        return [
            {
                name: row[column] if column else found.get(row[self.pk], none).get(name, default)
                for name, column, default in fields
            }
            for row in rows
        ]


def kept_list(name: str):
    """A list operation's answer kept with the data's version and day (core.versioned), for ninja's decorate_view:
    the rows, their computed fields, the count and the JSON are made once, not at every read of the same page while
    nothing changes.

    Keyed on what the answer depends on: the address and query (filters, limit, cursor), what the gate reads of the
    caller (permissions.viewer_key: the same rows for the same key) and the language. Reused for the caller a while
    after others' changes, never after its own unit's, as the pages' lists are (versioned.cached_with_time). The caller is known after
    ninja's checks (authentication, rate limit), run once here as in Operation.run, whose steps follow; an error is
    answered as ninja answers it, and not kept."""

    def decorate(run):
        operation = run.__self__

        @wraps(run)
        def kept(request, **kw):
            error = operation._run_checks(request)
            if error:
                return error

            def make() -> tuple[int, bytes, str]:
                temporal = operation.api.create_temporal_response(request)
                values = operation._get_values(request, kw, temporal)
                result = operation.view_func(request, **values)
                if isinstance(result, PlainPage):  # already the schema's output: rendered as it is
                    made = operation.api.create_response(request, result, temporal_response=temporal)
                else:
                    made = operation._result_to_response(request, result, temporal)
                return made.status_code, made.content, made["Content-Type"]

            parts = (request.path, list(request.GET.lists()), perms.viewer_key(request.auth), get_language())
            try:
                status, content, content_type = versioned.cached(name, parts, make, viewer=request.auth)
            except Exception as exc:  # as Operation.run: bad parameters are a 422, not a 500
                return operation.api.on_exception(request, exc)
            return HttpResponse(content, status=status, content_type=content_type)

        return kept

    return decorate


class ErrorOut(Schema):
    """An error: a sentence for people and, for bad input, the messages per field."""

    detail: Any
    errors: dict[str, list[str]] = {}


class ApiError(Exception):
    """An error response raised from inside a write; turned into (status, ErrorOut)."""

    def __init__(self, status: int, detail: str, errors: dict | None = None):
        super().__init__(detail)
        self.status, self.detail, self.errors = status, detail, errors or {}


def _field_errors(exc: ValidationError, model=None) -> dict[str, list[str]]:
    names = {f.name: f.attname for f in model._meta.concrete_fields} if model else {}
    if hasattr(exc, "error_dict"):
        return {
            ("__all__" if k == NON_FIELD_ERRORS else names.get(k, k)): [str(m) for e in v for m in e.messages]
            for k, v in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def _find_nul(value, place="") -> str | None:
    if isinstance(value, str):
        return place if "\x00" in value else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = enumerate(value)
    else:
        return None
    for k, v in items:
        found = _find_nul(v, f"{place}.{k}" if place else str(k))
        if found is not None:
            return found
    return None


def run_write(request, model, write):
    """Run `write()` in one transaction as the caller; map every refusal to an API error response."""
    status, body = _run_write(request, model, write)
    return Status(status, body)


def _run_write(request, model, write):
    user = request.auth
    try:
        with acting_as(user, source="api"), transaction.atomic():
            return write(user)
    except ApiError as exc:
        return exc.status, {"detail": exc.detail, "errors": exc.errors}
    except Http404:
        return 404, {"detail": _("记录不存在或无权查看")}
    except PermissionDenied as exc:
        return 403, {"detail": str(exc) or _("无权进行此操作")}
    except StaleEditError as exc:
        return 409, {"detail": " ".join(exc.messages)}
    except ValidationError as exc:
        return 422, {"detail": _("输入有误"), "errors": _field_errors(exc, model)}
    except InputError as exc:
        return 422, {"detail": str(exc)}
    except (ProtectedError, RestrictedError):
        return 409, {"detail": _("该记录仍被其他记录引用，不能删除")}
    except IntegrityError:
        import logging

        logging.getLogger(__name__).info("integrity error in API write", exc_info=True)
        return 409, {"detail": _("与已有记录冲突（重复或违反约束）")}
    except ObjectDoesNotExist:
        return 422, {"detail": _("引用的记录不存在")}


def get_visible(model, user, pk: int, action: str = perms.VIEW):
    """The row if the user may see it (404 otherwise) and may perform `action` on it (403 otherwise)."""
    if pk > MAX_ID:
        raise Http404
    obj = model.objects.restrict(user, perms.VIEW).filter(pk=pk).first()
    if obj is None:
        raise Http404
    if action != perms.VIEW and not model.objects.restrict(user, action).filter(pk=pk).exists():
        raise PermissionDenied(
            _("无权%(action)s：%(obj)s") % {"action": perms.ACTION_LABELS.get(action, action), "obj": obj}
        )
    return obj


def _json_fields(model) -> set[str]:
    return {f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)}


def _restrict_choices(form, user, names) -> None:
    """Every foreign key the caller names is chosen among the rows `user` may see: a row the gate hides is an
    invalid choice (422), exactly as if it did not exist. Keys the caller leaves alone keep their value."""
    for name, field in form.fields.items():
        if name not in names:
            continue
        queryset = getattr(field, "queryset", None)
        if queryset is None:
            continue
        if getattr(queryset.model, "referable_by_anyone", False):
            continue
        if hasattr(queryset, "restrict"):
            field.queryset = queryset.restrict(user, perms.VIEW)
        elif not perms.is_office(user):
            field.queryset = queryset.none()  # a relation the gate cannot narrow is the office's to set


def form_save(model, fields: list[str], data: dict, instance=None, *, user):
    """Validate `data` as the model's form would (types, lengths, choices, constraints, and every foreign key
    among the rows `user` may see) and save it."""
    attnames = {f.attname: f.name for f in model._meta.concrete_fields}
    data = {attnames.get(k, k): v for k, v in data.items()}
    bad = _find_nul(data)
    if bad is not None:
        raise ValidationError({bad.split(".")[0]: _("不能包含空字符（\\x00）")})
    json_fields = _json_fields(model) & set(fields)
    form_fields = [f for f in fields if f not in json_fields]
    form_class = modelform_factory(model, fields=form_fields)
    current = model_to_dict(instance, form_fields) if instance is not None else {}
    if instance is not None and "version" in data:
        instance.version = data.pop(
            "version"
        )  # the version the caller edited: stale ones are refused on save
    form = form_class(
        data={**current, **{k: v for k, v in data.items() if k in form_fields}}, instance=instance
    )
    _restrict_choices(form, user, set(data))
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    obj = form.save(commit=False)
    for name in json_fields:
        if name in data:
            setattr(
                obj, name, data[name] if data[name] is not None else model._meta.get_field(name).get_default()
            )
    obj.save()
    return obj


def require_within_gate(model, user, obj, action: str) -> None:
    """After a write: the row must still be one the caller may `action`, or the whole write is undone."""
    if not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("保存后的记录超出了您的权限范围：%(obj)s") % {"obj": obj})


# Computed fields other apps add to a model's API reads (supervision adds units' and programs' lights):
# model → functions queryset -> queryset, registered at app start.
READ_ANNOTATORS: dict = {}


def crud_router(
    model,
    *,
    name: str,
    read,
    filters: Filters,
    create=None,
    update=None,
    fields: list[str] | None = None,
    create_with=None,
    update_with=None,
    delete_with=None,
    deletable: bool = True,
    router: Router | None = None,
    annotate=None,
    figures=None,
) -> Router:
    """A router for one model. `create_with(user, payload)` / `update_with(user, obj, payload)` replace the
    form-based write where a service function owns it, `delete_with(user, obj)` the plain delete;
    `annotate(queryset)` adds computed fields to every read; `figures(ids)`, when given, gives the same fields for a
    list's page of rows already read, {pk: {name: value}} (one query compiled once, instead of the annotations
    compiled for each page)."""
    own = annotate or (lambda queryset: queryset)

    def annotate(queryset):
        queryset = own(queryset)
        for extra in READ_ANNOTATORS.get(model, ()):
            queryset = extra(queryset)
        return queryset

    router = router or Router(auth=API_AUTH, tags=[str(model._meta.verbose_name_plural)])
    errors = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
    ordering = [*(model._meta.ordering or []), "pk"]

    # The model's one filter definition (its app's filters.py), the same its list page reads.
    spec: Filters = filters
    params = spec.schema(f"{model.__name__}Filters")
    shape = RowShape.of(model, read)

    def list_objects(request, filters: params = Query(...)):  # noqa: B008 (ninja declares query parameters this way)
        values = filters.model_dump()
        # A unit's short list is read through the gate once, as the list pages read it: its page then by id, its
        # count known (core.lists.small_list_ids); unfiltered, from the gate's SQL compiled once.
        if spec.narrows(values):
            narrowed = spec.narrow(model.objects.restrict(request.auth, perms.VIEW), values)
            ids = small_list_ids(narrowed)
        else:
            ids = gated_small_list_ids(model, request.auth)
            narrowed = None if ids is not None else model.objects.restrict(request.auth, perms.VIEW)
        if ids is not None:
            narrowed = among_ids(model, ids)
        rows = (narrowed if figures is not None else annotate(narrowed)).order_by(*ordering)
        rows.counted = narrowed  # the same rows without the read's computed fields and their joins (Paging)
        rows.known_count = None if ids is None else len(ids)  # (Paging)
        rows.figures = figures  # the computed fields of the page's rows (Paging)
        rows.shape = shape  # the page read as the schema's output, when it reads plain columns (Paging)
        # A small list's page read by id from SQL compiled once, when the rows have no annotations (Paging).
        rows.read_page = (
            partial(read_small_page, model, tuple(ordering), ids)
            if ids is not None and figures is not None
            else None
        )
        return rows

    list_objects.__doc__ = _("列出可查看的%(model)s（可筛选、分页）") % {"model": model._meta.verbose_name}
    listed = router.get("/", response=list[read], operation_id=f"{name}_list", summary=f"List {name}")(
        paginate(Paging)(list_objects)
    )
    decorate_view(kept_list(f"api-{name}-list"))(listed)

    def read_object(request, id: int):
        obj = (
            annotate(model.objects.restrict(request.auth, perms.VIEW).filter(pk=id)).first()
            if id <= MAX_ID
            else None
        )
        if obj is None:
            return Status(404, {"detail": _("记录不存在或无权查看")})
        return obj

    router.get(
        "/{int:id}", response={200: read, 404: ErrorOut}, operation_id=f"{name}_read", summary=f"Read {name}"
    )(read_object)

    if create is not None:

        def create_object(request, payload: create):
            def write(user):
                data = payload.dict(exclude_unset=False)
                if create_with is not None:
                    obj = create_with(user, payload)
                else:
                    perms.require_allowed(user, model, perms.ADD)
                    obj = form_save(model, fields, data, user=user)
                # A service checks its own rules; a plain form write must land inside what the caller may add.
                require_within_gate(model, user, obj, perms.VIEW if create_with is not None else perms.ADD)
                return 201, annotate(model.objects.filter(pk=obj.pk)).get()

            return run_write(request, model, write)

        router.post(
            "/", response={201: read, **errors}, operation_id=f"{name}_create", summary=f"Create {name}"
        )(create_object)

    if update is not None:

        def update_object(request, id: int, payload: update):
            def write(user):
                obj = get_visible(model, user, id, perms.CHANGE)
                data = payload.dict(exclude_unset=True)
                if update_with is not None:
                    obj = update_with(user, obj, payload)
                else:
                    obj = form_save(model, fields, data, instance=obj, user=user)
                    require_within_gate(model, user, obj, perms.CHANGE)
                return 200, annotate(model.objects.filter(pk=obj.pk)).get()

            return run_write(request, model, write)

        router.patch(
            "/{int:id}",
            response={200: read, **errors},
            operation_id=f"{name}_update",
            summary=f"Update {name}",
        )(update_object)

    if deletable:

        def delete_object(request, id: int):
            def write(user):
                obj = get_visible(model, user, id, perms.DELETE)
                if delete_with is not None:
                    delete_with(user, obj)
                else:
                    obj.delete()
                return 204, None

            return run_write(request, model, write)

        router.delete(
            "/{int:id}",
            response={204: None, **errors},
            operation_id=f"{name}_delete",
            summary=f"Delete {name}",
        )(delete_object)
    return router


def add_action(
    router: Router, model, *, name: str, path: str, payload=None, response, action: str, do
) -> None:
    """A write that is a step of a workflow (publish, move, approve): `do(user, obj, payload)` is a service call."""
    errors = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
    if payload is None:

        def endpoint(request, id: int):
            return run_write(
                request, model, lambda user: (200, do(user, get_visible(model, user, id, action), None))
            )
    else:

        def endpoint(request, id: int, body: payload):
            return run_write(
                request, model, lambda user: (200, do(user, get_visible(model, user, id, action), body))
            )

    router.post(
        f"/{{int:id}}/{path}",
        response={200: response, **errors},
        operation_id=f"{name}_{path}",
        summary=f"{path.capitalize()} {name}",
    )(endpoint)


def resolve(model, user, pk: int | None, *, field: str):
    """A referenced row the caller may see, or a 422 naming the field."""
    if pk is None:
        return None
    obj = model.objects.restrict(user, perms.VIEW).filter(pk=pk).first() if pk <= MAX_ID else None
    if obj is None:
        raise ValidationError({field: _("编号 %(pk)s 的记录不存在或无权查看") % {"pk": pk}})
    return obj


__all__ = [
    "Id",
    "Year",
    "Text",
    "ErrorOut",
    "Filters",
    "crud_router",
    "add_action",
    "resolve",
    "get_visible",
    "form_save",
    "run_write",
]
