from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Assessment, AssessmentRule


@admin.register(AssessmentRule)
class AssessmentRuleAdmin(RestrictedAdmin):
    list_display = (
        "program",
        "year",
        "weight_tasks_on_time",
        "weight_targets_reached",
        "weight_funds_spent",
        "weight_reports_on_time",
    )
    list_filter = ("year",)
    search_fields = ("program__name",)
    autocomplete_fields = ("program",)


@admin.register(Assessment)
class AssessmentAdmin(RestrictedAdmin):
    list_display = ("organization", "rule", "score", "rank")
    list_filter = ("rule__year", "rule__program")
    search_fields = ("organization__name", "organization__full_name")
    autocomplete_fields = ("rule", "organization")
