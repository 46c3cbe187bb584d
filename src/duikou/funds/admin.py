from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import FundingLine, Transaction


@admin.register(FundingLine)
class FundingLineAdmin(RestrictedAdmin):
    list_display = ("source", "year", "amount", "plan")
    list_filter = ("year", "plan__program")
    search_fields = ("source", "text", "plan__title", "source_organization__name")
    autocomplete_fields = ("plan", "source_organization")


@admin.register(Transaction)
class TransactionAdmin(RestrictedAdmin):
    list_display = (
        "date",
        "kind",
        "amount",
        "payer",
        "payee",
        "receipt_status",
        "received_amount",
        "received_on",
    )
    list_filter = ("kind", "receipt_status")
    search_fields = ("description", "payer__name", "payee__name", "project__name")
    date_hierarchy = "date"
    autocomplete_fields = ("funding_line", "project", "report", "payer", "payee")
    readonly_fields = ("recorded_by", "confirmed_by")
