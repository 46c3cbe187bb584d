"""The import's fast writes store exactly what Django's own bulk_create and the plain snapshot stored: every
table's rows and the change log, compared on a small plan; and the import's queries do not grow with its tasks."""

import copy
import json
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from duikou.core import audit
from duikou.plans import importer

SMALL_PLAN = json.loads(
    (Path(__file__).parents[1] / "exchange" / "small_plan.json").read_text(encoding="utf-8")
)
STAMPS = {"created_at", "updated_at", "at", "published_at", "source_sha256", "source_content", "last_login"}


def _old_snapshot(instance) -> dict:
    excluded = set(instance.audit_exclude)
    return {
        f.attname: audit._jsonable(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.name not in excluded and f.attname not in excluded
    }


def _django_bulk_create(model, objects, *, batch_size=None):
    for obj in objects:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    return model.objects.bulk_create(objects, batch_size=batch_size)


class _Undo(Exception):
    pass


def _imported(data, before):
    """Every row the import added, per table, ids replaced by their place among the new rows of their table."""
    importer.import_plan_data(data, source_bytes=json.dumps(data).encode(), source_name="small.json")
    new = {}
    for model in apps.get_models():
        pk = model._meta.pk
        if pk.get_internal_type() not in ("AutoField", "BigAutoField"):
            continue
        ids = list(
            model._base_manager.filter(pk__gt=before[model]).order_by("pk").values_list("pk", flat=True)
        )
        if ids:
            new[model] = {old: place for place, old in enumerate(ids)}
    by_table = {m._meta.db_table: m for m in new}

    def local(model, field_name, value):
        field = next((f for f in model._meta.concrete_fields if f.attname == field_name), None)
        if field is None or value is None:
            return value
        target = model if field.primary_key else (field.related_model if field.is_relation else None)
        if target is None and field_name.endswith("_id"):  # a tally's plain plan_id / program_id
            target = next((m for m in new if m._meta.model_name == field_name[:-3]), None)
        if target in new and int(value) in new[target]:
            return ("new", new[target][int(value)])
        return value

    out = {}
    for model, places in new.items():
        rows = []
        for row in model._base_manager.filter(pk__in=list(places)).order_by("pk").values():
            row = {k: local(model, k, v) for k, v in row.items() if k not in STAMPS}
            if model._meta.db_table == "core_changelog":
                logged = apps.get_model("contenttypes", "ContentType").objects.get(pk=row["content_type_id"])
                of = by_table.get(logged.model_class()._meta.db_table, logged.model_class())
                row["object_id"] = local(of, of._meta.pk.attname, row["object_id"])
                for side in ("before", "after"):
                    row[side] = {k: local(of, k, v) for k, v in (row[side] or {}).items() if k not in STAMPS}
            if "tree_path" in row:  # /13/145/<new id>/
                row["tree_path"] = [local(model, "id", p) for p in row["tree_path"].strip("/").split("/")]
            row.pop("id")
            rows.append(row)
        # In any order: the tallies come in the order of an unordered aggregate (differs between runs on PostgreSQL).
        out[model._meta.db_table] = sorted(rows, key=repr)
    return out


def _run(data, monkeypatch=None, old=False):
    before = {
        m: (m._base_manager.order_by("-pk").values_list("pk", flat=True).first() or 0)
        for m in apps.get_models()
        if m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    }
    with monkeypatch.context() as patch:
        if old:
            patch.setattr(audit, "snapshot", _old_snapshot)
            patch.setattr(audit, "fast_bulk_create", _django_bulk_create)
        try:
            with transaction.atomic():
                result = _imported(copy.deepcopy(data), before)
                raise _Undo
        except _Undo:
            return result


def test_the_import_writes_what_the_plain_path_wrote(db, monkeypatch):
    fast = _run(SMALL_PLAN, monkeypatch)
    plain = _run(SMALL_PLAN, monkeypatch, old=True)
    assert set(fast) >= {"plans_plan", "plans_task", "plans_responsibility", "core_changelog"}
    assert fast == plain


def _queries(tasks: int) -> int:
    data = copy.deepcopy(SMALL_PLAN)
    data["tasks"] = [
        {**SMALL_PLAN["tasks"][i % 3], "number": str(i + 1), "path": ["一", str(i + 1)]} for i in range(tasks)
    ]
    data["title"] = f"{data['title']}{tasks}"
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            importer.import_plan_data(data, source_bytes=json.dumps(data).encode(), source_name="q.json")
            raise _Undo
    except _Undo:
        return len(captured.captured_queries)


def test_the_import_queries_do_not_grow_with_its_tasks(db):
    assert _queries(300) == _queries(30)
