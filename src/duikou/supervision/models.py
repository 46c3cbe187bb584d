"""Supervision (督查督办): urges (催办), change requests, 督办 notices, leaders' instructions, light rules and
deliveries of reminders. Every act names the unit it concerns; the unit reads and answers (反馈) it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.models import AuditedModel
from duikou.core.permissions import RestrictedQuerySet

USER = settings.AUTH_USER_MODEL


class Urge(AuditedModel):
    """The office urges one unit on one task or one report (催办); the unit's first opening is recorded (已读)."""

    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="urges",
    )
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("月报"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="urges",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("被催办单位"),
        on_delete=models.PROTECT,
        related_name="urges",
    )
    message = models.TextField(_("催办内容"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("催办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    read_by = models.ForeignKey(
        USER, verbose_name=_("阅读人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(_("反馈"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("反馈人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    owner_paths = ("organization",)
    unit_actions = ("change",)  # reading and answering

    class Meta:
        verbose_name = _("催办")
        verbose_name_plural = _("催办")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(report__isnull=True))
                | (Q(task__isnull=True) & Q(report__isnull=False)),
                name="urge_task_or_report",
            ),
        ]

    def __str__(self):
        return f"催办 {self.organization} · {self.task or self.report}"

    @property
    def subject(self):
        return self.task or self.report


class ChangeRequest(AuditedModel):
    """A responsible unit asks to change a task (deadline, units), cancel it or mark its part complete."""

    DEADLINE, UNITS, CANCEL, COMPLETE = "deadline", "units", "cancel", "complete"
    KINDS = [
        (DEADLINE, _("调整完成时限")),
        (UNITS, _("调整责任单位")),
        (CANCEL, _("取消任务")),
        (COMPLETE, _("申请完成")),
    ]
    PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
    STATUSES = [(PENDING, _("待审批")), (APPROVED, _("已批准")), (REJECTED, _("已驳回"))]

    task = models.ForeignKey(
        "plans.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="change_requests"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("申请单位"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    kind = models.CharField(_("申请类型"), max_length=10, choices=KINDS)
    due_date = models.DateField(_("新截止日期"), null=True, blank=True)
    lead_units = models.JSONField(_("新牵头单位"), default=list, blank=True)
    support_units = models.JSONField(_("新配合单位"), default=list, blank=True)
    reason = models.TextField(_("申请理由"))
    evidence = models.FileField(_("佐证材料"), upload_to="change-requests/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=255, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=PENDING, db_index=True)
    requested_by = models.ForeignKey(
        USER, verbose_name=_("申请人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)

    owner_paths = ("organization",)
    unit_actions = ("add",)
    audit_exclude = ("created_at", "updated_at", "evidence")

    class Meta:
        verbose_name = _("变更申请")
        verbose_name_plural = _("变更申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="change_request_reason_required"),
            models.CheckConstraint(
                condition=~Q(kind="deadline") | Q(due_date__isnull=False),
                name="change_request_deadline_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.task}"


class WebhookChannel(AuditedModel):
    """A group robot (企业微信 or 钉钉) that receives the notices of one unit (and the units under it) or of one
    program; set by the office. The URL carries the robot's key, so only the office and that unit read it."""

    WECOM, DINGTALK = "wecom", "dingtalk"
    KINDS = [(WECOM, _("企业微信群机器人")), (DINGTALK, _("钉钉自定义机器人"))]
    TEXT, MARKDOWN = "text", "markdown"
    FORMATS = [(TEXT, _("文本")), (MARKDOWN, _("Markdown"))]

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=KINDS)
    url = models.URLField(_("Webhook 地址"), max_length=500)
    secret = models.CharField(_("加签密钥（钉钉）"), max_length=200, blank=True)
    message_format = models.CharField(_("消息格式"), max_length=10, choices=FORMATS, default=TEXT)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_channels",
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("对口关系"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_channels",
    )
    active = models.BooleanField(_("启用"), default=True)

    owner_paths = ("organization",)
    unit_actions = ()
    audit_exclude = ("created_at", "updated_at", "secret")

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organization__isnull=False) | Q(program__isnull=False),
                name="webhook_channel_has_scope",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"


class Delivery(models.Model):
    """One notice to one destination (an e-mail address or a robot); the unique key makes it go out once."""

    EMAIL, WECOM, DINGTALK = "email", WebhookChannel.WECOM, WebhookChannel.DINGTALK
    CHANNELS = [(EMAIL, _("电子邮件")), (WECOM, _("企业微信")), (DINGTALK, _("钉钉"))]

    key = models.CharField(_("投递标识"), max_length=200, unique=True)
    reminder = models.ForeignKey(
        "reports.Reminder", verbose_name=_("提醒"), on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=CHANNELS)
    webhook = models.ForeignKey(
        WebhookChannel,
        verbose_name=_("群机器人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    address = models.CharField(_("收件地址"), max_length=254, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_try_at = models.DateTimeField(_("下次尝试"), db_index=True)
    claimed_until = models.DateTimeField(_("发送中至"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True, db_index=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    owner_paths = ("reminder__organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("提醒投递")
        verbose_name_plural = _("提醒投递")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.key


class DailyRun(models.Model):
    """The scheduler's daily run of one day: the unique day lets one of several app processes run it."""

    day = models.DateField(_("日期"), unique=True)
    started_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("每日运行")
        verbose_name_plural = _("每日运行")
        ordering = ["-day"]

    def __str__(self):
        return str(self.day)


class Instruction(AuditedModel):
    """A leader's instruction (领导批示) on a task, a unit or a report; it reaches the units concerned and is
    tracked until each has answered. The office may record one on a leader's behalf (leader_name)."""

    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("任务"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("月报"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="instructions",
    )
    text = models.TextField(_("批示内容"))
    leader_name = models.CharField(_("批示领导"), max_length=100)
    issued_by = models.ForeignKey(
        USER, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    owner_paths = ("targets__organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="instruction_text_required"),
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(organization__isnull=True) & Q(report__isnull=True))
                | (Q(task__isnull=True) & Q(organization__isnull=False) & Q(report__isnull=True))
                | (Q(task__isnull=True) & Q(organization__isnull=True) & Q(report__isnull=False)),
                name="instruction_one_subject",
            ),
        ]

    def __str__(self):
        return f"{self.leader_name}批示：{self.text[:30]}"

    @property
    def subject(self):
        return self.task or self.organization or self.report


class InstructionTarget(AuditedModel):
    """One unit an instruction reaches: when it first read it and its answer (反馈)."""

    instruction = models.ForeignKey(
        Instruction, verbose_name=_("领导批示"), on_delete=models.CASCADE, related_name="targets"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="instruction_targets",
    )
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    answer = models.TextField(_("反馈"), blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("反馈人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    owner_paths = ("organization",)
    unit_actions = ("change",)

    class Meta:
        verbose_name = _("批示承办")
        verbose_name_plural = _("批示承办")
        ordering = ["instruction", "organization__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "organization"], name="instruction_target_once")
        ]

    def __str__(self):
        return f"{self.instruction} → {self.organization}"


class LightRule(AuditedModel):
    """The office's rules for one program's lights and 督办 (defaults: N = 15, X = 20, M = 7)."""

    program = models.OneToOneField(
        "programs.Program", verbose_name=_("对口关系"), on_delete=models.CASCADE, related_name="light_rule"
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("临近到期天数（N）"), default=15, help_text=_("截止日期在 N 天内的任务亮黄灯")
    )
    behind_points = models.PositiveSmallIntegerField(
        _("进度滞后百分点（X）"), default=20, help_text=_("进度落后于时间进度超过 X 个百分点亮黄灯")
    )
    notice_after_days = models.PositiveSmallIntegerField(
        _("红灯督办天数（M）"),
        default=7,
        help_text=_("红灯超过 M 天发出督办（黄牌），再过 M 天未反馈升为红牌"),
    )
    report_grace_days = models.PositiveSmallIntegerField(
        _("月报报送期限（期末后天数）"), default=10, help_text=_("报告期结束后超过该天数仍未报送，任务亮红灯")
    )

    unit_actions = ()

    class Meta:
        verbose_name = _("红黄绿灯规则")
        verbose_name_plural = _("红黄绿灯规则")
        constraints = [
            models.CheckConstraint(condition=Q(behind_points__lte=100), name="light_rule_points_at_most_100"),
        ]

    def __str__(self):
        return f"{self.program} N={self.due_soon_days} X={self.behind_points} M={self.notice_after_days}"


class SupervisionNotice(AuditedModel):
    """督办: raised when a task stays red for more than M days or a unit leaves two urges unanswered; 黄牌 first,
    then 红牌 if the unit does not answer within M days. Numbered (督办〔2026〕3号) when raised; the office issues
    the 督办单 (.docx); the unit answers (反馈) with text and evidence; the office closes it (办结)."""

    YELLOW, RED = "yellow", "red"
    LEVELS = [(YELLOW, _("黄牌")), (RED, _("红牌"))]
    RAISED, ISSUED, ANSWERED, CLOSED = "raised", "issued", "answered", "closed"
    STATUSES = [
        (RAISED, _("待签发")),
        (ISSUED, _("已签发待反馈")),
        (ANSWERED, _("已反馈")),
        (CLOSED, _("已办结")),
    ]
    RED_TOO_LONG, URGES_UNANSWERED, ESCALATED = "red", "urges", "escalated"
    CAUSES = [
        (RED_TOO_LONG, _("红灯超期")),
        (URGES_UNANSWERED, _("两次催办未反馈")),
        (ESCALATED, _("黄牌逾期未反馈")),
    ]

    year = models.PositiveSmallIntegerField(_("年度"))
    sequence = models.PositiveIntegerField(_("序号"))
    task = models.ForeignKey(
        "plans.Task", verbose_name=_("任务"), on_delete=models.CASCADE, related_name="notices"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("督办单位"),
        on_delete=models.PROTECT,
        related_name="supervision_notices",
    )
    level = models.CharField(_("等级"), max_length=8, choices=LEVELS, default=YELLOW)
    cause = models.CharField(_("督办原因"), max_length=10, choices=CAUSES)
    reason = models.TextField(_("督办事由"))
    status = models.CharField(_("状态"), max_length=10, choices=STATUSES, default=RAISED, db_index=True)
    escalated_from = models.ForeignKey(
        "self",
        verbose_name=_("由黄牌升级"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="escalations",
    )
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        USER, verbose_name=_("签发人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_due = models.DateField(_("反馈期限"), null=True, blank=True)
    answer = models.TextField(_("反馈"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="notices/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=255, blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        USER, verbose_name=_("反馈人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    close_note = models.TextField(_("办结意见"), blank=True)

    owner_paths = ("organization",)
    unit_actions = ("change",)  # answering
    audit_exclude = ("created_at", "updated_at", "evidence")

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-year", "-sequence"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="notice_number_once")]

    def __str__(self):
        return f"{self.number} {self.get_level_display()}"

    @property
    def number(self) -> str:
        return f"督办〔{self.year}〕{self.sequence}号"

    def overdue_on(self, day) -> bool:
        """Issued and not answered by its answer date."""
        return self.status == self.ISSUED and self.answer_due is not None and self.answer_due < day
