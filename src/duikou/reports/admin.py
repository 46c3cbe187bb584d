from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Evidence, PeriodLock, Reminder, Report, ReportEvent, TargetFigure, TaskProgress


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    fields = ("at", "user", "from_status", "to_status", "reason")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(RestrictedAdmin):
    list_display = ("organization", "program", "period", "status", "submitted_at", "reviewed_at")
    list_filter = ("status", "program")
    search_fields = ("organization__name", "organization__full_name", "summary", "period")
    autocomplete_fields = ("program", "organization")
    # The workflow (submit, approve, return) goes through reports.services, which keeps the history.
    readonly_fields = ("status", "submitted_at", "reviewed_at", "return_reason")
    inlines = [ReportEventInline]


@admin.register(TaskProgress)
class TaskProgressAdmin(RestrictedAdmin):
    list_display = ("task", "report", "status", "percent")
    list_filter = ("status",)
    search_fields = ("task__title", "text", "report__organization__name")
    autocomplete_fields = ("report", "task")


@admin.register(TargetFigure)
class TargetFigureAdmin(RestrictedAdmin):
    list_display = ("target", "report", "value")
    search_fields = ("target__indicator", "report__organization__name", "note")
    autocomplete_fields = ("report", "target", "allocation")


@admin.register(Evidence)
class EvidenceAdmin(RestrictedAdmin):
    list_display = ("original_name", "report", "content_type", "size", "uploaded_by")
    list_filter = ("content_type",)
    search_fields = ("original_name", "sha256", "report__organization__name")
    readonly_fields = ("file", "original_name", "content_type", "size", "sha256", "uploaded_by")
    autocomplete_fields = ("report",)


@admin.register(ReportEvent)
class ReportEventAdmin(RestrictedAdmin):
    list_display = ("report", "at", "user", "from_status", "to_status")
    list_filter = ("to_status",)
    search_fields = ("report__organization__name", "reason")

    # History is evidence: nobody edits it through the application.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Reminder)
class ReminderAdmin(RestrictedAdmin):
    list_display = ("message", "organization", "kind", "due_date", "created_at", "read_at", "emailed_at")
    list_filter = ("kind",)
    search_fields = ("message", "organization__name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("organization", "task", "report")


@admin.register(PeriodLock)
class PeriodLockAdmin(RestrictedAdmin):
    list_display = ("program", "period", "closes_on", "unlocked_at", "unlocked_by")
    list_filter = ("program",)
    search_fields = ("program__name", "period", "unlock_reason")
    # Unlocking needs a reason and goes through reports.services.unlock_period (the 关账 page).
    readonly_fields = ("unlocked_at", "unlocked_by", "unlock_reason")
