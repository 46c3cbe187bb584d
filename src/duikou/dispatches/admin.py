from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Dispatch


@admin.register(Dispatch)
class DispatchAdmin(RestrictedAdmin):
    list_display = ("person_name", "field", "from_organization", "to_organization", "start_date", "end_date")
    list_filter = ("field", "program")
    search_fields = ("person_name", "position", "from_organization__name", "to_organization__name")
    date_hierarchy = "start_date"
    autocomplete_fields = ("program", "target", "from_organization", "to_organization")
