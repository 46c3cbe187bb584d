"""Portable backup and restore: a zip of per-table JSON lines in dependency order, with a manifest.

The format (duikou.backup/1) does not depend on the database: a SQLite backup restores into PostgreSQL
and back. Each table's lines are its rows ordered by primary key, every value in a canonical JSON form;
the manifest holds the row count and the SHA-256 of those lines per table, and the applied migrations.
The files the rows point to (every FileField: evidence) go in too, under files/, each with its size and
SHA-256 in the manifest; a file the database names but the disk lacks is listed as missing.
A restore goes into an empty migrated database in one transaction and checks every count and checksum
(tables and files) before committing, so a restore is either exact or nothing.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from duikou.core.errors import InputError
from duikou.core.periods import Period

FORMAT = "duikou.backup/1"
# Rows that migrate creates by itself; a restore replaces them with the backup's own.
# (indicators.indicator: the national catalogue a data migration loads.)
MIGRATE_CREATED = {"contenttypes.contenttype", "auth.permission", "indicators.indicator"}
BATCH = 5000


def backup_models() -> list[type[models.Model]]:
    """Every concrete table (auto-created many-to-many tables included), parents before children."""
    found = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]
    order: list[type[models.Model]] = []
    seen: set = set()

    def visit(model, trail=()):
        if model in seen or model in trail:
            return
        for field in model._meta.concrete_fields:
            target = (
                field.related_model if field.is_relation and (field.many_to_one or field.one_to_one) else None
            )
            if target is not None and target is not model and target in found:
                visit(target, (*trail, model))
        seen.add(model)
        order.append(model)

    for model in sorted(found, key=lambda m: m._meta.label_lower):
        visit(model)
    return order


def _canonical(value):
    """A value in its database-independent JSON form."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time, uuid.UUID, Period)):
        return str(value) if not isinstance(value, (dt.date, dt.time)) else value.isoformat()
    if isinstance(value, (bytes, memoryview, bytearray)):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (dict, list)):
        return {"$json": json.dumps(value, ensure_ascii=False, sort_keys=True)}
    return str(value)


def _restore_value(field: models.Field, value):
    """The Python value to store for a canonical JSON value."""
    if value is None:
        return None
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    if isinstance(value, dict) and "$json" in value:
        return json.loads(value["$json"])
    if isinstance(field, models.JSONField):
        return value
    if isinstance(field, models.FloatField):
        return float(value)
    return field.to_python(value)


def table_checksum(model) -> tuple[int, str]:
    """A table's row count and the SHA-256 of its canonical JSON lines ordered by primary key."""
    digest, count = hashlib.sha256(), 0
    for line in iter_table_lines(model):
        digest.update(line.encode() + b"\n")
        count += 1
    return count, digest.hexdigest()


def iter_table_lines(model):
    names = [f.attname for f in model._meta.concrete_fields]
    queryset = model._base_manager.order_by("pk").values_list(*names)
    for row in queryset.iterator(chunk_size=BATCH):
        yield json.dumps([_canonical(v) for v in row], ensure_ascii=False, separators=(",", ":"))


def checksums() -> dict[str, dict]:
    """Row count and checksum of every table, as the manifest records them."""
    out = {}
    for model in backup_models():
        count, digest = table_checksum(model)
        out[model._meta.label_lower] = {"rows": count, "sha256": digest}
    return out


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def backup(path, *, progress: Callable[[str, int], None] | None = None) -> dict:
    """Write the whole database to a zip at `path`; returns the manifest."""
    path = Path(path)
    tables = []
    tmp = path.with_name(path.name + ".part")
    # A repeatable-read snapshot on PostgreSQL (SQLite's transaction already is one) keeps tables consistent.
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for model in backup_models():
                label = model._meta.label_lower
                digest, count = hashlib.sha256(), 0
                with archive.open(f"tables/{label}.jsonl", "w", force_zip64=True) as out:
                    for line in iter_table_lines(model):
                        data = line.encode()
                        out.write(data + b"\n")
                        digest.update(data + b"\n")
                        count += 1
                tables.append(
                    {
                        "table": label,
                        "db_table": model._meta.db_table,
                        "columns": [f.attname for f in model._meta.concrete_fields],
                        "rows": count,
                        "sha256": digest.hexdigest(),
                    }
                )
                if progress:
                    progress(label, count)
            files, missing = _write_files(archive)
            if progress:
                progress("files", len(files))
            manifest = {
                "format": FORMAT,
                "created_at": timezone.now().isoformat(),
                "source_vendor": connection.vendor,
                "migrations": applied_migrations(),
                "tables": tables,
                "files": files,
                "missing_files": missing,
            }
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(path)
    return manifest


def stored_file_names() -> list[str]:
    """The names (relative to MEDIA_ROOT) of every file a FileField row points to, sorted."""
    names: set[str] = set()
    for model in backup_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(n for n in model._base_manager.values_list(field.attname, flat=True) if n)
    return sorted(names)


def _media_path(name: str) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / name).resolve()
    if (
        root not in path.parents
    ):  # a stored name never leaves the files folder (nor does one read from a backup)
        raise InputError(_("文件名 %(name)s 不在文件目录内") % {"name": name})
    return path


def _write_files(archive: zipfile.ZipFile) -> tuple[list[dict], list[str]]:
    files, missing = [], []
    for name in stored_file_names():
        path = _media_path(name)
        if not path.is_file():
            missing.append(name)
            continue
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as source, archive.open(f"files/{name}", "w", force_zip64=True) as out:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        files.append({"name": name, "size": size, "sha256": digest.hexdigest()})
    return files, missing


def _restore_files(archive: zipfile.ZipFile, manifest: dict, name: str) -> list[Path]:
    """Write the backup's files under MEDIA_ROOT, each checked against its checksum; returns the paths written."""
    written: list[Path] = []
    try:
        for entry in manifest.get("files", []):
            path = _media_path(entry["name"])
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            try:
                source = archive.open(f"files/{entry['name']}")
            except KeyError:
                raise InputError(
                    _("%(file)s：缺少 files/%(name)s") % {"file": name, "name": entry["name"]}
                ) from None
            with source, path.open("wb") as out:
                written.append(path)
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != entry["sha256"]:
                raise InputError(
                    _("%(file)s files/%(name)s：恢复后校验不一致，已全部撤销")
                    % {"file": name, "name": entry["name"]}
                )
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def read_manifest(archive: zipfile.ZipFile, name: str) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except KeyError:
        raise InputError(_("%(file)s：缺少 manifest.json，不是 duikou 备份文件") % {"file": name}) from None
    except ValueError as exc:
        raise InputError(
            _("%(file)s manifest.json：不是有效的 JSON（%(reason)s）") % {"file": name, "reason": exc}
        ) from None
    if manifest.get("format") != FORMAT:
        raise InputError(
            _("%(file)s manifest.json：格式为 %(found)r，应为 %(expected)s")
            % {"file": name, "found": manifest.get("format"), "expected": FORMAT}
        )
    return manifest


def restore(path, *, progress: Callable[[str, int], None] | None = None) -> dict:
    """Load a backup into this (empty, migrated) database in one transaction, verifying every table."""
    path = Path(path)
    name = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError(_("%(file)s：文件不存在") % {"file": name}) from None
    except zipfile.BadZipFile:
        raise InputError(_("%(file)s：不是 zip 文件，无法恢复") % {"file": name}) from None
    with archive:
        manifest = read_manifest(archive, name)
        missing = sorted(set(manifest["migrations"]) - set(applied_migrations()))
        if missing:
            raise InputError(
                _("%(file)s：备份来自更新的版本，本库缺少迁移 %(migrations)s（请先运行 duikou migrate）")
                % {"file": name, "migrations": ", ".join(missing[:5])}
            )
        by_label = {m._meta.label_lower: m for m in backup_models()}
        with transaction.atomic():
            for model in by_label.values():
                label = model._meta.label_lower
                if label not in MIGRATE_CREATED and model._base_manager.exists():
                    raise InputError(
                        _("%(file)s：目标数据库不是空库（%(table)s 已有数据），请恢复到新建并迁移过的空库")
                        % {"file": name, "table": label}
                    )
            # In SQL, not the ORM: a delete here is no change to log (the log is restored as it was).
            with connection.cursor() as cursor:
                for label in ("indicators.indicator", "auth.permission", "contenttypes.contenttype"):
                    if label in by_label:
                        cursor.execute(
                            f"DELETE FROM {connection.ops.quote_name(by_label[label]._meta.db_table)}"
                        )
            for entry in manifest["tables"]:
                model = by_label.get(entry["table"])
                if model is None:
                    raise InputError(
                        _("%(file)s：表 %(table)s 在本版本中不存在") % {"file": name, "table": entry["table"]}
                    )
                _load_table(archive, model, entry, name)
                if progress:
                    progress(entry["table"], entry["rows"])
            _reset_sequences(list(by_label.values()))
            for entry in manifest["tables"]:
                count, digest = table_checksum(by_label[entry["table"]])
                if count != entry["rows"] or digest != entry["sha256"]:
                    raise InputError(
                        _(
                            "%(file)s tables/%(table)s.jsonl：恢复后校验不一致（行数 %(count)s/%(expected)s），已全部撤销"
                        )
                        % {"file": name, "table": entry["table"], "count": count, "expected": entry["rows"]}
                    )
            # Last, inside the transaction: a bad file undoes the tables too (and removes the files written).
            written = _restore_files(archive, manifest, name)
            if progress:
                progress("files", len(written))
    return manifest


def _load_table(archive: zipfile.ZipFile, model, entry: dict, name: str) -> None:
    fields_by_attname = {f.attname: f for f in model._meta.concrete_fields}
    columns = entry["columns"]
    unknown = [c for c in columns if c not in fields_by_attname]
    if unknown:
        raise InputError(
            _("%(file)s tables/%(table)s.jsonl：本版本没有字段 %(fields)s")
            % {"file": name, "table": entry["table"], "fields": ", ".join(unknown)}
        )
    fields = [fields_by_attname[c] for c in columns]
    table = connection.ops.quote_name(model._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    batch = []
    try:
        handle = archive.open(f"tables/{entry['table']}.jsonl")
    except KeyError:
        raise InputError(
            _("%(file)s：缺少 tables/%(table)s.jsonl") % {"file": name, "table": entry["table"]}
        ) from None
    with handle, connection.cursor() as cursor:
        for number, raw in enumerate(handle, start=1):
            try:
                values = json.loads(raw)
                row = [
                    f.get_db_prep_save(_restore_value(f, v), connection)
                    for f, v in zip(fields, values, strict=True)
                ]
            except (ValueError, TypeError) as exc:
                raise InputError(
                    _("%(file)s tables/%(table)s.jsonl 第 %(line)s 行：无法读取（%(reason)s）")
                    % {"file": name, "table": entry["table"], "line": number, "reason": exc}
                ) from None
            batch.append(row)
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _reset_sequences(model_list) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), model_list)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
