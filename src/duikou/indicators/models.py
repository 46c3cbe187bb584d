"""The national indicator catalogue (东西部协作 统计指标), versioned by year, and each pair's yearly agreement."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import YearField
from duikou.core.models import AuditedModel


class Indicator(AuditedModel):
    """One line of the national statistical form: code, name, unit, how it rolls up, the words documents use."""

    SUM, DISTINCT = "sum", "distinct"
    ROLLUPS = [(SUM, _("求和")), (DISTINCT, _("去重计数"))]
    PART, OF_WHICH = "part", "of_which"
    RELATIONS = [(PART, _("组成部分（计入上级）")), (OF_WHICH, _("其中（不另计入上级）"))]
    WAN_YUAN, PERSON, PERSON_TIMES, COUNT = "万元", "人", "人次", "个"
    UNITS = [(WAN_YUAN, _("万元")), (PERSON, _("人")), (PERSON_TIMES, _("人次")), (COUNT, _("个"))]

    code = models.CharField(_("代码"), max_length=64, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=8, choices=UNITS)
    rollup = models.CharField(_("汇总方式"), max_length=10, choices=ROLLUPS, default=SUM)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    relation = models.CharField(_("与上级关系"), max_length=10, choices=RELATIONS, default=PART, blank=True)
    year_from = YearField(_("起用年度"))
    year_to = YearField(_("停用年度"), null=True, blank=True, help_text=_("空：仍在使用"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    words = models.JSONField(
        _("文件用语"),
        default=list,
        blank=True,
        help_text=_("方案、协议中表述该指标的词语或正则表达式，如 销售.{0,6}农副产品"),
    )
    sources = models.JSONField(
        _("计入的业务记录"),
        default=list,
        blank=True,
        help_text=_(
            "按类别计入的选派、资金、项目、结对记录，如 dispatch:teacher、disbursement、project:count"
        ),
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    owner_paths = ()
    unit_actions = ()

    class Meta:
        verbose_name = _("协作指标")
        verbose_name_plural = _("协作指标")
        ordering = ["year_from", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year_from"], name="indicator_code_once_per_edition"),
            models.CheckConstraint(
                condition=Q(year_to__isnull=True) | Q(year_from__lte=F("year_to")),
                name="indicator_years_in_order",
            ),
        ]

    def __str__(self):
        if self.parent_id and self.relation == self.OF_WHICH:
            return f"{self.parent.name}·其中{self.name}"
        return f"{self.parent.name}·{self.name}" if self.parent_id else self.name

    @property
    def is_money(self) -> bool:
        return self.unit == self.WAN_YUAN


class Agreement(AuditedModel):
    """A pair's yearly cooperation agreement (年度协议): the values both sides agreed per indicator."""

    MANUAL, SPREADSHEET, PLAN = "manual", "xlsx", "plan"
    SOURCES = [(MANUAL, _("页面录入")), (SPREADSHEET, _("Excel 导入")), (PLAN, _("取自方案目标"))]

    pairing = models.ForeignKey(
        "programs.Pairing", verbose_name=_("结对关系"), on_delete=models.CASCADE, related_name="agreements"
    )
    year = YearField(_("年度"))
    title = models.CharField(_("协议名称"), max_length=300, blank=True)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=SOURCES, default=MANUAL)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("来源方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("说明"), blank=True)

    owner_paths = ("pairing__donor",)
    recipient_paths = ("pairing__recipient",)
    unit_actions = ()

    class Meta:
        verbose_name = _("年度协议")
        verbose_name_plural = _("年度协议")
        ordering = ["-year", "pairing"]
        constraints = [
            models.UniqueConstraint(fields=["pairing", "year"], name="agreement_once_per_pair_year")
        ]

    def __str__(self):
        return self.title or f"{self.pairing} {self.year}年协议"


class AgreedValue(AuditedModel):
    """One indicator's agreed value in one agreement, in the indicator's unit (万元, 人, 个)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("年度协议"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="agreed"
    )
    value = models.DecimalField(_("协议数"), max_digits=20, decimal_places=4)

    owner_paths = ("agreement__pairing__donor",)
    recipient_paths = ("agreement__pairing__recipient",)
    unit_actions = ()

    class Meta:
        verbose_name = _("协议指标值")
        verbose_name_plural = _("协议指标值")
        ordering = ["agreement", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "indicator"], name="agreed_value_once_per_indicator"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="agreed_value_not_negative"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.value}"
