"""IATI 2.03 activity XML: a program as a parent activity, each project as a child activity with its money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from lxml import etree

from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import Plan
from duikou.programs.models import Program
from duikou.projects.models import Project

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# IATI ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled.
PROJECT_STATUS = {
    Project.CANDIDATE: "1",
    Project.APPROVED: "1",
    Project.UNDER_WAY: "2",
    Project.COMPLETED: "3",
    Project.IN_USE: "4",
    Project.CANCELLED: "5",
}
# IATI OrganisationType: 10 government; OrganisationRole: 1 funding, 3 extending, 4 implementing.
GOVERNMENT, FUNDING, EXTENDING, IMPLEMENTING = "10", "1", "3", "4"


def org_ref(org: Organization) -> str:
    """An organisation identifier: the prefix an office registers (setting DUIKOU_IATI_ORG_PREFIX) and a local code."""
    prefix = getattr(settings, "DUIKOU_IATI_ORG_PREFIX", "CN-DUIKOU")
    return f"{prefix}-{org.division_code or org.pk}"


def _narrative(parent, text: str, tag: str = "narrative"):
    el = etree.SubElement(parent, tag)
    el.text = text or "—"
    return el


def _org(parent, tag: str, org: Organization, **attrs):
    el = etree.SubElement(parent, tag, ref=org_ref(org), **attrs)
    _narrative(el, org.full_name)
    return el


def _money(parent, tag: str, amount: Decimal, value_date: dt.date):
    el = etree.SubElement(parent, tag, currency="CNY", **{"value-date": value_date.isoformat()})
    el.text = f"{Decimal(amount):.2f}"
    return el


def _activity(
    root,
    *,
    identifier: str,
    reporting: Organization,
    title: str,
    description: str,
    hierarchy: int,
    updated: dt.datetime,
):
    act = etree.SubElement(
        root,
        "iati-activity",
        hierarchy=str(hierarchy),
        **{
            "last-updated-datetime": updated.replace(microsecond=0).isoformat(),
            XML_LANG: "zh",
            "default-currency": "CNY",
        },
    )
    etree.SubElement(act, "iati-identifier").text = identifier
    _org(act, "reporting-org", reporting, type=GOVERNMENT)
    _narrative(etree.SubElement(act, "title"), title)
    _narrative(etree.SubElement(act, "description", type="1"), description)
    return act


def _transaction(act, txn: Transaction):
    el = etree.SubElement(act, "transaction")
    etree.SubElement(el, "transaction-type", code=Transaction.IATI_CODES[txn.kind])
    etree.SubElement(el, "transaction-date", **{"iso-date": txn.date.isoformat()})
    _money(el, "value", txn.amount, txn.date)
    if txn.description:
        _narrative(etree.SubElement(el, "description"), txn.description)
    _org(el, "provider-org", txn.payer)
    _org(el, "receiver-org", txn.payee)


def program_activities(program: Program) -> bytes:
    """The program and its projects as an <iati-activities> document (UTF-8 bytes)."""
    now = timezone.now()
    root = etree.Element(
        "iati-activities",
        version=IATI_VERSION,
        **{"generated-datetime": now.replace(microsecond=0).isoformat()},
    )
    donors = list(program.donors.all())
    reporting = program.office or (donors[0] if donors else None)
    if reporting is None:
        reporting = Organization(name=program.name, full_name=program.name)
        reporting.pk = 0
    prefix = org_ref(reporting)
    program_id = f"{prefix}-P{program.pk}"
    plans = Plan.objects.filter(program=program, status=Plan.PUBLISHED)
    act = _activity(
        root,
        identifier=program_id,
        reporting=reporting,
        title=program.name,
        description=program.description or "；".join(p.title for p in plans) or program.get_kind_display(),
        hierarchy=1,
        updated=program.updated_at,
    )
    for org in donors:
        _org(act, "participating-org", org, role=FUNDING, type=GOVERNMENT)
    for org in program.recipients.all():
        _org(act, "participating-org", org, role=IMPLEMENTING, type=GOVERNMENT)
    if not donors and not program.recipients.exists():
        _org(act, "participating-org", reporting, role=EXTENDING, type=GOVERNMENT)
    this_year = now.year
    status = (
        "1"
        if program.start_year and program.start_year > this_year
        else ("3" if program.end_year and program.end_year < this_year else "2")
    )
    etree.SubElement(act, "activity-status", code=status)
    start = dt.date(program.start_year, 1, 1) if program.start_year else program.created_at.date()
    etree.SubElement(act, "activity-date", type="1", **{"iso-date": start.isoformat()})
    if program.end_year:
        etree.SubElement(
            act, "activity-date", type="3", **{"iso-date": dt.date(program.end_year, 12, 31).isoformat()}
        )
    etree.SubElement(act, "recipient-country", code="CN")
    for line in FundingLine.objects.filter(plan__in=plans).order_by("year", "order"):
        budget = etree.SubElement(act, "budget", type="1", status="1")
        etree.SubElement(budget, "period-start", **{"iso-date": dt.date(line.year, 1, 1).isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": dt.date(line.year, 12, 31).isoformat()})
        _money(budget, "value", line.amount, dt.date(line.year, 1, 1))
    for txn in (
        Transaction.objects.filter(funding_line__plan__in=plans)
        .select_related("payer", "payee")
        .order_by("date", "id")
    ):
        _transaction(act, txn)
    projects = (
        Project.objects.filter(program=program)
        .exclude(status=Project.CANDIDATE)
        .select_related("recipient", "implementer")
        .order_by("id")
    )
    for project in projects:
        _project_activity(root, project, reporting, program_id)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _project_activity(root, project: Project, reporting: Organization, parent_id: str) -> None:
    act = _activity(
        root,
        identifier=f"{parent_id}-{project.code or project.pk}",
        reporting=reporting,
        title=project.name,
        description=project.description or project.name,
        hierarchy=2,
        updated=project.updated_at,
    )
    if project.implementer:
        _org(act, "participating-org", project.implementer, role=IMPLEMENTING, type=GOVERNMENT)
    # IATI has no "beneficiary" role; the supported side runs the finished project, so it is implementing too.
    _org(act, "participating-org", project.recipient, role=IMPLEMENTING, type=GOVERNMENT)
    etree.SubElement(act, "activity-status", code=PROJECT_STATUS[project.status])
    start = project.start_date or project.created_at.date()
    etree.SubElement(
        act, "activity-date", type="2" if project.start_date else "1", **{"iso-date": start.isoformat()}
    )
    if project.end_date:
        etree.SubElement(
            act,
            "activity-date",
            type="4" if project.status in (Project.COMPLETED, Project.IN_USE) else "3",
            **{"iso-date": project.end_date.isoformat()},
        )
    etree.SubElement(act, "recipient-country", code="CN")
    if project.sector:
        sector = etree.SubElement(act, "sector", vocabulary="99", code=project.sector[:50])
        _narrative(sector, project.sector)
    if project.budget:
        budget = etree.SubElement(act, "budget", type="1", status="1")
        first = project.start_date or project.created_at.date()
        last = (
            project.end_date
            if project.end_date and project.end_date >= first
            else dt.date(first.year, 12, 31)
        )
        etree.SubElement(budget, "period-start", **{"iso-date": first.isoformat()})
        etree.SubElement(budget, "period-end", **{"iso-date": last.isoformat()})
        _money(budget, "value", project.budget, first)
    for txn in project.transactions.select_related("payer", "payee").order_by("date", "id"):
        _transaction(act, txn)
    etree.SubElement(act, "related-activity", ref=parent_id, type="1")
