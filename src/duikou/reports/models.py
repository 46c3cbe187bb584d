"""Periodic reports of units (月报), their contents and history, and reminders."""

import hashlib
import io

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.crypto import sm4_decrypt
from duikou.core.fields import PeriodField
from duikou.core.models import AuditedModel, VersionedModel
from duikou.core.permissions import RestrictedQuerySet


class Report(AuditedModel, VersionedModel):
    """One organization's report for one period of one program."""

    DRAFT, PENDING_HEAD, SUBMITTED, APPROVED, RETURNED = (
        "draft",
        "pending_head",
        "submitted",
        "approved",
        "returned",
    )
    STATUSES = [
        (DRAFT, _("草稿")),
        (PENDING_HEAD, _("待单位负责人审核")),
        (SUBMITTED, _("已报送")),
        (APPROVED, _("已审核通过")),
        (RETURNED, _("已退回")),
    ]

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("对口关系"), on_delete=models.PROTECT, related_name="reports"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period = PeriodField(_("报告期"), db_index=True)
    status = models.CharField(_("状态"), max_length=14, choices=STATUSES, default=DRAFT, db_index=True)
    summary = models.TextField(_("工作情况"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)

    owner_paths = ("organization",)
    recipient_paths = ()
    unit_actions = ("add", "change")

    class Meta:
        verbose_name = _("月报")
        verbose_name_plural = _("月报")
        ordering = ["-period", "organization"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organization", "period"], name="report_unique_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.period}"


class PeriodLock(AuditedModel):
    """A reporting period of a program that closes on a date the office sets: from then on its reports and
    figures are locked. The office unlocks with a reason (kept here and in the change log)."""

    program = models.ForeignKey(
        "programs.Program", verbose_name=_("对口关系"), on_delete=models.CASCADE, related_name="period_locks"
    )
    period = PeriodField(_("报告期"))
    closes_on = models.DateField(_("关账日期"))
    unlocked_at = models.DateTimeField(_("解锁时间"), null=True, blank=True)
    unlocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("解锁人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    unlock_reason = models.TextField(_("解锁理由"), blank=True)

    unit_actions = ()
    owner_paths = ()

    class Meta:
        verbose_name = _("报告期锁定")
        verbose_name_plural = _("报告期锁定")
        ordering = ["program", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["program", "period"], name="period_lock_once"),
            models.CheckConstraint(
                condition=Q(unlocked_at__isnull=True) | ~Q(unlock_reason=""), name="period_unlock_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.period}"

    def locked_on(self, day) -> bool:
        """Whether the period is locked on `day`: closed by then and not unlocked."""
        return self.unlocked_at is None and self.closes_on <= day


class TaskProgress(AuditedModel):
    """Progress on one task as reported in one report."""

    report = models.ForeignKey(
        Report, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="task_progress"
    )
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=[
            ("not_started", _("未开始")),
            ("in_progress", _("推进中")),
            ("completed", _("已完成")),
            ("suspended", _("暂缓")),
        ],
    )
    percent = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    text = models.TextField(_("进展情况"), blank=True)

    owner_paths = ("report__organization",)
    unit_actions = ("add", "change", "delete")

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="progress_unique_task_in_report"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_at_most_100"),
        ]

    def __str__(self):
        return f"{self.task} {self.percent}%"


class TargetFigure(AuditedModel):
    """A unit's cumulative figure toward a target (or its allocation) as of a report's period."""

    report = models.ForeignKey(
        Report, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="figures"
    )
    target = models.ForeignKey(
        "targets.Target", verbose_name=_("目标"), on_delete=models.CASCADE, related_name="figures"
    )
    allocation = models.ForeignKey(
        "targets.Allocation",
        verbose_name=_("目标分解"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
    )
    value = models.DecimalField(_("累计完成值"), max_digits=20, decimal_places=4)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    owner_paths = ("report__organization",)
    unit_actions = ("add", "change", "delete")

    class Meta:
        verbose_name = _("指标完成数")
        verbose_name_plural = _("指标完成数")
        constraints = [
            models.UniqueConstraint(fields=["report", "target"], name="figure_unique_target_in_report"),
            models.CheckConstraint(condition=Q(value__gte=0), name="figure_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.target} {self.value}"


class Evidence(AuditedModel):
    """A file attached to a report as evidence; stored under the data folder, never served directly."""

    report = models.ForeignKey(
        Report, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("摘要"), max_length=64)
    # "sm4" when stored SM4-encrypted (商用密码, DUIKOU_COMMERCIAL_CRYPTO at upload time); "" for plain.
    cipher = models.CharField(_("存储加密"), max_length=8, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    owner_paths = ("report__organization",)
    unit_actions = ("add", "delete")
    # The stored path is random; original_name, size and sha256 identify the file in the change log.
    audit_exclude = ("created_at", "updated_at", "file")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.original_name

    def open_plain(self):
        """The file's original bytes as a readable file, decrypted (and checked against its digest) if stored
        SM4-encrypted."""
        if not self.cipher:
            return self.file.open("rb")
        with self.file.open("rb") as stored:
            plain = sm4_decrypt(stored.read())
        if hashlib.sha256(plain).hexdigest() != self.sha256:
            raise ValueError(f"evidence {self.pk}: stored file does not match its digest")
        return io.BytesIO(plain)


class ReportEvent(models.Model):
    """One step of a report's workflow; a returned report keeps its whole history."""

    report = models.ForeignKey(
        Report, verbose_name=_("月报"), on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    from_status = models.CharField(_("原状态"), max_length=14, choices=Report.STATUSES)
    to_status = models.CharField(_("新状态"), max_length=14, choices=Report.STATUSES)
    reason = models.TextField(_("说明"), blank=True)
    snapshot = models.JSONField(_("内容快照"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    owner_paths = ("report__organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("月报流转记录")
        verbose_name_plural = _("月报流转记录")
        ordering = ["report", "at", "id"]

    def __str__(self):
        return f"{self.report} {self.from_status}→{self.to_status}"


class Reminder(models.Model):
    """A due-soon or overdue notice for one unit, shown in its inbox and optionally e-mailed."""

    DUE_SOON, OVERDUE, REPORT_DUE, REPORT_RETURNED, FUNDS_MISMATCH = (
        "due_soon",
        "overdue",
        "report_due",
        "report_returned",
        "funds_mismatch",
    )
    URGED, AWAITING_APPROVAL, NOTICE, INSTRUCTION, CHANGE_DECIDED, ANSWERED = (
        "urged",
        "awaiting",
        "notice",
        "instruction",
        "change_decided",
        "answered",
    )
    KINDS = [
        (DUE_SOON, _("即将到期")),
        (OVERDUE, _("已逾期")),
        (REPORT_DUE, _("月报待报送")),
        (REPORT_RETURNED, _("月报被退回")),
        (FUNDS_MISMATCH, _("资金到账不一致")),
        (URGED, _("催办")),
        (AWAITING_APPROVAL, _("待审批")),
        (NOTICE, _("督办")),
        (INSTRUCTION, _("领导批示")),
        (CHANGE_DECIDED, _("申请已审批")),
        (ANSWERED, _("已反馈")),
    ]

    # Empty: a notice for the program office (waiting approvals, answers), which the units never see.
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("类型"), max_length=16, choices=KINDS, db_index=True)
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    report = models.ForeignKey(
        Report,
        verbose_name=_("月报"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    due_date = models.DateField(_("到期日"), null=True, blank=True)
    message = models.CharField(_("内容"), max_length=500)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)
    # A supervision event's own key (urge:12): the same event never makes a second notice.
    key = models.CharField(_("事件标识"), max_length=100, null=True, blank=True, unique=True)
    link = models.CharField(_("链接"), max_length=300, blank=True)

    objects = RestrictedQuerySet.as_manager()
    owner_paths = ("organization",)
    recipient_paths = ("organization",)
    unit_actions = ("change",)  # marking a notice read
    recipient_actions = ("change",)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        constraints = [
            # Running `duikou remind` twice in a day records each notice once.
            models.UniqueConstraint(
                fields=["organization", "kind", "task", "due_date"], name="reminder_once"
            ),
        ]

    def __str__(self):
        return self.message
