"""Two-sided funds (record, confirm, disagree, resolve) and the life of projects by role."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from duikou.core import permissions as perms
from duikou.funds import services as funds
from duikou.funds.models import Transaction
from duikou.projects import services as projects
from duikou.projects.models import Project
from duikou.reports.models import Reminder

pytestmark = pytest.mark.django_db


def test_matching_receipt_is_confirmed(world):
    txn = funds.confirm_receipt(
        transaction_=world.txn,
        user=world.users[perms.RECIPIENT_VIEWER],
        received_amount="300,000.00",
        received_on=world.txn.date + dt.timedelta(days=2),
    )
    assert (
        txn.receipt_status == Transaction.CONFIRMED
        and txn.confirmed_by == world.users[perms.RECIPIENT_VIEWER]
    )
    assert not Reminder.objects.filter(kind=Reminder.FUNDS_MISMATCH).exists()


def test_disagreement_is_flagged_on_both_sides_until_resolved(world):
    recipient, donor = world.users[perms.RECIPIENT_VIEWER], world.users["reporter_a"]
    txn = funds.confirm_receipt(
        transaction_=world.txn, user=recipient, received_amount="280000", received_on=dt.date(2025, 7, 1)
    )
    assert txn.receipt_status == Transaction.DISPUTED
    problems = funds.disagreements(txn)
    assert any("金额不一致" in p and "280000" in p for p in problems)
    assert any("日期不一致" in p for p in problems)
    # Both sides see the flag and have it in their inbox.
    assert list(funds.flagged(recipient)) == [txn] and list(funds.flagged(donor)) == [txn]
    assert set(
        Reminder.objects.filter(kind=Reminder.FUNDS_MISMATCH, read_at=None).values_list(
            "organization", flat=True
        )
    ) == {world.mawei.pk, world.wanzhou.pk}
    # The donor corrects its record to what arrived: resolved, flags cleared.
    txn = funds.correct_disbursement(transaction_=txn, user=donor, amount="280000", date=dt.date(2025, 6, 30))
    assert txn.receipt_status == Transaction.CONFIRMED
    assert not funds.flagged(recipient).exists()
    assert not Reminder.objects.filter(kind=Reminder.FUNDS_MISMATCH, read_at=None).exists()


def test_only_the_receiving_side_confirms_and_only_the_paying_side_records(world):
    with pytest.raises(PermissionDenied, match="收款方"):
        funds.confirm_receipt(
            transaction_=world.txn,
            user=world.users["reporter_a"],
            received_amount="1",
            received_on=world.txn.date,
        )
    with pytest.raises(PermissionDenied):
        funds.record_disbursement(
            user=world.users["reporter_b"],
            payer=world.mawei,
            payee=world.wanzhou,
            amount="1",
            date=dt.date(2025, 6, 1),
            funding_line=world.line,
        )
    with pytest.raises(PermissionDenied):
        funds.record_disbursement(
            user=world.users[perms.AUDITOR],
            payer=world.mawei,
            payee=world.wanzhou,
            amount="1",
            date=dt.date(2025, 6, 1),
            funding_line=world.line,
        )
    with pytest.raises(ValidationError, match="金额"):
        funds.record_disbursement(
            user=world.users["reporter_a"],
            payer=world.mawei,
            payee=world.wanzhou,
            amount="-5",
            date=dt.date(2025, 6, 1),
            funding_line=world.line,
        )
    txn = funds.record_disbursement(
        user=world.users["reporter_a"],
        payer=world.mawei,
        payee=world.wanzhou,
        amount="1200.5",
        date=dt.date(2025, 6, 1),
        funding_line=world.line,
    )
    assert txn.amount == Decimal("1200.50") and txn.receipt_status == Transaction.PENDING
    assert txn.recorded_by == world.users["reporter_a"]


def test_project_life_by_role(world):
    p, office = world.project, world.users[perms.OFFICE_ADMIN]
    reporter, recipient = world.users["reporter_a"], world.users[perms.RECIPIENT_VIEWER]
    with pytest.raises(PermissionDenied):
        projects.move_project(project=p, status=Project.UNDER_WAY, user=recipient)
    with pytest.raises(PermissionDenied):
        projects.move_project(
            project=p, status=Project.CANCELLED, user=reporter
        )  # cancelling is the office's
    p = projects.move_project(project=p, status=Project.UNDER_WAY, user=reporter)
    p = projects.move_project(project=p, status=Project.COMPLETED, user=reporter)
    with pytest.raises(PermissionDenied):
        projects.move_project(
            project=p, status=Project.IN_USE, user=reporter
        )  # the supported side confirms use
    p = projects.move_project(project=p, status=Project.IN_USE, user=recipient)
    assert p.status == Project.IN_USE
    with pytest.raises(ValidationError, match="不能从"):
        projects.move_project(project=p, status=Project.CANDIDATE, user=office)


def test_supported_side_proposes_for_itself_only(world):
    recipient = world.users[perms.RECIPIENT_VIEWER]
    p = projects.propose_project(
        user=recipient, program=world.program, name="万州区冷链物流中心", budget=Decimal(5000000)
    )
    assert (p.status, p.recipient, p.proposed_by) == (Project.CANDIDATE, world.wanzhou, world.wanzhou)
    with pytest.raises(PermissionDenied):
        projects.propose_project(
            user=recipient, program=world.program, name="别处的项目", recipient=world.mawei
        )
    with pytest.raises(PermissionDenied):
        projects.propose_project(
            user=world.users[perms.AUDITOR], program=world.program, name="x", recipient=world.wanzhou
        )
    with pytest.raises(ValidationError, match="项目名称"):
        projects.propose_project(user=recipient, program=world.program, name=" ")
    office = world.users[perms.OFFICE_ADMIN]
    assert projects.move_project(project=p, status=Project.APPROVED, user=office).status == Project.APPROVED
