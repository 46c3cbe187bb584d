"""Year-end assessment (绩效考核): the office's scoring rules and each unit's score."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import YearField
from duikou.core.models import AuditedModel

GRADE_GOOD, GRADE_FAIRLY_GOOD, GRADE_FAIR, GRADE_POOR = "好", "较好", "一般", "差"


class AssessmentRule(AuditedModel):
    """The weights an office sets for one program's assessment of one year (they sum to 100)."""

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("对口关系"),
        on_delete=models.CASCADE,
        related_name="assessment_rules",
    )
    year = YearField(_("年度"))
    weight_tasks_on_time = models.DecimalField(
        _("任务按时完成权重"), max_digits=5, decimal_places=2, default=40
    )
    weight_targets_reached = models.DecimalField(
        _("目标完成权重"), max_digits=5, decimal_places=2, default=30
    )
    weight_funds_spent = models.DecimalField(_("资金执行权重"), max_digits=5, decimal_places=2, default=20)
    weight_reports_on_time = models.DecimalField(
        _("月报按时报送权重"), max_digits=5, decimal_places=2, default=10
    )
    # The office's thresholds on the score (0–100) for the grade: 好 from grade_good, 较好 from grade_fairly_good,
    # 一般 from grade_fair, 差 below.
    grade_good = models.DecimalField(_("“好”最低分"), max_digits=5, decimal_places=2, default=90)
    grade_fairly_good = models.DecimalField(_("“较好”最低分"), max_digits=5, decimal_places=2, default=80)
    grade_fair = models.DecimalField(_("“一般”最低分"), max_digits=5, decimal_places=2, default=60)
    # Published: the results are frozen with the figures they used (each result's breakdown) and the year's
    # reporting periods lock; nothing recomputes them.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="assessment_rule_once_per_year"),
            models.CheckConstraint(
                condition=Q(weight_tasks_on_time__gte=0)
                & Q(weight_targets_reached__gte=0)
                & Q(weight_funds_spent__gte=0)
                & Q(weight_reports_on_time__gte=0),
                name="assessment_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(grade_fair__gte=0)
                & Q(grade_fair__lte=F("grade_fairly_good"))
                & Q(grade_fairly_good__lte=F("grade_good"))
                & Q(grade_good__lte=100),
                name="assessment_grade_thresholds_in_order",
            ),
        ]

    def grade(self, score) -> str:
        """好 / 较好 / 一般 / 差 for a score, by this rule's thresholds."""
        if score is None:
            return ""
        if score >= self.grade_good:
            return GRADE_GOOD
        if score >= self.grade_fairly_good:
            return GRADE_FAIRLY_GOOD
        return GRADE_FAIR if score >= self.grade_fair else GRADE_POOR

    def __str__(self):
        return f"{self.program} {self.year}"


class Assessment(AuditedModel):
    """One unit's score for one rule, with its breakdown and rank."""

    rule = models.ForeignKey(
        AssessmentRule, verbose_name=_("考核规则"), on_delete=models.CASCADE, related_name="assessments"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    breakdown = models.JSONField(_("得分明细"), default=dict)

    owner_paths = ("organization",)
    unit_actions = ()

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["rule", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "organization"], name="assessment_once_per_unit"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="assessment_score_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.organization} {self.score}"


class AssessmentProcedure(AuditedModel):
    """The year-end assessment as offices run it for one program and year: each side's self-assessment → the
    paired side's opinion → cross-verification by a group the office names → a grade (好/较好/一般/差)."""

    SELF, OPINION, CROSS, GRADED = "self", "opinion", "cross", "graded"
    STAGES = [(SELF, _("自评")), (OPINION, _("对方意见")), (CROSS, _("交叉考核")), (GRADED, _("已评定等次"))]

    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("对口关系"),
        on_delete=models.CASCADE,
        related_name="assessment_procedures",
    )
    year = YearField(_("年度"))
    stage = models.CharField(_("环节"), max_length=8, choices=STAGES, default=SELF)
    cross_group = models.CharField(_("交叉考核组"), max_length=200, blank=True)
    cross_members = models.TextField(_("考核组成员"), blank=True)
    base_score = models.DecimalField(_("指标得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    adjustment = models.DecimalField(_("考核调整分"), max_digits=6, decimal_places=2, default=0)
    score = models.DecimalField(_("最终得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等次"), max_length=4, blank=True)
    graded_on = models.DateField(_("评定日期"), null=True, blank=True)

    owner_paths = ("program__donors",)
    recipient_paths = ("program__recipients",)
    unit_actions = ()

    class Meta:
        verbose_name = _("考核程序")
        verbose_name_plural = _("考核程序")
        ordering = ["-year", "program"]
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="assessment_procedure_once_per_year")
        ]

    def __str__(self):
        return f"{self.program} {self.year}年度考核"


class ProcedureStep(AuditedModel):
    """One dated step of an assessment procedure, with its text, its indicator table and its evidence."""

    SELF_ASSESSMENT, OPINION, CROSS_VERIFICATION, GRADING = "self", "opinion", "cross", "grade"
    KINDS = [
        (SELF_ASSESSMENT, _("自评")),
        (OPINION, _("对方意见")),
        (CROSS_VERIFICATION, _("交叉考核")),
        (GRADING, _("等次评定")),
    ]
    DONOR, RECIPIENT = "donor", "recipient"
    SIDES = [(DONOR, _("支援方")), (RECIPIENT, _("受援方"))]

    procedure = models.ForeignKey(
        AssessmentProcedure, verbose_name=_("考核程序"), on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(_("环节"), max_length=8, choices=KINDS)
    side = models.CharField(_("一方"), max_length=10, choices=SIDES, blank=True)
    date = models.DateField(_("日期"))
    text = models.TextField(_("内容"), blank=True)
    table = models.JSONField(_("指标完成表"), default=list, blank=True)
    findings = models.TextField(_("考核发现"), blank=True)
    adjustment = models.DecimalField(_("调整分"), max_digits=6, decimal_places=2, default=0)
    evidence = models.FileField(_("佐证材料"), upload_to="assessment-evidence/%Y/", blank=True)
    evidence_name = models.CharField(_("佐证材料文件名"), max_length=255, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    owner_paths = ("procedure__program__donors",)
    recipient_paths = ("procedure__program__recipients",)
    unit_actions = ()
    audit_exclude = ("created_at", "updated_at", "evidence")

    class Meta:
        verbose_name = _("考核环节")
        verbose_name_plural = _("考核环节")
        ordering = ["procedure", "date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "kind", "side"], name="procedure_step_once_per_side"
            ),
        ]

    def __str__(self):
        side = f"（{self.get_side_display()}）" if self.side else ""
        return f"{self.procedure} {self.get_kind_display()}{side}"
