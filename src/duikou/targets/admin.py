from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Allocation, Target


class AllocationInline(admin.TabularInline):
    model = Allocation
    extra = 0
    fields = ("printed_name", "organization", "value", "order")
    autocomplete_fields = ("organization",)


@admin.register(Target)
class TargetAdmin(RestrictedAdmin):
    list_display = ("indicator", "value", "unit", "comparator", "year", "plan")
    list_filter = ("unit", "year", "plan__program")
    search_fields = ("indicator", "text", "plan__title")
    autocomplete_fields = ("plan", "task")
    inlines = [AllocationInline]


@admin.register(Allocation)
class AllocationAdmin(RestrictedAdmin):
    list_display = ("printed_name", "organization", "value", "target")
    list_filter = ("target__plan",)
    search_fields = ("printed_name", "organization__name", "target__indicator")
    autocomplete_fields = ("target", "organization")
