"""The change log and the base class every audited domain model inherits."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .permissions import RestrictedQuerySet


class AuditedModel(models.Model):
    """Every create, update and delete of a subclass is written to the ChangeLog (see audit.py)."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    # Fields left out of change-log snapshots (noise, or too large to copy on every save).
    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Kept so the post_save handler can write "before" without another query.
        instance._audit_before = dict(zip(field_names, values, strict=False))
        return instance


class VersionedModel(models.Model):
    """Optimistic locking: a save carrying a stale version is refused, never a silent overwrite."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            # Claim the version the editor saw; if someone saved since, no row matches.
            claimed = type(self)._base_manager.filter(pk=self.pk, version=self.version).update(
                version=models.F("version") + 1
            )
            if not claimed:
                raise StaleEditError(
                    _("保存被拒绝：%(obj)s 已被他人修改，请刷新后重试。") % {"obj": self}, code="stale"
                )
            self.version += 1
        super().save(*args, **kwargs)


class StaleEditError(ValidationError):
    """Raised when a second person saves a record another saved in the meantime."""


class ChangeLog(models.Model):
    """One create, update or delete of one record: who, when, before and after."""

    CREATE, UPDATE, DELETE = "create", "update", "delete"
    ACTIONS = [(CREATE, _("新增")), (UPDATE, _("修改")), (DELETE, _("删除"))]

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", db_constraint=False,
    )
    source = models.CharField(_("来源"), max_length=16, default="system")
    request_id = models.CharField(_("请求编号"), max_length=32, db_index=True)
    action = models.CharField(_("操作"), max_length=8, choices=ACTIONS)
    content_type = models.ForeignKey(ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT)
    object_id = models.CharField(_("对象编号"), max_length=64)
    object_repr = models.CharField(_("对象"), max_length=300)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_repr}"

    @property
    def changed_fields(self) -> list[str]:
        before, after = self.before or {}, self.after or {}
        return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))

    def save(self, *args, **kwargs):
        # The log is append-only: an existing entry is never rewritten.
        if self.pk is not None:
            raise ValidationError(_("变更记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("变更记录不可删除"))
