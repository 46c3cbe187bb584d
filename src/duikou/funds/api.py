"""REST API for funding lines and transactions (money moves through the funds services)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, ModelSchema, Router, Schema

from duikou.core import permissions as perms
from duikou.core.api_auth import API_AUTH
from duikou.core.rest import Id, add_action, crud_router, resolve
from duikou.organizations.models import Organization
from duikou.projects.models import Project
from duikou.reports.models import Report

from .filters import FUNDING_FILTERS, TRANSACTION_FILTERS
from .models import FundingLine, Transaction
from .services import confirm_receipt, correct_disbursement, record_disbursement

LINE_FIELDS = ["plan", "source", "source_organization", "year", "amount", "text", "order"]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]
Note = Annotated[str, Field(max_length=500)]


class FundingLineRead(ModelSchema):
    class Meta:
        model = FundingLine
        fields = ["id", *LINE_FIELDS, "created_at", "updated_at"]


class FundingLineCreate(ModelSchema):
    class Meta:
        model = FundingLine
        fields = LINE_FIELDS


class FundingLineUpdate(ModelSchema):
    class Meta:
        model = FundingLine
        fields = LINE_FIELDS
        fields_optional = "__all__"


class TransactionRead(ModelSchema):
    class Meta:
        model = Transaction
        fields = [
            "id",
            "funding_line",
            "project",
            "report",
            "kind",
            "amount",
            "date",
            "payer",
            "payee",
            "description",
            "recorded_by",
            "receipt_status",
            "received_amount",
            "received_on",
            "confirmed_by",
            "receipt_note",
            "version",
            "created_at",
            "updated_at",
        ]


class TransactionCreate(Schema):
    """Money the paying side sent; the receiving side confirms it afterwards."""

    payer_id: Id
    payee_id: Id
    amount: Money
    date: dt.date
    kind: Annotated[str, Field(max_length=14)] = Transaction.DISBURSEMENT
    funding_line_id: Id | None = None
    project_id: Id | None = None
    report_id: Id | None = None
    description: Note = ""


class TransactionUpdate(Schema):
    """A correction by the paying side."""

    amount: Money | None = None
    date: dt.date | None = None
    note: Note = ""
    version: int | None = None


class ReceiptConfirm(Schema):
    """What the receiving side says arrived."""

    received_amount: Money
    received_on: dt.date
    note: Note = ""
    version: int | None = None


def create_transaction(user, p: TransactionCreate) -> Transaction:
    return record_disbursement(
        user=user,
        payer=resolve(Organization, user, p.payer_id, field="payer_id"),
        payee=resolve(Organization, user, p.payee_id, field="payee_id"),
        amount=p.amount,
        date=p.date,
        funding_line=resolve(FundingLine, user, p.funding_line_id, field="funding_line_id"),
        project=resolve(Project, user, p.project_id, field="project_id"),
        report=resolve(Report, user, p.report_id, field="report_id"),
        kind=p.kind,
        description=p.description,
    )


def update_transaction(user, txn: Transaction, p: TransactionUpdate) -> Transaction:
    return correct_disbursement(
        transaction_=txn, user=user, amount=p.amount, date=p.date, note=p.note, version=p.version
    )


router = Router(auth=API_AUTH)
transactions = crud_router(
    Transaction,
    name="transaction",
    read=TransactionRead,
    filters=TRANSACTION_FILTERS,
    create=TransactionCreate,
    update=TransactionUpdate,
    create_with=create_transaction,
    update_with=update_transaction,
    deletable=False,
)
add_action(
    transactions,
    Transaction,
    name="transaction",
    path="receipt",
    payload=ReceiptConfirm,
    response=TransactionRead,
    action=perms.VIEW,
    do=lambda user, txn, p: confirm_receipt(
        transaction_=txn,
        user=user,
        received_amount=p.received_amount,
        received_on=p.received_on,
        note=p.note,
        version=p.version,
    ),
)
router.add_router("/transactions/", transactions)
crud_router(
    FundingLine,
    name="funding_line",
    read=FundingLineRead,
    filters=FUNDING_FILTERS,
    create=FundingLineCreate,
    update=FundingLineUpdate,
    fields=LINE_FIELDS,
    router=router,
)
