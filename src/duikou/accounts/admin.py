from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are kept by the office; auditors may read them. Roles decide, not Django's permission table."""

    list_display = ("username", "first_name", "organization", "role", "is_active", "locked_until")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    autocomplete_fields = ("organization",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("单位与角色"), {"fields": ("organization", "role", "failed_logins", "locked_until")}),
    )
    actions = ["unlock"]

    def has_module_permission(self, request):
        return perms.role_of(request.user) in {perms.OFFICE_ADMIN, perms.AUDITOR}

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return perms.is_office(request.user)

    def has_change_permission(self, request, obj=None):
        return perms.is_office(request.user)

    def has_delete_permission(self, request, obj=None):
        return perms.is_office(request.user)

    @admin.action(description=_("解除登录锁定"))
    def unlock(self, request, queryset):
        queryset.update(failed_logins=0, locked_until=None)
