"""The change log and the base class every audited domain model inherits."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.utils.translation import gettext_lazy as _

from .permissions import RestrictedQuerySet


class AuditedMixin(models.Model):
    """Every create, update and delete of a subclass is written to the ChangeLog (see audit.py); so is a
    QuerySet.update through AuditedQuerySet."""

    # Fields left out of change-log snapshots (noise, secrets, or too large to copy on every save).
    audit_exclude: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Kept so the post_save handler can write "before" without another query.
        instance._audit_before = dict(zip(field_names, values, strict=False))
        return instance


class AuditedModel(AuditedMixin):
    """A domain record: audited, timestamped, read and changed through the permission gate."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    audit_exclude: tuple[str, ...] = ("created_at", "updated_at")

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking: a save carrying a stale version is refused, never a silent overwrite."""

    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        claim = not self._state.adding and self.pk is not None
        update_fields = kwargs.get("update_fields")
        if claim and update_fields is not None and "version" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "version"]
        if claim:
            self.version += 1
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        connection = connections[using]
        doomed = connection.in_atomic_block and transaction.get_rollback(using)
        try:
            super().save(*args, **kwargs)
        except StaleEditError:
            self.version -= 1  # refused: the object keeps the version the editor saw
            # Django marks the caller's transaction for rollback on any error inside a save; a refused claim wrote
            # nothing, so the transaction goes on as it did when the claim came before the save.
            if connection.in_atomic_block:
                transaction.set_rollback(doomed, using=using)
            raise

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs):
        """The row's UPDATE claims the version the editor saw (the one before `save` raised it): if someone saved
        since, no row matches and nothing is written. One statement, not a claim and then the update."""
        if self._state.adding or "version" not in _local_columns(base_qs.model):  # new, or a parent's table
            return super()._do_update(
                base_qs, using, pk_val, values, update_fields, forced_update, *args, **kwargs
            )
        updated = super()._do_update(
            base_qs.filter(version=self.version - 1),
            using,
            pk_val,
            values,
            update_fields,
            forced_update,
            *args,
            **kwargs,
        )
        if not updated:
            raise StaleEditError(
                _("保存被拒绝：%(obj)s 已被他人修改，请刷新后重试。") % {"obj": self}, code="stale"
            )
        return updated


def _local_columns(model) -> set[str]:
    return {field.attname for field in model._meta.local_concrete_fields}


class StaleEditError(ValidationError):
    """Raised when a second person saves a record another saved in the meantime."""


class ChangeLog(models.Model):
    """One create, update or delete of one record: who, when, before and after."""

    CREATE, UPDATE, DELETE = "create", "update", "delete"
    ACTIONS = [(CREATE, _("新增")), (UPDATE, _("修改")), (DELETE, _("删除"))]

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    # The actor's user name as it was: kept when the account is deleted (the FK is then set to null).
    username = models.CharField(_("操作人用户名"), max_length=150, blank=True, default="")
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


class SecurityEventQuerySet(models.QuerySet):
    """The security audit is append-only through the ORM: no bulk update or delete (purge_before excepted)."""

    def update(self, **kwargs):
        raise ValidationError(_("安全审计记录不可修改"))

    def delete(self):
        raise ValidationError(_("安全审计记录不可删除"))

    def purge_before(self, moment) -> int:
        """Delete entries older than `moment`; only the retention service calls this (it checks the age)."""
        doomed = self.filter(at__lt=moment)
        return models.QuerySet.delete(doomed)[0]


class SecurityEvent(models.Model):
    """One security-relevant event (sign-in, failure, lockout, role change, token, refused access…): who, from where,
    when, what and how it ended. Each entry carries the hash of the one before it (see core/security.py)."""

    LOGIN, LOGOUT, LOGIN_FAILED, LOCKOUT, UNLOCK = "login", "logout", "login_failed", "lockout", "unlock"
    ACCOUNT_CREATE, ACCOUNT_CHANGE, ACCOUNT_DELETE = "account_create", "account_change", "account_delete"
    ROLE_CHANGE, PASSWORD_CHANGE = "role_change", "password_change"
    TOKEN_ISSUE, TOKEN_REVOKE = "token_issue", "token_revoke"
    EXPORT, ACCESS_DENIED = "export", "access_denied"
    OTP_ENROL, OTP_FAILED, OTP_RESET = "otp_enrol", "otp_failed", "otp_reset"
    AUDIT_PURGE, AUDIT_VERIFY = "audit_purge", "audit_verify"
    KINDS = [
        (LOGIN, _("登录")),
        (LOGOUT, _("退出")),
        (LOGIN_FAILED, _("登录失败")),
        (LOCKOUT, _("锁定")),
        (UNLOCK, _("解锁")),
        (ACCOUNT_CREATE, _("新建账户")),
        (ACCOUNT_CHANGE, _("修改账户")),
        (ACCOUNT_DELETE, _("删除账户")),
        (ROLE_CHANGE, _("角色与权限变更")),
        (PASSWORD_CHANGE, _("修改密码")),
        (TOKEN_ISSUE, _("签发令牌")),
        (TOKEN_REVOKE, _("吊销令牌")),
        (EXPORT, _("导出数据")),
        (ACCESS_DENIED, _("拒绝访问")),
        (OTP_ENROL, _("绑定动态口令")),
        (OTP_FAILED, _("动态口令错误")),
        (OTP_RESET, _("重置动态口令")),
        (AUDIT_PURGE, _("清理审计记录")),
        (AUDIT_VERIFY, _("校验审计记录")),
    ]
    SUCCESS, FAILURE = "success", "failure"
    OUTCOMES = [(SUCCESS, _("成功")), (FAILURE, _("失败"))]

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    kind = models.CharField(_("事件"), max_length=20, choices=KINDS, db_index=True)
    outcome = models.CharField(_("结果"), max_length=8, choices=OUTCOMES)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(_("操作人用户名"), max_length=150, blank=True)
    target = models.CharField(_("对象账户"), max_length=150, blank=True, db_index=True)
    address = models.CharField(_("来源地址"), max_length=64, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="system")
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    algorithm = models.CharField(_("摘要算法"), max_length=8)
    prev_hash = models.CharField(_("前一条摘要"), max_length=64)
    hash = models.CharField(_("本条摘要"), max_length=64, unique=True)

    objects = SecurityEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-seq"]

    def __str__(self):
        return f"#{self.seq} {self.get_kind_display()} {self.username or '—'} {self.get_outcome_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("安全审计记录不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("安全审计记录不可删除"))


class Job(models.Model):
    """One piece of long work on the task queue (core/jobs.py): what it is, who asked, how far it got, what came
    of it. Pages poll it; the worker takes it up again if the process working it died."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUSES = [(QUEUED, _("排队中")), (RUNNING, _("进行中")), (DONE, _("已完成")), (FAILED, _("失败"))]

    kind = models.CharField(_("类型"), max_length=60)
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("状态"), max_length=8, choices=STATUSES, default=QUEUED, db_index=True)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    step = models.CharField(_("当前步骤"), max_length=200, blank=True, default="")
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True, default="")
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    task_id = models.CharField(_("队列任务编号"), max_length=64, blank=True, default="")
    # The request that asked: the change log of the job's writes carries it (one request id, page to result).
    request_id = models.CharField(_("请求编号"), max_length=32, blank=True, default="")
    language = models.CharField(_("语言"), max_length=10, blank=True, default="")  # the page's, for messages
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(_("最近心跳"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "heartbeat"])]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))
