from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Pairing, Program


@admin.register(Program)
class ProgramAdmin(RestrictedAdmin):
    list_display = ("name", "kind", "office", "start_year", "end_year", "reporting_period", "is_public")
    list_filter = ("kind", "reporting_period", "is_public")
    search_fields = ("name", "description", "donors__name", "recipients__name")
    autocomplete_fields = ("office", "donors", "recipients")


@admin.register(Pairing)
class PairingAdmin(RestrictedAdmin):
    list_display = ("donor", "recipient", "level", "program", "start_date", "end_date")
    list_filter = ("level", "program")
    search_fields = ("donor__name", "recipient__name", "donor_printed", "recipient_printed")
    autocomplete_fields = ("program", "plan", "donor", "recipient")
