from django.contrib import admin

from duikou.core.admin import RestrictedAdmin

from .models import Organization, OrganizationAlias


class OrganizationAliasInline(admin.TabularInline):
    model = OrganizationAlias
    extra = 0
    fields = ("alias",)


@admin.register(Organization)
class OrganizationAdmin(RestrictedAdmin):
    list_display = ("name", "full_name", "kind", "level", "division_code", "parent")
    list_filter = ("kind", "level")
    search_fields = ("name", "full_name", "division_code", "aliases__alias")
    autocomplete_fields = ("parent",)
    inlines = [OrganizationAliasInline]


@admin.register(OrganizationAlias)
class OrganizationAliasAdmin(RestrictedAdmin):
    list_display = ("alias", "organization")
    search_fields = ("alias", "organization__name")
    autocomplete_fields = ("organization",)
