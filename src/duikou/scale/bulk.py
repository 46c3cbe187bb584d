"""Fast row loading that bypasses the ORM: COPY on PostgreSQL, executemany in big batches on SQLite.

Rows skip model save() and signals, so no per-row ChangeLog is written; callers record one summary
entry for the whole load instead (see scale.models.GenerationRun).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json

from django.db import connection, models
from django.utils import timezone


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, (bytes, memoryview)):
        return "\\\\x" + bytes(value).hex()
    return str(value)


def _sqlite_value(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class TableWriter:
    """Buffers rows for one model's table and flushes them in large batches; ids are given by the caller."""

    def __init__(self, model: type[models.Model], columns: tuple[str, ...], *, batch: int = 20_000, on_flush=None):
        self.model, self.batch, self.on_flush = model, batch, on_flush
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
        self.json_positions = [i for i, c in enumerate(columns) if isinstance(by_attname[c], models.JSONField)]
        self.columns = tuple(columns) + tuple(tail_cols)
        self.tail = tuple(tail)
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, *row) -> None:
        if self.json_positions:
            row = list(row)
            for i in self.json_positions:
                row[i] = json.dumps(row[i], ensure_ascii=False)
        self.rows.append(tuple(row) + self.tail)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        if _is_postgres():
            buffer = io.StringIO()
            for row in self.rows:
                buffer.write("\t".join(_copy_text(v) for v in row))
                buffer.write("\n")
            raw = connection.connection  # the psycopg connection inside the current transaction
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
        else:
            marks = ", ".join("?" for _ in self.columns)
            sql = f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})"
            raw = connection.connection
            raw.executemany(sql, [tuple(_sqlite_value(v) for v in row) for row in self.rows])
        self.count += len(self.rows)
        if self.on_flush:
            self.on_flush(self.model, len(self.rows))
        self.rows = []


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
