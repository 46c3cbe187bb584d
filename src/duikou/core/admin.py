from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect
from django_tasks_db.models import DBTaskResult

from .models import ChangeLog, SecurityEvent, StaleEditError, VersionedModel
from .permissions import (
    ADD,
    AUDIT_ADMIN,
    AUDITOR,
    CHANGE,
    DELETE,
    LEADER,
    OFFICE_ADMIN,
    SECURITY_AUDIT_READERS,
    VIEW,
    allows,
    can,
    role_of,
)


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the editor loaded as a hidden field."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["seen_version"].initial = self.instance.version


class RestrictedAdmin(admin.ModelAdmin):
    """Admin pages go through the same permission gate as pages, API and exports (roles, not Django perms)."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, VIEW)

    def has_module_permission(self, request):
        return allows(request.user, self.model, VIEW)

    def has_view_permission(self, request, obj=None):
        if not allows(request.user, self.model, VIEW):
            return False
        return obj is None or can(request.user, obj, VIEW)

    def has_add_permission(self, request):
        return allows(request.user, self.model, ADD)

    def has_change_permission(self, request, obj=None):
        if not allows(request.user, self.model, CHANGE):
            return False
        return obj is None or can(request.user, obj, CHANGE)

    def has_delete_permission(self, request, obj=None):
        if not allows(request.user, self.model, DELETE):
            return False
        return obj is None or can(request.user, obj, DELETE)

    # A versioned record carries the version the editor saw, so a stale admin save is refused too.
    def get_form(self, request, obj=None, change=False, **kwargs):
        if issubclass(self.model, VersionedModel) and self.form is forms.ModelForm:
            kwargs.setdefault("form", VersionedAdminForm)
        return super().get_form(request, obj, change=change, **kwargs)

    def save_model(self, request, obj, form, change):
        seen = form.cleaned_data.get("seen_version") if change else None
        if seen is not None:
            obj.version = seen
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEditError as exc:
            self.message_user(request, exc.messages[0], level=messages.ERROR)
            return redirect(request.get_full_path())


@admin.register(ChangeLog)
class ChangeLogAdmin(RestrictedAdmin):
    list_display = ("at", "username", "source", "action", "content_type", "object_repr")
    list_filter = ("action", "source", "content_type")
    search_fields = ("object_repr", "object_id", "request_id", "username")
    date_hierarchy = "at"

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if self.has_view_permission(request) else qs.none()

    # The whole log is for the office and the auditors; units read one record's history on its page.
    def has_module_permission(self, request):
        return role_of(request.user) in {OFFICE_ADMIN, AUDITOR, LEADER, AUDIT_ADMIN}

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    # Read-only for everyone: the log is evidence for auditors.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(RestrictedAdmin):
    """The security audit: read-only, for the audit administrator alone (三员分立)."""

    list_display = ("seq", "at", "kind", "outcome", "username", "target", "address", "source")
    list_filter = ("kind", "outcome", "source")
    search_fields = ("username", "target", "address", "request_id")
    date_hierarchy = "at"

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if self.has_view_permission(request) else qs.none()

    def has_module_permission(self, request):
        return role_of(request.user) in SECURITY_AUDIT_READERS

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The task queue's own rows (django-tasks-db) are no administrator's to edit: a job is seen on its page and with
# `duikou jobs`; every admin in duikou goes through the permission gate (tests/permissions/test_gate.py).
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
