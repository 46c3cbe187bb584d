"""Change log by construction: signal handlers snapshot every AuditedModel save and delete."""

import datetime as dt
import decimal
import uuid
from operator import attrgetter

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, router, transaction
from django.db.models.base import ModelState
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_init
from django.dispatch import receiver
from django.utils import timezone

from . import versioned
from .actor import current_actor
from .models import AuditedMixin, ChangeLog
from .periods import Period


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal, uuid.UUID, Period)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(value)} bytes>"
    return value


_SNAPSHOT_NAMES: dict[type, tuple[str, ...]] = {}


def snapshot(instance) -> dict:
    """Concrete field values by column attname, as JSON-ready values."""
    names = _SNAPSHOT_NAMES.get(type(instance))
    if names is None:
        excluded = set(instance.audit_exclude)
        names = _SNAPSHOT_NAMES[type(instance)] = tuple(
            f.attname
            for f in instance._meta.concrete_fields
            if f.name not in excluded and f.attname not in excluded
        )
    values = instance.__dict__
    # Plain values as they are (an import snapshots 30,000 rows); the rest through _jsonable. A deferred field
    # (absent from __dict__) is read through getattr, as before.
    out = {}
    for name in names:
        value = values[name] if name in values else getattr(instance, name)
        out[name] = value if type(value) in _PLAIN_VALUES else _jsonable(value)
    return out


def _before(instance) -> dict | None:
    raw = getattr(instance, "_audit_before", None)
    if raw is None:
        return None
    excluded = set(instance.audit_exclude)
    by_attname = {f.attname: f for f in instance._meta.concrete_fields}
    out = {}
    for name, value in raw.items():
        field = by_attname.get(name)
        if field is None or field.name in excluded or name in excluded:
            continue
        out[name] = _jsonable(value)
    return out


def _write(instance, action, before, after):
    actor = current_actor()
    versioned.wrote()
    entry = _entry(
        {
            "id": None,
            "at": None,  # stamped (auto_now_add) by _insert_entry
            "user_id": actor.user_id,
            "username": actor.username,
            "source": actor.source,
            "request_id": actor.request_id,
            "action": action,
            "content_type_id": ContentType.objects.get_for_model(instance, for_concrete_model=True).pk,
            "before": before,
        },
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        after=after,
    )
    _insert_entry(entry)


_ENTRY_INSERTS: dict[str, tuple] = {}


def _insert_entry(entry: ChangeLog) -> None:
    """One change-log entry inserted as ChangeLog.objects.create would (its time stamped, its values prepared by its
    fields), by an INSERT made once a database: every audited save writes one, and the ORM's create (model checks,
    signals no one listens to for the log, the statement compiled afresh) was 0.22 of 0.31 ms of it (0.14 so)."""
    alias = router.db_for_write(ChangeLog)
    connection = connections[alias]
    made = _ENTRY_INSERTS.get(alias)
    if made is None:
        fields = [f for f in ChangeLog._meta.concrete_fields if f is not ChangeLog._meta.pk]
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(ChangeLog._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
            f" VALUES ({', '.join(['%s'] * len(fields))})"
        )
        made = _ENTRY_INSERTS[alias] = (sql, fields, [_plain(f) for f in fields], {"at"})
    sql, fields, plain, stamped = made
    row_values = _row_maker(connection, ChangeLog, fields, plain, stamped, timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, row_values(entry))


@receiver(post_save)
def log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedMixin):
        return
    after = snapshot(instance)
    if created:
        _write(instance, ChangeLog.CREATE, None, after)
    else:
        before = _before(instance)
        if before is not None and all(before.get(k) == v for k, v in after.items()):
            return  # a save that changed nothing is not a change
        _write(instance, ChangeLog.UPDATE, before, after)
    instance._audit_before = {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@receiver(post_delete)
def log_delete(sender, instance, **kwargs):
    if not isinstance(instance, AuditedMixin):
        return
    _write(instance, ChangeLog.DELETE, snapshot(instance), None)


@receiver(m2m_changed)
def log_relation(sender, instance, action, pk_set, **kwargs):
    """Units added to or taken from a record's many-to-many (a program's donors) change the record: logged like a
    save, so the data's version moves and what is cached on it (a unit's programs) shows it on the next view."""
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, AuditedMixin):
        return
    if action != "post_clear" and not pk_set:
        return  # adding what is there already, or removing what is not, changes nothing
    name = _relation_name(instance, sender)
    change = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    _write(instance, ChangeLog.UPDATE, None, {name: {change: sorted(pk_set or ())}})


def _relation_name(instance, through) -> str:
    """The name on `instance`'s side of the many-to-many whose table is `through` (either side of it)."""
    for field in instance._meta.get_fields():
        if field.many_to_many:
            relation = field if field.auto_created else field.remote_field
            if relation.through is through:
                return field.name
    return through._meta.model_name


# Fields whose values of these plain Python types go to the database unchanged on every backend: the fast insert
# passes them through instead of asking the field (Django's per-value preparation is most of a bulk insert's time).
_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.BooleanField,
)
_PLAIN_VALUES = (str, int, bool, type(None))


def _plain(field) -> bool:
    if type(field) in (models.ForeignKey, models.OneToOneField):
        return type(field.target_field) in (models.AutoField, models.BigAutoField)
    return type(field) in _PLAIN_FIELDS


def fast_bulk_create(model, objects: list, *, batch_size: int | None = None) -> list:
    """bulk_create of new rows with database ids, preparing each field once: COPY on PostgreSQL (ids drawn from
    the sequence first), multi-row INSERT … RETURNING elsewhere.

    The same rows as `model.objects.bulk_create`: defaults from the model, auto_now(_add) stamped (one time for
    the call), related objects' ids taken, every value that is not a plain str/int/bool/None prepared by its field.
    Anything it does not cover (an explicit pk, inheritance, a backend without RETURNING) goes to bulk_create.
    """
    objects = list(objects)
    if not objects:
        return objects
    opts = model._meta
    connection = connections[router.db_for_write(model)]
    if (
        opts.parents
        or not isinstance(opts.pk, models.AutoField)
        or not connection.features.can_return_rows_from_bulk_insert
        or any(obj.pk is not None for obj in objects)
        or any(f.db_default is not models.NOT_PROVIDED for f in opts.concrete_fields)
    ):
        return model.objects.bulk_create(objects, batch_size=batch_size)
    fields = [f for f in opts.concrete_fields if f is not opts.pk and not f.generated]
    now = timezone.now()
    stamped = {
        f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    }
    plain = [_plain(f) for f in fields]
    for obj in objects:
        # Only a related object held in memory needs taking its id (rows built with ids have none cached).
        if obj._state.fields_cache:
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        for attname in stamped:
            setattr(obj, attname, now)
    if connection.vendor == "postgresql":
        return _copy_in(connection, model, fields, objects, stamped, plain, now)
    # Parameters per statement: SQLite as many as its build allows (32,766 since 3.32).
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(fields)
    else:
        limit = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    per_statement = max(1, min(limit, batch_size or 5_000))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    row_values = _row_maker(connection, model, fields, plain, stamped, now)
    with transaction.atomic(using=connection.alias, savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(objects), per_statement):
            batch = objects[start : start + per_statement]
            params = []
            for obj in batch:
                params += row_values(obj)
            cursor.execute(
                f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES "
                + ", ".join([row_marks] * len(batch))
                + f" RETURNING {quote(opts.pk.column)}",
                params,
            )
            ids = [row[0] for row in cursor.fetchall()]
            for obj, pk in zip(batch, ids, strict=True):
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = connection.alias
    return objects


_DEFAULTS: dict[type, list] = {}


def unsaved(model, **values):
    """A new, unsaved instance for fast_bulk_create: `values` by attname (ids, not related objects), every other
    field its default, as `model(**values)` would make it, without Model.__init__'s per-field work (an import
    builds 30,000 of these). Falls back to the constructor where init signals listen."""
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return model(**values)
    defaults = _DEFAULTS.get(model)
    if defaults is None:
        defaults = _DEFAULTS[model] = [
            (f.attname, f.get_default)
            for f in model._meta.concrete_fields
            if f.column is not None and not f.generated
        ]
    obj = model.__new__(model)
    obj._state = ModelState()
    state = obj.__dict__
    for attname, default in defaults:
        if attname not in values:
            state[attname] = default()
    state.update(values)
    return obj


def _row_maker(connection, model, fields, plain, stamped, now):
    """The function giving one row's database values: plain Python values as they are, a stamped field (the same
    now() on every row) prepared once, the rest through the field's own preparation. Every value is read in one
    attrgetter call and only those that need it are converted (a bulk insert spends its time here)."""
    attnames = [f.attname for f in fields]
    read = attrgetter(*attnames) if len(attnames) > 1 else (lambda obj: (getattr(obj, attnames[0]),))
    stamps = [(i, f.get_db_prep_save(now, connection)) for i, f in enumerate(fields) if f.attname in stamped]
    checked = [(i, f) for i, f in enumerate(fields) if plain[i] and f.attname not in stamped]
    prepared = [(i, f) for i, f in enumerate(fields) if not plain[i] and f.attname not in stamped]

    def prepare(field, value):
        if hasattr(value, "resolve_expression"):
            raise TypeError(f"{model.__name__}.{field.name}: an expression cannot be bulk inserted")
        return field.get_db_prep_save(value, connection)

    # A JSON field's dict or list goes straight to the backend's adapter (what get_db_prep_save ends in for them).
    adapt = connection.ops.adapt_json_value
    as_json = {i: f.encoder for i, f in prepared if isinstance(f, models.JSONField)}

    def row_values(obj) -> list:
        values = list(read(obj))
        for i, value in stamps:
            values[i] = value
        for i, field in checked:
            if type(values[i]) not in _PLAIN_VALUES:
                values[i] = prepare(field, values[i])
        for i, field in prepared:
            value = values[i]
            if i in as_json and type(value) in (dict, list):
                values[i] = adapt(value, as_json[i])
            else:
                values[i] = prepare(field, value)
        return values

    return row_values


def _copy_in(connection, model, fields, objects, stamped, plain, now) -> list:
    """PostgreSQL: ids drawn from the table's sequence in one query, then the rows by COPY … FROM STDIN (psycopg
    adapts each value natively; a multi-row INSERT spent most of its time splitting a 65,000-placeholder text)."""
    opts = model._meta
    quote = connection.ops.quote_name
    row_values = _row_maker(connection, model, fields, plain, stamped, now)
    with connection.cursor() as cursor:
        # The sequence looked up once (OFFSET 0 keeps the lookup out of the row loop), not once per id drawn: the
        # catalog lookup was most of the statement's time (0.17 of 0.18 ms for a report's 34 rows).
        cursor.execute(
            "SELECT nextval(sequence) FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass AS sequence OFFSET 0)"
            " AS found, generate_series(1, %s)",
            [opts.db_table, opts.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(quote(c) for c in [opts.pk.column, *(f.column for f in fields)])
        with cursor.cursor.copy(f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN") as copy:
            for obj, pk in zip(objects, ids, strict=True):
                copy.write_row([pk, *row_values(obj)])
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects


def bulk_create_logged(model, objects, *, batch_size: int | None = None):
    """bulk_create that still writes one ChangeLog entry per row (bulk_create sends no signals)."""
    return bulk_create_logged_together((model, objects), batch_size=batch_size)[0]


def bulk_create_logged_together(*batches: tuple, batch_size: int | None = None) -> list[list]:
    """bulk_create_logged of new rows of several models, `(model, objects)` each, their change-log entries written in
    one insert (a report's save: its progress and its figures, one insert and its round trips fewer)."""
    created_batches, entries = [], []
    for model, objects in batches:
        created = fast_bulk_create(model, objects, batch_size=batch_size)
        created_batches.append(created)
        if created:
            entries += _entries_for(model, created)
    versioned.wrote()
    fast_bulk_create(ChangeLog, entries, batch_size=batch_size)
    return created_batches


def _entries_for(model, created: list) -> list:
    """The change-log entries of rows just created."""
    if created[0].pk is None:  # a backend that does not return ids cannot be logged row by row
        raise RuntimeError(f"{model.__name__}: the database did not return ids from bulk_create")
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    common = {
        "id": None,
        "at": None,  # stamped by fast_bulk_create (auto_now_add), one time for the call
        "user_id": actor.user_id,
        "username": actor.username,
        "source": actor.source,
        "request_id": actor.request_id,
        "action": ChangeLog.CREATE,
        "content_type_id": content_type.pk,
        "before": None,
    }
    return [
        _entry(common, object_id=str(obj.pk), object_repr=str(obj)[:300], after=snapshot(obj))
        for obj in created
    ]


_ENTRY_FIELDS: set[str] | None = None


def _entry(common: dict, **values) -> ChangeLog:
    """An unsaved ChangeLog with every field given, built without Model.__init__'s per-field work (an import
    writes one per row: 30,000 for a 10,000-task plan)."""
    global _ENTRY_FIELDS
    if _ENTRY_FIELDS is None:
        _ENTRY_FIELDS = {f.attname for f in ChangeLog._meta.concrete_fields}
        if _ENTRY_FIELDS != set(common) | {"object_id", "object_repr", "after"}:
            raise RuntimeError("ChangeLog's fields changed: name the new ones in bulk_create_logged")
    entry = ChangeLog.__new__(ChangeLog)
    entry._state = ModelState()
    entry.__dict__.update(common)
    entry.__dict__.update(values)
    return entry


def logged_update(queryset, values: dict, run_update) -> int:
    """Run `run_update(**values)` on `queryset` and write one ChangeLog entry for each row whose fields changed.

    Called by AuditedQuerySet.update inside its transaction; the rows are read before and after (values may be
    F() expressions), in chunks so a plan-wide update stays a few queries."""
    model = queryset.model
    if not issubclass(model, AuditedMixin):
        return run_update(**values)
    excluded = set(model.audit_exclude)
    attnames = [model._meta.get_field(name).attname for name in values]
    logged = [a for a in attnames if a not in excluded and model._meta.get_field(a).name not in excluded]
    if not logged:
        return run_update(**values)
    base = model._base_manager.using(queryset.db)
    pks = list(queryset.order_by().values_list("pk", flat=True))
    before: dict = {}
    for start in range(0, len(pks), 2000):
        for row in base.filter(pk__in=pks[start : start + 2000]).values("pk", *logged):
            before[row.pop("pk")] = row
    count = run_update(**values)
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    entries = []
    for start in range(0, len(pks), 2000):
        chunk = pks[start : start + 2000]
        reprs = {obj.pk: str(obj)[:300] for obj in base.filter(pk__in=chunk)}
        for row in base.filter(pk__in=chunk).values("pk", *logged):
            pk = row.pop("pk")
            old = before.get(pk, {})
            if all(old.get(k) == v for k, v in row.items()):
                continue
            entries.append(
                ChangeLog(
                    user_id=actor.user_id,
                    username=actor.username,
                    source=actor.source,
                    request_id=actor.request_id,
                    action=ChangeLog.UPDATE,
                    content_type=content_type,
                    object_id=str(pk),
                    object_repr=reprs.get(pk, "")[:300],
                    before={k: _jsonable(v) for k, v in old.items()},
                    after={k: _jsonable(v) for k, v in row.items()},
                )
            )
    versioned.wrote()
    ChangeLog.objects.bulk_create(entries, batch_size=500)
    return count
