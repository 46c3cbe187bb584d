"""Accounts: every user belongs to an organization and holds one role."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
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
    failed_logins = models.PositiveSmallIntegerField(_("连续登录失败次数"), default=0)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)
    api_token = models.CharField(_("接口令牌（摘要）"), max_length=128, blank=True, db_index=True)
    # Set on accounts made with a generated password; the pages ask for a new one before anything else.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    objects = AuditedUserManager()

    # The change log keeps account changes but never a password hash or a token digest.
    audit_exclude = ("password", "last_login", "api_token")

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

    def save(self, *args, **kwargs):
        # Who uses the admin pages follows from the role (one owner: perms.STAFF_ROLES).
        self.is_staff = self.is_superuser or self.role in perms.STAFF_ROLES
        if kwargs.get("update_fields") is not None and "role" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_staff"}
        adding = self._state.adding
        before = dict(getattr(self, "_audit_before", None) or {})
        super().save(*args, **kwargs)
        from .signals import account_saved

        account_saved(self, before=before, adding=adding)
