"""Staging records of the web application: an import being reviewed before it is published."""

import hashlib

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportDraft(models.Model):
    """An uploaded plan under review: the bytes as uploaded, the extracted plan being corrected, the chosen units.

    Nothing of it reaches the domain tables until it is published, in one transaction.
    """

    OPEN, PUBLISHED, DISCARDED = "open", "published", "discarded"
    STATUSES = [(OPEN, _("待审核")), (PUBLISHED, _("已发布")), (DISCARDED, _("已放弃"))]

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=OPEN, db_index=True)
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("对口关系"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source_name = models.CharField(_("来源文件名"), max_length=255)
    source_bytes = models.BinaryField(_("来源文件"))
    source_sha256 = models.CharField(_("来源文件摘要"), max_length=64, db_index=True)
    source_text = models.TextField(_("来源正文"), blank=True)
    plan_data = models.JSONField(_("方案数据"), default=dict)
    # printed unit name → {"organization": id} or {"create": name, "parent": id|None}
    resolutions = models.JSONField(_("单位对应"), default=dict, blank=True)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("发布的方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("导入草稿")
        verbose_name_plural = _("导入草稿")
        ordering = ["-created_at"]

    def __str__(self):
        return self.source_name

    def save(self, *args, **kwargs):
        if not self.source_sha256:
            self.source_sha256 = hashlib.sha256(bytes(self.source_bytes)).hexdigest()
        super().save(*args, **kwargs)


class DashboardSnapshot(models.Model):
    """The dashboard's figures over everything, as last computed on the task queue (web.stats.refresh_snapshot).

    Counting every task's light over the whole country takes seconds; a page serves these figures, says when they
    were computed, and asks the queue for new ones when the data has moved on since."""

    scope = models.CharField(_("范围"), max_length=100, unique=True)
    figures = models.JSONField(_("数据"), null=True, blank=True, encoder=DjangoJSONEncoder)
    version = models.BigIntegerField(_("数据版本"), default=0)  # core.versioned.data_version() when computed
    day = models.DateField(_("计算日"), null=True, blank=True)  # core.dates.today_for() when computed
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    # Set when a refresh is queued, cleared when it is done: two views at once queue it once.
    refresh_requested_at = models.DateTimeField(_("刷新请求时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("总览数据")
        verbose_name_plural = _("总览数据")

    def __str__(self):
        return self.scope
