"""Funding schedules and the money that moves against them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from duikou.core.fields import MoneyField, YearField
from duikou.core.models import AuditedModel, VersionedModel
from duikou.core.permissions import RestrictedQuerySet

DISBURSEMENT, EXPENDITURE = "disbursement", "expenditure"
# The one definition of "money spent": paid to the recipient (支付到账) or spent directly on the work (支出), the
# two IATI kinds by which money leaves the payer. Commitments and appropriations are promises, not spending.
SPENT_KINDS = (DISBURSEMENT, EXPENDITURE)


def spent_by_line(lines_queryset) -> dict[int, Decimal]:
    """Funding line id → money spent (SPENT_KINDS) against it."""
    rows = (
        Transaction.objects.spent()
        .filter(funding_line__in=lines_queryset.values("pk"))
        .order_by()
        .values("funding_line_id")
        .annotate(total=models.Sum("amount"))
    )
    return {row["funding_line_id"]: row["total"] or Decimal(0) for row in rows}


class TransactionQuerySet(RestrictedQuerySet):
    def spent(self):
        """Money spent (SPENT_KINDS): what the dashboard, funds pages, bulletins and assessments all count."""
        return self.filter(kind__in=SPENT_KINDS)


class FundingLine(AuditedModel):
    """A planned amount from one source in one year (福建省 2022 年 1305 万元)."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("方案"), on_delete=models.CASCADE, related_name="funding_lines"
    )
    source = models.CharField(_("资金来源"), max_length=200)
    source_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("出资单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funding_lines",
    )
    year = YearField(_("年度"))
    amount = MoneyField(_("计划金额（元）"))
    text = models.TextField(_("原文"), blank=True)
    extra = models.JSONField(
        _("其他字段"), default=dict, blank=True, help_text=_("导入文件中该项的附加字段，导出时原样带回")
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    owner_paths = ("source_organization",)
    recipient_paths = ("plan__program__recipients",)
    unit_actions = ()

    class Meta:
        verbose_name = _("资金计划")
        verbose_name_plural = _("资金计划")
        ordering = ["plan", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_amount_not_negative"),
            models.UniqueConstraint(fields=["plan", "source", "year"], name="funding_unique_source_year"),
        ]

    def __str__(self):
        return f"{self.source} {self.year}"


class Transaction(AuditedModel, VersionedModel):
    """Money against a funding line or a project; the receiving side confirms receipt."""

    COMMITMENT, APPROPRIATION = "commitment", "appropriation"
    DISBURSEMENT, EXPENDITURE = DISBURSEMENT, EXPENDITURE
    SPENT_KINDS = SPENT_KINDS
    KINDS = [
        (COMMITMENT, _("承诺")),
        (APPROPRIATION, _("拨付下达")),
        (DISBURSEMENT, _("支付到账")),
        (EXPENDITURE, _("支出")),
    ]
    # IATI 2.03 TransactionType codes: 2 outgoing commitment, 1 incoming funds, 3 disbursement, 4 expenditure.
    IATI_CODES = {COMMITMENT: "2", APPROPRIATION: "1", DISBURSEMENT: "3", EXPENDITURE: "4"}
    PENDING, CONFIRMED, DISPUTED = "pending", "confirmed", "disputed"
    RECEIPT_STATUSES = [(PENDING, _("待确认")), (CONFIRMED, _("已确认")), (DISPUTED, _("有差异"))]

    funding_line = models.ForeignKey(
        FundingLine,
        verbose_name=_("资金计划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
    )
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("所属月报"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="transactions",
    )
    kind = models.CharField(_("类型"), max_length=14, choices=KINDS, default=DISBURSEMENT, db_index=True)
    amount = MoneyField(_("金额（元）"))
    date = models.DateField(_("日期"), db_index=True)
    payer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("付款方"),
        on_delete=models.PROTECT,
        related_name="payments_made",
    )
    payee = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("收款方"),
        on_delete=models.PROTECT,
        related_name="payments_received",
    )
    description = models.CharField(_("摘要"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    receipt_status = models.CharField(
        _("到账确认"), max_length=10, choices=RECEIPT_STATUSES, default=PENDING, db_index=True
    )
    received_amount = MoneyField(_("确认到账金额（元）"), null=True, blank=True)
    received_on = models.DateField(_("到账日期"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    receipt_note = models.CharField(_("确认说明"), max_length=500, blank=True)

    objects = TransactionQuerySet.as_manager()

    owner_paths = ("payer",)
    recipient_paths = ("payee",)
    unit_actions = ("add", "change")
    recipient_actions = ("change",)

    class Meta:
        verbose_name = _("资金往来")
        verbose_name_plural = _("资金往来")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="transaction_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(received_amount__isnull=True) | Q(received_amount__gte=0),
                name="transaction_received_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(funding_line__isnull=False) | Q(project__isnull=False),
                name="transaction_has_line_or_project",
            ),
        ]
        indexes = [
            models.Index(fields=["payer", "date"]),
            models.Index(fields=["payee", "date"]),
            # A unit's money spent against funding lines (its dashboard; the gate reads payer or payee): without them
            # PostgreSQL read all ~30,000 payments of a busy unit to keep the ~11,000 spent against a line.
            *(
                models.Index(
                    fields=[side],
                    # Equalities rather than kind IN (…): PostgreSQL prints an IN list's casts in a form that reads back
                    # differently, so the index the bulk load re-creates from its printed definition would not be
                    # the one migrated (the planner takes either).
                    condition=Q(funding_line__isnull=False)
                    & Q(*(("kind", kind) for kind in SPENT_KINDS), _connector=Q.OR),
                    name=f"transaction_{side}_spent_line",
                )
                for side in ("payer", "payee")
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} 元"
