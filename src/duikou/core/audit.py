"""Change log by construction: signal handlers snapshot every AuditedModel save and delete."""

import datetime as dt
import decimal
import uuid

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .actor import current_actor
from .models import AuditedModel, ChangeLog
from .periods import Period


def _jsonable(value):
    if isinstance(value, (dt.date, dt.datetime, decimal.Decimal, uuid.UUID, Period)):
        return str(value)
    if isinstance(value, (bytes, memoryview)):
        return f"<{len(value)} bytes>"
    return value


def snapshot(instance) -> dict:
    """Concrete field values by column attname, as JSON-ready values."""
    excluded = set(instance.audit_exclude)
    return {
        f.attname: _jsonable(getattr(instance, f.attname))
        for f in instance._meta.concrete_fields
        if f.name not in excluded and f.attname not in excluded
    }


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
    ChangeLog.objects.create(
        user_id=actor.user_id,
        source=actor.source,
        request_id=actor.request_id,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        before=before,
        after=after,
    )


@receiver(post_save)
def log_save(sender, instance, created, raw=False, **kwargs):
    if raw or not isinstance(instance, AuditedModel):
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
    if not isinstance(instance, AuditedModel):
        return
    _write(instance, ChangeLog.DELETE, snapshot(instance), None)


def bulk_create_logged(model, objects, *, batch_size: int = 500):
    """bulk_create that still writes one ChangeLog entry per row (bulk_create sends no signals)."""
    created = model.objects.bulk_create(objects, batch_size=batch_size)
    if not created:
        return created
    if created[0].pk is None:  # a backend that does not return ids cannot be logged row by row
        raise RuntimeError(f"{model.__name__}: the database did not return ids from bulk_create")
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    ChangeLog.objects.bulk_create(
        [
            ChangeLog(
                user_id=actor.user_id, source=actor.source, request_id=actor.request_id, action=ChangeLog.CREATE,
                content_type=content_type, object_id=str(obj.pk), object_repr=str(obj)[:300], before=None,
                after=snapshot(obj),
            )
            for obj in created
        ],
        batch_size=batch_size,
    )
    return created
