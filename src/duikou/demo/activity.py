"""A few months of work on the demo plans, done through the real services (reports filed, approved; money
sent and confirmed), so the demo's dashboard, bulletin and assessment show figures rather than zeros.

Deterministic (seeded by each plan's title) and done once per program: a program that already has reports is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from duikou.core.dates import today_for
from duikou.core.periods import Period
from duikou.funds import services as fund_services
from duikou.funds.models import FundingLine
from duikou.indicators.models import Agreement
from duikou.indicators.services import save_agreement, values_from_plan
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Task
from duikou.programs.models import Pairing
from duikou.reports import services
from duikou.reports.models import Report
from duikou.targets.models import Allocation

UNITS_PER_PLAN = 12  # enough units to rank, few enough to keep `duikou demo` quick


def add_activity(office_user) -> dict:
    """File and approve one report per busy unit of each published plan, and pay part of each funding line."""

    done = {"reports": 0, "payments": 0, "skipped": 0}
    today = today_for()
    for plan in Plan.objects.filter(status=Plan.PUBLISHED).select_related("program").order_by("pk"):
        if Report.objects.filter(program=plan.program).exists():
            continue
        # Seeded by the title, not the pk: the same demo on every database and after any earlier rows.
        rng = random.Random(f"duikou-demo-{plan.title}")
        with transaction.atomic():
            _reports(plan, office_user, rng, today, done)
            _payments(plan, office_user, rng, today, done)
    return done


def _period_for(plan, today: dt.date):

    last_year = min(plan.end_year or plan.start_year or today.year, today.year)
    day = min(dt.date(last_year, 10, 15), today)
    return Period.containing(day, plan.program.reporting_period)


def _reports(plan, office_user, rng: random.Random, today: dt.date, done: dict) -> None:

    units = list(
        Organization.objects.filter(
            Q(responsibilities__task__plan=plan, responsibilities__role="lead")
            | Q(allocations__target__plan=plan)
        )
        .distinct()
        .order_by("pk")
    )
    rng.shuffle(units)
    period = _period_for(plan, today)
    for organization in units[:UNITS_PER_PLAN]:
        try:
            report = services.start_report(
                program=plan.program, organization=organization, user=office_user, period=period
            )
            progress = []
            for task in Task.objects.filter(
                plan=plan, responsibilities__organization=organization, responsibilities__role="lead"
            ).distinct():
                roll = rng.random()
                status = (
                    Task.COMPLETED if roll < 0.45 else Task.IN_PROGRESS if roll < 0.9 else Task.NOT_STARTED
                )
                percent = 100 if status == Task.COMPLETED else rng.randrange(10, 95, 5) if roll < 0.9 else 0
                progress.append({"task": task, "status": status, "percent": percent, "text": "按计划推进。"})
            figures = [
                {
                    "allocation": a,
                    "value": (a.value * Decimal(rng.randrange(45, 125)) / 100).quantize(Decimal("1")),
                }
                for a in Allocation.objects.filter(target__plan=plan, organization=organization)
            ]
            services.save_report(
                report=report,
                user=office_user,
                version=report.version,
                summary=f"{period.label}，{organization.name}对口支援工作按计划推进。",
                progress=progress,
                figures=figures,
            )
            services.submit_report(report=report, user=office_user)
            services.approve_report(report=report, user=office_user)
            _as_if_on_time(report, period)
            done["reports"] += 1
        except (ValidationError, PermissionDenied):
            done["skipped"] += 1  # a unit the plan names but the services refuse (e.g. outside the program)


def _as_if_on_time(report, period) -> None:
    """Date the demo's work as if it had been done in its period, not on the day `duikou demo` ran.

    Plain updates on purpose: these are the demo's invented dates, not edits anyone made, and neither the
    tallies nor the change log depend on them."""

    filed = dt.datetime.combine(period.end + dt.timedelta(days=3), dt.time(9), tzinfo=dt.UTC)
    Report.objects.filter(pk=report.pk).update(submitted_at=filed, reviewed_at=filed + dt.timedelta(days=2))
    for task in Task.objects.filter(pk__in=report.task_progress.values("task_id"), status=Task.COMPLETED):
        finished = min(task.due_date or period.end, period.end)
        Task.objects.filter(pk=task.pk).update(completed_on=finished)


def _payments(plan, office_user, rng: random.Random, today: dt.date, done: dict) -> None:
    payee = plan.program.recipients.order_by("pk").first()
    if payee is None:
        return
    for line in FundingLine.objects.filter(plan=plan, source_organization__isnull=False).order_by(
        "year", "pk"
    ):
        if line.year > today.year or line.source_organization_id == payee.pk:
            continue
        share = Decimal(rng.randrange(55, 101)) / 100
        day = min(dt.date(line.year, 6 + rng.randrange(6), 1 + rng.randrange(27)), today)
        try:
            txn = fund_services.record_disbursement(
                user=office_user,
                payer=line.source_organization,
                payee=payee,
                amount=(line.amount * share).quantize(Decimal("0.01")),
                date=day,
                funding_line=line,
                description=f"{line.year}年度对口支援资金",
            )
            if rng.random() < 0.8:
                fund_services.confirm_receipt(
                    transaction_=txn,
                    user=office_user,
                    received_amount=txn.amount,
                    received_on=day + dt.timedelta(days=rng.randrange(1, 4)),
                )
            done["payments"] += 1
        except (ValidationError, PermissionDenied):
            done["skipped"] += 1


def add_minning_agreement() -> int | None:
    """The 闽宁 pair (福建省 → 宁夏回族自治区) and its 2023 agreement, its values taken from the 闽宁 plan's targets.

    Returns the agreement's id (None when the demo has no 闽宁 plan). Idempotent: saving again changes nothing."""

    plan = Plan.objects.filter(title__contains="闽宁").order_by("pk").first()
    fujian = Organization.objects.filter(full_name="福建省", parent__isnull=True).first()
    ningxia = Organization.objects.filter(full_name="宁夏回族自治区", parent__isnull=True).first()
    if plan is None or fujian is None or ningxia is None:
        return None
    with transaction.atomic():
        pairing, _created = Pairing.objects.get_or_create(
            program=plan.program,
            plan=None,
            donor=fujian,
            recipient=ningxia,
            defaults={"level": Pairing.PROVINCE, "donor_printed": "福建", "recipient_printed": "宁夏"},
        )
        agreement = save_agreement(
            pairing=pairing,
            year=2023,
            values=values_from_plan(plan, 2023),
            source=Agreement.PLAN,
            plan=plan,
            title="2023年闽宁协作协议（示例，协议数取自福州市任务分工方案）",
        )
    return agreement.pk
