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

from duikou.core import permissions as perms
from duikou.core import security, workflow
from duikou.core.models import AuditedMixin, AuditedModel, ChangeLog, SecurityEvent

from . import display


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
def search(request):
    """The whole log, filtered by text, person, kind of record, action and dates."""
    if not workflow.can(request.user, "changes.search"):
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
    for e in page:
        model = e.content_type.model_class()
        e.type_label = display.type_label(e.content_type)
        e.source_label = display.source_label(e.source)
        e.field_labels = [display.field_label(model, k) for k in e.changed_fields]
    audited = [m for m in apps.get_models() if issubclass(m, AuditedMixin)]
    types = sorted(
        (
            {"pk": ct.pk, "label": display.type_label(ct)}
            for ct in ContentType.objects.get_for_models(*audited).values()
        ),
        key=lambda t: t["label"],
    )
    return render(
        request,
        "changes/changes.html",
        {
            "page": page,
            "types": types,
            "actions": ChangeLog.ACTIONS,
            "params": request.GET,
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
        if not workflow.can(request.user, "changes.search"):
            raise Http404
    elif not perms.can(request.user, obj, perms.VIEW):
        raise Http404
    entries = ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id=str(pk)
    ).select_related("user")
    entries = list(entries)
    related = display.related_names(model, entries)
    rows = [
        {
            "entry": e,
            "source": display.source_label(e.source),
            "fields": display.describe_fields(model, e, related),
        }
        for e in entries
    ]
    return render(
        request,
        "changes/object_history.html",
        {
            "obj": obj,
            "model_name": model._meta.verbose_name,
            "pk": pk,
            "rows": rows,
        },
    )


@login_required
def security_log(request):
    """The security audit for the audit administrator alone: filtered by event, outcome, account and dates; a
    POST checks the hash chain (and is itself recorded)."""

    if perms.role_of(request.user) not in perms.SECURITY_AUDIT_READERS:
        raise PermissionDenied(_("只有安全审计员可以查看安全审计记录"))
    report = None
    if request.method == "POST":
        report = security.verify_chain()
        security.record(
            SecurityEvent.AUDIT_VERIFY,
            outcome=SecurityEvent.SUCCESS if report.ok else SecurityEvent.FAILURE,
            request=request,
            detail={"checked": report.checked, "broken_seq": report.broken_seq},
        )
    events = SecurityEvent.objects.all()
    kind = request.GET.get("kind", "")
    if kind in dict(SecurityEvent.KINDS):
        events = events.filter(kind=kind)
    outcome = request.GET.get("outcome", "")
    if outcome in dict(SecurityEvent.OUTCOMES):
        events = events.filter(outcome=outcome)
    who = request.GET.get("user", "").strip()
    if who:
        events = events.filter(Q(username=who) | Q(target=who))
    since, until = _date(request.GET.get("since", "")), _date(request.GET.get("until", ""))
    if since:
        events = events.filter(at__date__gte=since)
    if until:
        events = events.filter(at__date__lte=until)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "changes/security.html",
        {
            "page": page,
            "kinds": SecurityEvent.KINDS,
            "outcomes": SecurityEvent.OUTCOMES,
            "params": request.GET,
            "report": report,
        },
    )
