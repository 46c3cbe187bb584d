"""Fast row loading that bypasses the ORM: COPY on PostgreSQL, executemany in big batches on SQLite.

Rows skip model save() and signals, so no per-row ChangeLog is written; callers record one summary
entry for the whole load instead (see scale.models.GenerationRun).

At national scale (tens of millions of rows in one transaction) three things dominate unless handled:
deferred foreign-key triggers (one queued event per row, all fired at commit, memory growing with them),
secondary indexes maintained row by row, and Python formatting each value. `BulkLoad` drops the foreign
keys, unique constraints and secondary indexes of the loaded tables for the load and re-creates them
from their captured definitions (one validating pass, one sort per index); `TableWriter` formats each
row once with per-column formatters and hands the text to a background thread that runs the COPY, so
PostgreSQL ingests one batch while Python builds the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import json
import queue
import threading
import time
from collections.abc import Callable
from functools import partial

from django.db import OperationalError, connection, models
from django.utils import timezone


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (bytes, memoryview)):
        return "\\\\x" + bytes(value).hex()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    return str(value)


def _text_str(value) -> str:
    if value is None:
        return "\\N"
    # Most generated text has nothing to escape; translate() only when it must.
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _text_plain(value) -> str:
    """int, Decimal, date: str() is already COPY's text form."""
    return "\\N" if value is None else str(value)


def _text_json(value) -> str:
    return "\\N" if value is None else json.dumps(value, ensure_ascii=False).translate(_ESCAPES)


def _formatter(field):
    if isinstance(field, models.JSONField):
        return _text_json
    if isinstance(field, (models.CharField, models.TextField)):
        return _text_str
    if isinstance(field, (models.IntegerField, models.DecimalField, models.AutoField, models.ForeignKey)):
        return _text_plain
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return _text_plain
    return _copy_text


def _sqlite_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _sqlite_json(value):
    return json.dumps(value, ensure_ascii=False)


def _sqlite_converter(field):
    """What a given column's values need before sqlite3 binds them; None where they bind as they are.

    Text, integers and None bind directly: converting only the Decimal, date and JSON columns keeps the
    per-value Python work off most of the tens of millions of values.
    """
    if isinstance(field, models.JSONField):
        return _sqlite_json
    if isinstance(field, (models.DecimalField, models.DateField)):  # DateTimeField is a DateField
        return _sqlite_value
    return None


class _CopyThread:
    """Runs COPYs on the current transaction's connection from a queue, so the caller keeps generating.

    The queue is bounded (memory stays flat); an error in the thread is raised in the caller at the next
    hand-over or at close. psycopg holds the connection's lock for a whole COPY, so a query the caller
    runs meanwhile simply waits for it.
    """

    def __init__(self, raw, depth: int = 3):
        self.raw = raw
        self.jobs: queue.Queue = queue.Queue(maxsize=depth)
        self.error: BaseException | None = None
        self.busy_seconds = 0.0
        self.thread = threading.Thread(target=self._work, name="duikou-copy", daemon=True)
        self.thread.start()

    def _work(self):
        while True:
            job = self.jobs.get()
            if job is None:
                return
            if self.error is not None:
                continue  # drain without loading once something failed
            sql, data = job
            started = time.monotonic()
            try:
                with self.raw.cursor() as cursor:
                    with cursor.copy(sql) as copy:
                        copy.write(data)
            except BaseException as exc:  # handed to the caller in put()/close()
                self.error = exc
            self.busy_seconds += time.monotonic() - started

    def put(self, sql: str, data: str) -> None:
        if self.error is not None:
            raise self.error
        self.jobs.put((sql, data))

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


class TableWriter:
    """Buffers rows for one model's table and flushes them in large batches; ids are given by the caller."""

    def __init__(
        self,
        model: type[models.Model],
        columns: tuple[str, ...],
        *,
        batch: int = 20_000,
        on_flush=None,
        copier: _CopyThread | None = None,
    ):
        self.model, self.batch, self.on_flush, self.copier = model, batch, on_flush, copier
        self.table = model._meta.db_table
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__}: unknown columns {unknown}")
        now = timezone.now()
        tail_cols, tail = [], []
        for name, field in by_attname.items():
            if name in columns:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                value = now
            elif field.has_default() or (field.empty_strings_allowed and not field.null):
                value = field.get_default()
            elif field.null:
                value = None
            else:
                raise ValueError(f"{model.__name__}.{name} has no default and was not given")
            if isinstance(field, models.JSONField):
                value = json.dumps(value, ensure_ascii=False)
            tail_cols.append(name)
            tail.append(value)
        self.columns = tuple(columns) + tuple(tail_cols)
        # SQLite: the constant tail is converted once (auto_now timestamps would otherwise go through
        # sqlite3's datetime adapter on every row), the given columns by their converters.
        self.tail = tuple(_sqlite_value(v) for v in tail)
        self.converters = [
            (i, convert)
            for i, convert in enumerate(_sqlite_converter(by_attname[c]) for c in columns)
            if convert is not None
        ]
        # COPY text: the given columns are formatted per row, the constant tail once.
        self.formatters = tuple(_formatter(by_attname[c]) for c in columns)
        self.text_tail = "".join("\t" + _copy_text(v) for v in tail) + "\n"
        self.rows: list[tuple] = []
        self.count = 0
        self.postgres = _is_postgres()

    def add(self, *row) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def _copy_data(self) -> str:
        formatters, tail = self.formatters, self.text_tail
        return "".join(
            ["\t".join([f(v) for f, v in zip(formatters, row, strict=True)]) + tail for row in self.rows]
        )

    def flush(self) -> None:
        if not self.rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if self.postgres:
            sql = f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN"
            data = self._copy_data()
            if self.copier is not None:
                self.copier.put(sql, data)
            else:
                with (
                    connection.connection.cursor() as cursor
                ):  # the psycopg connection of the current transaction
                    with cursor.copy(sql) as copy:
                        copy.write(data)
        else:
            marks = ", ".join("?" for _ in self.columns)
            sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})"
            converters, tail = self.converters, self.tail
            if converters:
                prepared = []
                for row in self.rows:
                    row = list(row)
                    for i, convert in converters:
                        value = row[i]
                        if value is not None:
                            row[i] = convert(value)
                    prepared.append((*row, *tail))
            else:
                prepared = [row + tail for row in self.rows]
            connection.connection.executemany(sql, prepared)
        self.count += len(self.rows)
        if self.on_flush:
            self.on_flush(self.model, len(self.rows))
        self.rows = []


@contextlib.contextmanager
def sqlite_load_settings():
    """On SQLite, around the load's transaction: connection settings for one very large write.

    - A rollback journal instead of WAL: pages appended to the file (nearly all of a fresh load) need no
      journal copy, where WAL writes every page twice (into the log, then back at the checkpoint) and
      SQLite's own documentation advises against WAL for transactions of more than ~100 MB.
    - A 1 GiB page cache: the indexes kept during the load are updated at random places; with the default
      2 MB cache every such update reads and spills pages.
    - Foreign keys not enforced row by row; `BulkLoad` then drops every secondary index and checks the
      loaded tables once with PRAGMA foreign_key_check (what Django's loaddata does).

    These pragmas cannot change inside a transaction, so inside one (tests) this changes nothing and the
    load keeps enforcing foreign keys. Everything is set back afterwards, the journal to WAL first.
    """
    if _is_postgres() or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        cache = cursor.execute("PRAGMA cache_size").fetchone()[0]
        try:
            cursor.execute("PRAGMA journal_mode = TRUNCATE")
        except OperationalError:  # another connection has the file open: WAL stays, the load is only slower
            pass
        cursor.execute("PRAGMA cache_size = -1048576")
    checks_off = connection.disable_constraint_checking()
    try:
        yield
    finally:
        if checks_off:
            connection.enable_constraint_checking()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")
            cursor.execute(f"PRAGMA journal_mode = {journal}")


class BulkLoad:
    """Context for loading many rows into these models' tables inside the current transaction.

    On entry the tables' foreign keys, unique constraints and secondary indexes are dropped (their exact
    definitions kept); on a clean exit they are re-created and the tables analyzed. The transaction makes
    this all-or-nothing: on failure the rollback restores the dropped definitions. Primary keys stay (other
    tables' foreign keys point at them). `finish()` reports the seconds spent re-creating.
    """

    def __init__(self, model_list, *, progress=None):
        self.tables = list(dict.fromkeys(m._meta.db_table for m in model_list))
        self.progress = progress
        self.postgres = _is_postgres()
        self.copier: _CopyThread | None = None
        # (label, step) in the order to run them: a statement, or a function (the one foreign-key check)
        self.restore: list[tuple[str, str | Callable[[], None]]] = []

    def __enter__(self) -> BulkLoad:
        connection.ensure_connection()
        if self.postgres:
            self._drop_postgres()
            self.copier = _CopyThread(connection.connection)
        else:
            self._drop_sqlite()
        return self

    def __exit__(self, exc_type, exc, tb):
        copier, self.copier = self.copier, None
        if copier is not None:
            if exc_type is not None:
                try:
                    copier.close()
                except BaseException:  # noqa: S110 — the original error is the one to report
                    pass
                return False
            copier.close()
        if exc_type is None:
            self._restore()
        return False

    def sync(self) -> None:
        """Wait until every handed-over batch is loaded (before reading back what was written)."""
        if self.copier is not None:
            self.copier.close()
            self.copier = _CopyThread(connection.connection)

    # -- PostgreSQL ------------------------------------------------------------------------------
    def _drop_postgres(self) -> None:
        with connection.cursor() as cursor:
            # Fire what is already queued (rows written earlier in this transaction, e.g. seeded divisions):
            # PostgreSQL refuses ALTER TABLE on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL synchronous_commit = off")
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u')
                  AND NOT (c.contype = 'u' AND EXISTS (
                      SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid))
                ORDER BY c.contype DESC, c.conrelid::regclass::text, c.conname
                """,
                [self.tables],
            )
            constraints = cursor.fetchall()  # foreign keys first ('f' > 'u' descending): drop them first
            cursor.execute(
                """
                SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                FROM pg_index i
                WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
                ORDER BY 1
                """,
                [self.tables],
            )
            indexes = cursor.fetchall()
            for table, name, _kind, _definition in constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {name}")
        # Re-create indexes and unique constraints before the foreign keys, whose validation can use them.
        self.restore = [("重建索引 / indexes", definition) for _name, definition in indexes]
        self.restore += [
            (
                "唯一约束 / unique constraints" if kind == "u" else "外键校验 / foreign keys",
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}",
            )
            for table, name, kind, definition in reversed(constraints)
        ]
        self.restore.append(("统计信息 / analyze", "ANALYZE " + ", ".join(self.tables)))
        self.restore.append(("统计信息 / analyze", "SET CONSTRAINTS ALL DEFERRED"))

    # -- SQLite ----------------------------------------------------------------------------------
    def _drop_sqlite(self) -> None:
        """Drop the secondary indexes; while foreign keys are enforced, keep those leading with one's column.

        SQLite keeps deferred foreign keys as a violation counter: while a child row waits for its parent
        (batches of different tables flush at different times), every parent insert looks up its children,
        a full table scan without an index on the child column, so those indexes stay. Without enforcement
        (see `sqlite_load_settings`) all go, and the loaded tables are checked once at the end.
        """
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            enforced = cursor.execute("PRAGMA foreign_keys").fetchone()[0]
            marks = ", ".join("%s" for _ in self.tables)
            cursor.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({marks}) ORDER BY name",
                self.tables,
            )
            indexes = cursor.fetchall()
            fk_columns = {}
            for table in self.tables:
                cursor.execute(f"PRAGMA foreign_key_list({q(table)})")
                fk_columns[table] = {row[3] for row in cursor.fetchall()}  # (id, seq, table, from, to, ...)
            dropped = []
            for name, table, sql in indexes:
                cursor.execute(f"PRAGMA index_info({q(name)})")
                first = next((row[2] for row in cursor.fetchall() if row[0] == 0), None)
                if enforced and first in fk_columns[table]:
                    continue
                cursor.execute(f"DROP INDEX {q(name)}")
                dropped.append(sql)
        self.restore = [("重建索引 / indexes", sql) for sql in dropped]
        if not enforced:
            # Without enforced foreign keys: raises IntegrityError on a dangling one.
            self.restore.append(
                ("外键校验 / foreign keys", partial(connection.check_constraints, table_names=self.tables))
            )
        self.restore.append(("统计信息 / analyze", "ANALYZE"))

    def _restore(self) -> None:
        """Run the re-creation; `progress(label, seconds)` once per kind of step (indexes, keys, analyze)."""
        spent: dict[str, float] = {}
        with connection.cursor() as cursor:
            for label, step in self.restore:
                started = time.monotonic()
                if callable(step):
                    step()
                else:
                    cursor.execute(step)
                spent[label] = spent.get(label, 0.0) + time.monotonic() - started
        if self.progress:
            for label, seconds in spent.items():
                self.progress(label, round(seconds, 1))


def next_id(model: type[models.Model]) -> int:
    """The first free primary key of a table (generated rows are numbered from here)."""
    top = model._base_manager.aggregate(top=models.Max("pk"))["top"]
    return (top or 0) + 1


def reset_sequences(model_list) -> None:
    """Move PostgreSQL's id sequences past the ids the loader gave (SQLite needs nothing)."""
    if not _is_postgres():
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), model_list):
            cursor.execute(sql)
