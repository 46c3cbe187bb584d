"""Summary tables kept current with the data (same transaction), so dashboards never read stale answers.

Keys are plain ids without database foreign keys: a tally row is removed by the handlers when its
plan or organization goes, and the generator and `duikou analytics rebuild` refill them in bulk.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# Tasks without a due date are counted under this date, which is never overdue.
NO_DUE_DATE = dt.date(9999, 12, 31)


class TaskTally(models.Model):
    """How many tasks of one plan are in one status with one due date."""

    plan_id = models.BigIntegerField(_("方案"), db_index=True)
    program_id = models.BigIntegerField(_("对口关系"), db_index=True)
    status = models.CharField(_("状态"), max_length=12)
    due_date = models.DateField(_("截止日期"))
    count = models.IntegerField(_("任务数"), default=0)

    class Meta:
        verbose_name = _("任务统计")
        verbose_name_plural = _("任务统计")
        constraints = [
            models.UniqueConstraint(fields=["plan_id", "status", "due_date"], name="task_tally_key")
        ]


class UnitTaskTally(models.Model):
    """How many task assignments (lead or support) one organization holds per status and due date."""

    organization_id = models.BigIntegerField(_("单位"), db_index=True)
    role = models.CharField(_("分工"), max_length=8)
    status = models.CharField(_("状态"), max_length=12)
    due_date = models.DateField(_("截止日期"))
    count = models.IntegerField(_("任务数"), default=0)

    class Meta:
        verbose_name = _("单位任务统计")
        verbose_name_plural = _("单位任务统计")
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "role", "status", "due_date"], name="unit_task_tally_key"
            )
        ]


class FundsTally(models.Model):
    """Money planned and moved per program, plan (0: not under a plan) and year, by transaction kind."""

    program_id = models.BigIntegerField(_("对口关系"), db_index=True)
    plan_id = models.BigIntegerField(_("方案"), db_index=True)
    year = models.IntegerField(_("年度"))
    planned = models.DecimalField(_("计划金额"), max_digits=20, decimal_places=2, default=0)
    commitment = models.DecimalField(_("承诺"), max_digits=20, decimal_places=2, default=0)
    appropriation = models.DecimalField(_("拨付下达"), max_digits=20, decimal_places=2, default=0)
    disbursement = models.DecimalField(_("支付到账"), max_digits=20, decimal_places=2, default=0)
    expenditure = models.DecimalField(_("支出"), max_digits=20, decimal_places=2, default=0)
    # The dashboard's execution rate compares planned lines with money spent (funds.models.SPENT_KINDS) against
    # those lines only.
    line_spent = models.DecimalField(_("资金计划执行"), max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("资金统计")
        verbose_name_plural = _("资金统计")
        constraints = [
            models.UniqueConstraint(fields=["program_id", "plan_id", "year"], name="funds_tally_key")
        ]


class UnitFundsTally(models.Model):
    """Money one organization paid out and received per year and transaction kind."""

    organization_id = models.BigIntegerField(_("单位"), db_index=True)
    year = models.IntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=14)
    paid = models.DecimalField(_("付出"), max_digits=20, decimal_places=2, default=0)
    received = models.DecimalField(_("收到"), max_digits=20, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("单位资金统计")
        verbose_name_plural = _("单位资金统计")
        constraints = [
            models.UniqueConstraint(fields=["organization_id", "year", "kind"], name="unit_funds_tally_key")
        ]


class TargetTally(models.Model):
    """One target's achieved value: the sum of each unit's figure in its latest approved report (as the pages define it)."""

    target_id = models.BigIntegerField(_("目标"), primary_key=True)
    plan_id = models.BigIntegerField(_("方案"), db_index=True)
    program_id = models.BigIntegerField(_("对口关系"), db_index=True)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4, default=0)
    achieved = models.DecimalField(_("完成值"), max_digits=24, decimal_places=4, default=0)
    reached = models.BooleanField(_("已达成"), default=False)
    # The target's split among units (分解目标): how many shares, and how many the units' approved figures meet.
    allocations = models.IntegerField(_("分解数"), default=0)
    allocations_reached = models.IntegerField(_("分解已达成"), default=0)

    class Meta:
        verbose_name = _("目标完成统计")
        verbose_name_plural = _("目标完成统计")


class UnitRollup(models.Model):
    """One organization's task assignments in total, lead, completed and overdue as of `as_of` (the dashboard's
    ranking of units reads it instead of grouping every unit tally row).

    Writes add their deltas in the same transaction, judging "overdue" against the row's own `as_of`; the first
    read on a later day recomputes the overdue counts of the rows whose `as_of` has passed, so no answer is stale.
    """

    organization_id = models.BigIntegerField(_("单位"), primary_key=True)
    tasks = models.IntegerField(_("任务数"), default=0)
    lead = models.IntegerField(_("牵头"), default=0)
    completed = models.IntegerField(_("已完成"), default=0)
    overdue = models.IntegerField(_("逾期"), default=0)
    as_of = models.DateField(_("逾期计算日"), db_index=True)

    class Meta:
        verbose_name = _("单位任务汇总")
        verbose_name_plural = _("单位任务汇总")
        indexes = [models.Index(fields=["-overdue", "-tasks", "organization_id"], name="unit_rollup_rank")]
