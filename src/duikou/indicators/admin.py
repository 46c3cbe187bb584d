from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import AgreedValue, Agreement, Indicator


@admin.register(Indicator)
class IndicatorAdmin(RestrictedAdmin):
    list_display = ("code", "name", "unit", "rollup", "parent", "relation", "year_from", "year_to", "order")
    list_filter = ("year_from", "unit", "rollup")
    search_fields = ("code", "name")
    ordering = ("year_from", "order")


class AgreedValueInline(admin.TabularInline):
    model = AgreedValue
    extra = 0
    autocomplete_fields = ("indicator",)


@admin.register(Agreement)
class AgreementAdmin(RestrictedAdmin):
    list_display = ("__str__", "pairing", "year", "source", "signed_on")
    list_filter = ("year", "source")
    search_fields = ("title", "pairing__donor__name", "pairing__recipient__name")
    autocomplete_fields = ("pairing", "plan")
    inlines = [AgreedValueInline]
