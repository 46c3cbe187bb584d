from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Project


@admin.register(Project)
class ProjectAdmin(RestrictedAdmin):
    list_display = ("code", "name", "status", "recipient", "implementer", "sector", "budget")
    list_filter = ("status", "sector", "program")
    search_fields = ("code", "name", "place", "description", "recipient__name", "implementer__name")
    autocomplete_fields = ("program", "plan", "task", "recipient", "implementer", "proposed_by")
    # Status moves go through projects.services.move_project, which checks who may make each move.
    readonly_fields = ("status",)
