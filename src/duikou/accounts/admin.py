from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "organization", "role", "is_active", "locked_until")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    autocomplete_fields = ("organization",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("单位与角色"), {"fields": ("organization", "role", "failed_logins", "locked_until")}),)
