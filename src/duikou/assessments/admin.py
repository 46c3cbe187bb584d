from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Assessment, AssessmentProcedure, AssessmentRule, ProcedureStep


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


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0
    fields = ("kind", "side", "date", "text", "findings", "adjustment", "evidence_name", "by")
    readonly_fields = ("evidence_name", "by")


@admin.register(AssessmentProcedure)
class AssessmentProcedureAdmin(RestrictedAdmin):
    list_display = ("program", "year", "stage", "cross_group", "score", "grade", "graded_on")
    list_filter = ("year", "stage", "grade")
    search_fields = ("program__name", "cross_group")
    autocomplete_fields = ("program",)
    inlines = [ProcedureStepInline]


@admin.register(ProcedureStep)
class ProcedureStepAdmin(RestrictedAdmin):
    list_display = ("procedure", "kind", "side", "date", "by")
    list_filter = ("kind", "side")
    search_fields = ("procedure__program__name", "text", "findings")
    autocomplete_fields = ("procedure",)
