"""Accounts: every user belongs to an organization and holds one role."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms
from duikou.core.models import AuditedMixin
from duikou.core.querysets import AuditedQuerySet

# Fields whose change is a change of what the account may do: logged as a role change in the security audit.
PRIVILEGE_FIELDS = ("role", "organization_id", "is_superuser", "is_staff", "is_active")


class AuditedUserManager(UserManager.from_queryset(AuditedQuerySet)):
    pass


class User(AuditedMixin, AbstractUser):
    """A person signing in to duikou on behalf of one organization, in one role."""

    ROLES = [
        (perms.OFFICE_ADMIN, _("对口办管理员")),
        (perms.UNIT_REPORTER, _("单位填报员")),
        (perms.UNIT_HEAD, _("单位负责人")),
        (perms.RECIPIENT_VIEWER, _("受援方")),
        (perms.AUDITOR, _("督查审计")),
        (perms.LEADER, _("领导")),
        (perms.SYSTEM_ADMIN, _("系统管理员")),
        (perms.SECURITY_ADMIN, _("安全管理员")),
        (perms.AUDIT_ADMIN, _("安全审计员")),
    ]

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=20, choices=ROLES, default=perms.UNIT_REPORTER)
    # Dated by set_password; DUIKOU_PASSWORD_MAX_AGE_DAYS later the pages ask for a new one.
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)
    api_token = models.CharField(_("接口令牌（摘要）"), max_length=128, blank=True, db_index=True)
    api_token_scope = models.CharField(
        _("接口令牌范围"), max_length=8, choices=[("read", _("只读")), ("write", _("读写"))], default="read"
    )
    api_token_expires_at = models.DateTimeField(_("接口令牌到期"), null=True, blank=True)
    # Set on accounts made with a generated password; the pages ask for a new one before anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = AuditedUserManager()

    # The change log keeps account changes but never a password hash or a token digest.
    audit_exclude = ("password", "last_login", "api_token", "api_token_expires_at")

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=list(perms.ROLE_NAMES)), name="user_role_known"
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def get_role_display(self):
        # A plain lookup: Django's display hashes every choice on each call, and the header names the role on
        # every page.
        return force_str(_ROLE_LABELS.get(self.role, self.role), strings_only=True)

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_change_due(self) -> bool:
        """Whether this user must set a new password before anything else: first sign-in, or expired by policy."""
        if self.must_change_password:
            return True
        max_age = settings.DUIKOU_PASSWORD_MAX_AGE_DAYS
        return bool(
            max_age
            and self.has_usable_password()
            and self.password_changed_at is not None
            and timezone.now() - self.password_changed_at > dt.timedelta(days=max_age)
        )

    def save(self, *args, **kwargs):
        # Who uses the admin pages follows from the role (one owner: perms.STAFF_ROLES).
        self.is_staff = self.is_superuser or self.role in perms.STAFF_ROLES
        fields = kwargs.get("update_fields")
        if fields is not None:
            fields = set(fields)
            fields |= {"is_staff"} if "role" in fields else set()
            fields |= {"password_changed_at"} if "password" in fields else set()
            kwargs["update_fields"] = fields
        adding = self._state.adding
        before = dict(getattr(self, "_audit_before", None) or {})
        super().save(*args, **kwargs)
        from .signals import account_saved

        account_saved(self, before=before, adding=adding)


_ROLE_LABELS = dict(User.ROLES)
