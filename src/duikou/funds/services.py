"""Two-sided funds: the donor side records money sent, the supported side confirms what arrived."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core import hooks, workflow
from duikou.core import permissions as perms
from duikou.organizations.models import Organization

from .models import FundingLine, Transaction

# A transfer may take a few banking days to arrive; only a larger gap between the dates is a disagreement.
RECEIPT_DATE_TOLERANCE_DAYS = 3


def _amount(value, place: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except Exception as exc:
        raise ValidationError(
            {place: _("%(place)s不是有效金额：%(v)s") % {"place": place, "v": value}}
        ) from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({place: _("%(place)s不能为负数") % {"place": place}})
    return amount.quantize(Decimal("0.01"))


def receipt_agrees(txn: Transaction) -> bool:
    """Whether the confirmed amount and date agree with what the donor side recorded."""
    if txn.received_amount is None or txn.received_on is None:
        return False
    return (
        txn.received_amount == txn.amount
        and abs((txn.received_on - txn.date).days) <= RECEIPT_DATE_TOLERANCE_DAYS
    )


def disagreements(txn: Transaction) -> list[str]:
    """In words, what the two sides disagree on (empty when they agree or nothing was confirmed yet)."""
    if txn.receipt_status != Transaction.DISPUTED:
        return []
    out = []
    if txn.received_amount is not None and txn.received_amount != txn.amount:
        out.append(
            _("金额不一致：付款方登记 %(a)s 元，收款方确认 %(b)s 元")
            % {"a": txn.amount, "b": txn.received_amount}
        )
    if txn.received_on is not None and abs((txn.received_on - txn.date).days) > RECEIPT_DATE_TOLERANCE_DAYS:
        out.append(_("日期不一致：付款日期 %(a)s，到账日期 %(b)s") % {"a": txn.date, "b": txn.received_on})
    return out


def receipt_marker(txn: Transaction) -> str:
    # Reminders have no link to a transaction; this untranslated prefix finds the notices of one.
    return f"[#{txn.pk}] "


@transaction.atomic
def record_disbursement(
    *,
    user,
    payer: Organization,
    payee: Organization,
    amount,
    date: dt.date,
    funding_line: FundingLine | None = None,
    project=None,
    report=None,
    kind: str = Transaction.DISBURSEMENT,
    description: str = "",
) -> Transaction:
    """The donor side records money it sent; it waits for the supported side to confirm receipt."""
    perms.require_allowed(user, Transaction, perms.ADD)
    workflow.require(user, "funds.record", payer, message=_("无权以 %(org)s 的名义登记付款") % {"org": payer})
    if funding_line is None and project is None:
        raise ValidationError({"funding_line": _("请选择资金计划或项目")})
    if payer == payee:
        raise ValidationError({"payee": _("付款方与收款方不能相同")})
    if kind not in dict(Transaction.KINDS):
        raise ValidationError({"kind": _("未知的资金类型：%(k)s") % {"k": kind}})
    if report is not None:
        perms.require(user, report, perms.CHANGE)
    txn = Transaction(
        funding_line=funding_line,
        project=project,
        report=report,
        kind=kind,
        amount=_amount(amount, _("金额")),
        date=date,
        payer=payer,
        payee=payee,
        description=description,
        recorded_by=user if getattr(user, "pk", None) else None,
    )
    txn.full_clean(exclude=["version"])
    txn.save()
    return txn


@transaction.atomic
def confirm_receipt(
    *,
    transaction_: Transaction,
    user,
    received_amount,
    received_on: dt.date,
    note: str = "",
    version: int | None = None,
) -> Transaction:
    """The supported side confirms what arrived; a different amount or date flags the record on both sides."""
    txn = transaction_
    workflow.require(
        user, "funds.confirm_receipt", txn, message=_("只有收款方 %(org)s 可以确认到账") % {"org": txn.payee}
    )
    if version is not None:
        txn.version = version
    txn.received_amount = _amount(received_amount, _("到账金额"))
    txn.received_on = received_on
    txn.receipt_note = note
    txn.confirmed_by = user if getattr(user, "pk", None) else None
    txn.receipt_status = Transaction.CONFIRMED if receipt_agrees(txn) else Transaction.DISPUTED
    txn.save()
    # Both sides' inboxes show a disagreement until it is resolved (the reports app keeps the inbox).
    hooks.fire(hooks.RECEIPT_JUDGED, transaction=txn, agrees=txn.receipt_status != Transaction.DISPUTED)
    return txn


@transaction.atomic
def correct_disbursement(
    *,
    transaction_: Transaction,
    user,
    amount=None,
    date: dt.date | None = None,
    note: str = "",
    version: int | None = None,
) -> Transaction:
    """The donor side corrects its record (amount or date); the receipt status is judged again."""
    txn = transaction_
    perms.require(user, txn, perms.CHANGE)
    workflow.require(
        user, "funds.correct", txn, message=_("只有付款方 %(org)s 可以更正付款记录") % {"org": txn.payer}
    )
    if version is not None:
        txn.version = version
    if amount is not None:
        txn.amount = _amount(amount, _("金额"))
    if date is not None:
        txn.date = date
    if note:
        txn.description = note[:500]
    if txn.received_amount is not None:
        txn.receipt_status = Transaction.CONFIRMED if receipt_agrees(txn) else Transaction.DISPUTED
    txn.save()
    # Both sides' inboxes show a disagreement until it is resolved (the reports app keeps the inbox).
    hooks.fire(hooks.RECEIPT_JUDGED, transaction=txn, agrees=txn.receipt_status != Transaction.DISPUTED)
    return txn


def flagged(user):
    """Transactions whose two sides disagree, among those the user may see (both sides see the flag)."""
    return Transaction.objects.restrict(user, perms.VIEW).filter(receipt_status=Transaction.DISPUTED)
