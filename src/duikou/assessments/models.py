"""Year-end assessment (绩效考核): the office's scoring rules and each unit's score."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import YearField
from duikou.core.models import AuditedModel


class AssessmentRule(AuditedModel):
    """The weights an office sets for one program's assessment of one year (they sum to 100)."""

    program = models.ForeignKey("programs.Program", verbose_name=_("对口关系"), on_delete=models.CASCADE, related_name="assessment_rules")
    year = YearField(_("年度"))
    weight_tasks_on_time = models.DecimalField(_("任务按时完成权重"), max_digits=5, decimal_places=2, default=40)
    weight_targets_reached = models.DecimalField(_("目标完成权重"), max_digits=5, decimal_places=2, default=30)
    weight_funds_spent = models.DecimalField(_("资金执行权重"), max_digits=5, decimal_places=2, default=20)
    weight_reports_on_time = models.DecimalField(_("月报按时报送权重"), max_digits=5, decimal_places=2, default=10)
    # Published: the results are frozen with the figures they used (each result's breakdown) and the year's
    # reporting periods lock; nothing recomputes them.
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")
        constraints = [
            models.UniqueConstraint(fields=["program", "year"], name="assessment_rule_once_per_year"),
            models.CheckConstraint(
                condition=Q(weight_tasks_on_time__gte=0) & Q(weight_targets_reached__gte=0)
                & Q(weight_funds_spent__gte=0) & Q(weight_reports_on_time__gte=0),
                name="assessment_weights_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.year}"


class Assessment(AuditedModel):
    """One unit's score for one rule, with its breakdown and rank."""

    rule = models.ForeignKey(AssessmentRule, verbose_name=_("考核规则"), on_delete=models.CASCADE, related_name="assessments")
    organization = models.ForeignKey(
        "organizations.Organization", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="assessments"
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
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="assessment_score_in_range"),
        ]

    def __str__(self):
        return f"{self.organization} {self.score}"
