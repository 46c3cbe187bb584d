"""Accounts in the admin, split by 三员分立: the system administrator keeps accounts (who, which unit, active),
the security administrator their roles, unlocks and tokens, the audit administrator reads; the superuser only
sets up the three administrators. The office and units keep no accounts here."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core import permissions as perms
from duikou.core.api_auth import revoke_token

from . import services
from .models import User

IDENTITY = ("username", "first_name", "last_name", "email", "organization", "is_active")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "organization", "role", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "organization__name")
    autocomplete_fields = ("organization",)
    actions = ["unlock", "reset_second_factor", "revoke_api_token"]

    def _role(self, request):
        return perms.role_of(request.user)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        role = self._role(request)
        if role == perms.SUPERUSER:
            return qs.filter(role__in=perms.THREE_ADMINS, is_superuser=False)
        if role in (perms.SYSTEM_ADMIN, perms.SECURITY_ADMIN):
            # Neither keeps the other administrators' accounts nor the superuser's.
            return qs.exclude(role__in=perms.THREE_ADMINS).exclude(is_superuser=True)
        if role == perms.AUDIT_ADMIN:
            return qs
        return qs.none()

    def has_module_permission(self, request):
        return self._role(request) in (perms.SUPERUSER, *perms.THREE_ADMINS)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self._role(request) in (perms.SUPERUSER, perms.SYSTEM_ADMIN)

    def has_change_permission(self, request, obj=None):
        return self._role(request) in (perms.SUPERUSER, perms.SYSTEM_ADMIN, perms.SECURITY_ADMIN)

    def has_delete_permission(self, request, obj=None):
        return self._role(request) in (perms.SUPERUSER, perms.SYSTEM_ADMIN)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self._role(request) != perms.SECURITY_ADMIN:
            actions.pop("unlock", None)
            actions.pop("reset_second_factor", None)
            actions.pop("revoke_api_token", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        role = self._role(request)
        if obj is None:
            fields = ("username", "password1", "password2", "first_name", "email", "organization")
            if role == perms.SUPERUSER:
                fields += ("role",)
            return ((None, {"classes": ("wide",), "fields": fields}),)
        if role == perms.SECURITY_ADMIN:
            return ((None, {"fields": IDENTITY}), (_("角色"), {"fields": ("role",)}))
        shown = (
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "organization",
            "role",
            "is_active",
        )
        return ((None, {"fields": shown}), (_("时间"), {"fields": ("last_login", "date_joined")}))

    def get_readonly_fields(self, request, obj=None):
        role = self._role(request)
        if obj is None:
            return ()
        if role == perms.SECURITY_ADMIN:
            return IDENTITY
        if role == perms.SYSTEM_ADMIN:
            return ("role", "last_login", "date_joined")
        if role == perms.SUPERUSER:
            return ("organization", "last_login", "date_joined")
        return ("last_login", "date_joined")

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            allowed = services.assignable_roles(request.user)
            kwargs["choices"] = [(value, label) for value, label in User.ROLES if value in allowed]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if "role" in form.changed_data and obj.role not in services.assignable_roles(request.user):
            raise PermissionDenied(_("无权授予角色 %(role)s") % {"role": obj.role})
        if not change and self._role(request) == perms.SYSTEM_ADMIN:
            obj.role = perms.UNIT_REPORTER  # the security administrator grants the role
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password is account work: the system administrator's (and the superuser's for the 三员).
        if self._role(request) not in (perms.SUPERUSER, perms.SYSTEM_ADMIN):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description=gettext_lazy("解除登录锁定"))
    def unlock(self, request, queryset):
        if self._role(request) != perms.SECURITY_ADMIN:
            raise PermissionDenied
        for user in queryset:
            services.unlock(user=user)
        self.message_user(
            request, _("已解除 %(n)s 个账户的登录锁定") % {"n": len(queryset)}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("重置动态口令（须重新绑定）"))
    def reset_second_factor(self, request, queryset):
        if self._role(request) != perms.SECURITY_ADMIN:
            raise PermissionDenied
        for user in queryset:
            services.reset_second_factor(user=user)
        self.message_user(
            request, _("已重置 %(n)s 个账户的动态口令") % {"n": len(queryset)}, messages.SUCCESS
        )

    @admin.action(description=gettext_lazy("吊销接口令牌"))
    def revoke_api_token(self, request, queryset):

        if self._role(request) != perms.SECURITY_ADMIN:
            raise PermissionDenied
        revoked = sum(revoke_token(user=user, reason="security_admin") for user in queryset)
        self.message_user(request, _("已吊销 %(n)s 个接口令牌") % {"n": revoked}, messages.SUCCESS)
