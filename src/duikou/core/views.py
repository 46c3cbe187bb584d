"""The change log, read-only: per object for anyone who may see the object, searchable for the office and auditors."""

import datetime as dt

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import permissions as perms
from .models import AuditedMixin, AuditedModel, ChangeLog

# The office and 督查 read the domain's history; the audit administrator (三员) reads all of it.
SEARCH_ROLES = {perms.OFFICE_ADMIN, perms.AUDITOR, perms.AUDIT_ADMIN}


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
def search(request):
    """The whole log, filtered by text, person, kind of record, action and dates."""
    if perms.role_of(request.user) not in SEARCH_ROLES:
        raise PermissionDenied(_("只有对口办、督查审计人员和安全审计员可以检索全部变更记录"))
    entries = ChangeLog.objects.select_related("user", "content_type")
    q = request.GET.get("q", "").strip()
    if q:
        entries = entries.filter(Q(object_repr__icontains=q) | Q(request_id=q) | Q(object_id=q))
    who = request.GET.get("user", "").strip()
    if who:
        entries = entries.filter(username=who)
    model = request.GET.get("model", "")
    if model.isdigit():
        entries = entries.filter(content_type_id=int(model))
    action = request.GET.get("action", "")
    if action in dict(ChangeLog.ACTIONS):
        entries = entries.filter(action=action)
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    audited = [m for m in apps.get_models() if issubclass(m, AuditedMixin)]
    types = sorted(ContentType.objects.get_for_models(*audited).values(), key=lambda ct: str(ct))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "core/changes.html",
        {
            "page": page,
            "types": types,
            "actions": ChangeLog.ACTIONS,
            "params": request.GET,
            "querystring": params.urlencode(),
        },
    )


@login_required
def object_history(request, app_label, model_name, pk):
    """One record's history, for anyone the gate lets see the record (deleted records: office and auditors)."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404 from exc
    if not issubclass(model, AuditedModel):
        raise Http404
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        if perms.role_of(request.user) not in SEARCH_ROLES:
            raise Http404
    elif not perms.can(request.user, obj, perms.VIEW):
        raise Http404
    entries = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    ).select_related("user")
    rows = []
    for e in entries:
        before, after = e.before or {}, e.after or {}
        rows.append(
            {
                "entry": e,
                "fields": [
                    {"name": _label(model, k), "before": before.get(k), "after": after.get(k)}
                    for k in e.changed_fields
                ],
            }
        )
    return render(
        request,
        "core/object_history.html",
        {
            "obj": obj,
            "model_name": model._meta.verbose_name,
            "pk": pk,
            "rows": rows,
        },
    )


def _label(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return str(f.verbose_name)
    return attname
