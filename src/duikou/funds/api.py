"""REST API for funding lines and transactions (money moves through the funds services)."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Field, FilterLookup, FilterSchema, ModelSchema, Router, Schema

from duikou.core import permissions as perms
from duikou.core.api_auth import API_AUTH
from duikou.exchange.rest import Id, Text, Year, add_action, crud_router, resolve
from duikou.organizations.models import Organization
from duikou.projects.models import Project
from duikou.reports.models import Report

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


class FundingLineFilter(FilterSchema):
    plan: Annotated[Id | None, FilterLookup("plan_id")] = None
    program: Annotated[Id | None, FilterLookup("plan__program_id")] = None
    year: Annotated[Year | None, FilterLookup("year")] = None
    source_organization: Annotated[Id | None, FilterLookup("source_organization_id")] = None


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


class TransactionFilter(FilterSchema):
    funding_line: Annotated[Id | None, FilterLookup("funding_line_id")] = None
    project: Annotated[Id | None, FilterLookup("project_id")] = None
    payer: Annotated[Id | None, FilterLookup("payer_id")] = None
    payee: Annotated[Id | None, FilterLookup("payee_id")] = None
    kind: Annotated[Text | None, FilterLookup("kind")] = None
    receipt_status: Annotated[Text | None, FilterLookup("receipt_status")] = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None


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
    filters=TransactionFilter,
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
    filters=FundingLineFilter,
    create=FundingLineCreate,
    update=FundingLineUpdate,
    fields=LINE_FIELDS,
    router=router,
)
