from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Plan, Responsibility, Section, Task


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    fields = ("role", "printed_name", "organization", "order")
    autocomplete_fields = ("organization",)


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


@admin.register(Responsibility)
class ResponsibilityAdmin(RestrictedAdmin):
    list_display = ("printed_name", "role", "organization", "task")
    list_filter = ("role", "task__plan")
    search_fields = ("printed_name", "organization__name", "organization__full_name", "task__title")
    autocomplete_fields = ("task", "organization")
