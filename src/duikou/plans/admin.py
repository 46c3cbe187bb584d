from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from duikou.core.admin import RestrictedAdmin

from .models import Plan, Responsibility, Section, Task
from .services import TASK_STATUS_FIELDS, TASK_TERM_FIELDS, may_change_task_terms, may_set_task_status

# A unit's part moves only through its approved reports and approved requests: never edited here.
PART_FIELDS = ("part_status", "part_progress", "part_completed_on")


class ResponsibilityInline(admin.TabularInline):
    """A task's units: changed here only while the plan is a draft; after, through change requests."""

    model = Responsibility
    extra = 0
    fields = ("role", "printed_name", "organization", "order")
    autocomplete_fields = ("organization",)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and may_change_task_terms(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change_task_terms(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and may_change_task_terms(request.user, obj)


@admin.register(Plan)
class PlanAdmin(RestrictedAdmin):
    list_display = ("title", "doc_number", "program", "issued_on", "status")
    list_filter = ("status", "program")
    search_fields = ("title", "doc_number", "issuer", "source_name")
    date_hierarchy = "issued_on"
    autocomplete_fields = ("program", "issuer_organization")
    readonly_fields = ("source_sha256", "source_name", "published_at", "created_by")
    exclude = ("source_text",)


@admin.register(Section)
class SectionAdmin(RestrictedAdmin):
    list_display = ("number", "title", "plan", "order")
    list_filter = ("plan",)
    search_fields = ("number", "title", "plan__title")
    autocomplete_fields = ("plan", "parent")


@admin.register(Task)
class TaskAdmin(RestrictedAdmin):
    list_display = ("number", "title", "plan", "due_date", "status", "progress")
    list_filter = ("status", "plan__program", "plan")
    search_fields = (
        "number",
        "title",
        "text",
        "responsibilities__printed_name",
        "responsibilities__organization__name",
    )
    autocomplete_fields = ("plan", "section")
    inlines = [ResponsibilityInline]

    def get_readonly_fields(self, request, obj=None):
        # Status and progress follow approved reports and requests; deadline follows approved requests
        # (supervision). The office sets them here only while the plan is a draft.
        readonly = list(super().get_readonly_fields(request, obj))
        if not may_set_task_status(request.user, obj):
            readonly += sorted(TASK_STATUS_FIELDS)
        if not may_change_task_terms(request.user, obj):
            readonly += sorted(TASK_TERM_FIELDS)
        return readonly


class ResponsibilityAdminForm(forms.ModelForm):
    user = None

    def clean(self):
        data = super().clean()
        tasks = {t for t in (data.get("task"), self.instance.task if self.instance.pk else None) if t}
        for task in tasks:
            changes_units = self.instance.pk is None or {"task", "organization", "role"} & set(
                self.changed_data
            )
            if changes_units and not may_change_task_terms(self.user, task):
                raise forms.ValidationError(
                    _("已发布方案的任务，责任单位只能通过变更申请调整（%(task)s）") % {"task": task}
                )
        return data


@admin.register(Responsibility)
class ResponsibilityAdmin(RestrictedAdmin):
    list_display = ("printed_name", "role", "organization", "task")
    list_filter = ("role", "task__plan")
    search_fields = ("printed_name", "organization__name", "organization__full_name", "task__title")
    autocomplete_fields = ("task", "organization")
    form = ResponsibilityAdminForm
    readonly_fields = PART_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_change_task_terms(request.user, obj.task))

    def delete_queryset(self, request, queryset):
        # The list's bulk delete: only parts of draft plans' tasks (the others change through requests).
        from django.core.exceptions import PermissionDenied

        for item in queryset.select_related("task__plan"):
            if not may_change_task_terms(request.user, item.task):
                raise PermissionDenied(
                    _("已发布方案的任务，责任单位只能通过变更申请调整（%(task)s）") % {"task": item.task}
                )
        super().delete_queryset(request, queryset)
