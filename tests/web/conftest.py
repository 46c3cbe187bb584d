"""A small published plan of 福州 → 固原 with tasks, targets, funds, a project, a dispatch and reports; one user per role."""

import datetime as dt
import hashlib
import json

import pytest

from duikou.core import permissions as perms

PLAN = {
    "schema": "duikou.plan/1",
    "title": "2023年闽宁协作福州市重点工作任务分工方案",
    "doc_number": "榕委振兴组〔2023〕8号",
    "issuer": "中共福州市委扶贫开发成果巩固与乡村振兴工作领导小组",
    "issued_on": "2023-07-24",
    "period": {"start_year": 2023, "end_year": 2023},
    "donors": ["福州市"],
    "recipients": ["固原市"],
    "pairings": [{"donor": "马尾区", "recipient": "西吉县"}, {"donor": "闽侯县", "recipient": "原州区"}],
    "funding": [
        {"source": "福州市", "year": 2023, "amount_yuan": 30000000, "text": "2023年安排3000万元"},
        {"source": "福州市", "year": 2024, "amount_yuan": 32000000, "text": "2024年安排3200万元"},
    ],
    "targets": [
        {
            "text": "2023年帮助宁夏销售农副产品7.5亿元以上，具体任务是：马尾区9000万元、闽侯县8000万元",
            "indicator": "帮助宁夏销售农副产品",
            "value": 750000000,
            "unit": "yuan",
            "comparator": ">=",
            "year": 2023,
            "allocations": [{"unit": "马尾区", "value": 90000000}, {"unit": "闽侯县", "value": 80000000}],
        },
        {
            "text": "选派专业技术人员，具体任务是：马尾区12名",
            "indicator": "选派专业技术人员",
            "value": 12,
            "unit": "person",
            "comparator": ">=",
            "year": 2023,
            "allocations": [{"unit": "马尾区", "value": 12}],
        },
    ],
    "tasks": [
        {
            "number": "1",
            "path": ["一", "1"],
            "title": "参加闽宁协作联席会议",
            "text": "参加闽宁协作联席会议，赴宁夏调研对接",
            "lead_units": ["马尾区"],
            "support_units": ["闽侯县"],
            "deadline": "7月底前",
            "due": "2023-07-31",
        },
        {
            "number": "2",
            "path": ["一", "2"],
            "title": "推动消费帮扶",
            "text": "推动消费帮扶，拓宽销售渠道",
            "lead_units": ["闽侯县"],
            "support_units": ["马尾区"],
            "deadline": "11月底前",
            "due": "2099-11-30",
        },
        {
            "number": "3",
            "path": ["二", "3"],
            "title": "加强教育领域协作",
            "text": "加强教育领域协作",
            "lead_units": ["福清市"],
            "support_units": [],
            "deadline": "全年",
            "due": None,
        },
    ],
}


@pytest.fixture
def plan_data():
    return json.loads(json.dumps(PLAN))


@pytest.fixture
def world(db, org, make_user):
    """The plan imported and published, with money, a project, a dispatch and approved reports; users per role."""
    from duikou.dispatches.models import Dispatch
    from duikou.funds.models import FundingLine, Transaction
    from duikou.plans.importer import import_plan_data
    from duikou.projects.models import Project
    from duikou.reports.models import Report, TargetFigure
    from duikou.targets.models import Target

    raw = json.dumps(PLAN, ensure_ascii=False).encode()
    result = import_plan_data(json.loads(raw), source_bytes=raw, source_name="plan.json")
    plan = result.plan
    mawei, minhou, xiji = (
        org("福建省福州市马尾区"),
        org("福建省福州市闽侯县"),
        org("宁夏回族自治区固原市西吉县"),
    )
    line = FundingLine.objects.get(plan=plan, year=2023)
    # Saved one by one, as pages and services do, so the analytics tallies the dashboard reads follow them.
    Transaction.objects.create(
        funding_line=line, amount=12_000_000, date=dt.date(2023, 5, 1), payer=mawei, payee=xiji
    )
    Transaction.objects.create(
        funding_line=line,
        amount=5_000_000,
        date=dt.date(2023, 6, 1),
        payer=minhou,
        payee=xiji,
        kind=Transaction.COMMITMENT,
    )
    Project.objects.create(
        program=plan.program,
        plan=plan,
        name="西吉县冷链物流中心",
        status=Project.UNDER_WAY,
        recipient=xiji,
        implementer=mawei,
        sector="产业",
        place="西吉县吉强镇",
        budget=8_000_000,
    )
    person_target = Target.objects.get(plan=plan, unit=Target.PERSON)
    Dispatch.objects.create(
        program=plan.program,
        target=person_target,
        person_name="林医生",
        from_organization=mawei,
        to_organization=xiji,
        field=Dispatch.DOCTOR,
        start_date=dt.date(2023, 3, 1),
        end_date=dt.date(2023, 9, 30),
    )
    sales = Target.objects.get(plan=plan, unit=Target.YUAN)
    # Two approved reports of 马尾区: the later one counts; a submitted (not approved) one does not.
    for period, value, status in (
        ("2023-05", 40_000_000, Report.APPROVED),
        ("2023-06", 60_000_000, Report.APPROVED),
        ("2023-07", 99_000_000, Report.SUBMITTED),
    ):
        report = Report.objects.create(program=plan.program, organization=mawei, period=period, status=status)
        TargetFigure.objects.create(report=report, target=sales, value=value)
    report = Report.objects.create(
        program=plan.program, organization=minhou, period="2023-05", status=Report.APPROVED
    )
    TargetFigure.objects.create(report=report, target=sales, value=30_000_000)
    users = {
        "office": make_user("office", perms.OFFICE_ADMIN),
        "mawei": make_user("mawei", perms.UNIT_REPORTER, mawei),
        "guyuan": make_user("guyuan", perms.RECIPIENT_VIEWER, org("宁夏回族自治区固原市")),
        "leader": make_user("leader", perms.LEADER),
        "auditor": make_user("auditor", perms.AUDITOR),
        "fuqing": make_user("fuqing", perms.UNIT_HEAD, org("福建省福州市福清市")),
    }
    return {
        "plan": plan,
        "plan_data": PLAN,
        "users": users,
        "mawei": mawei,
        "minhou": minhou,
        "xiji": xiji,
        "sales": sales,
        "person_target": person_target,
        "sha": hashlib.sha256(raw).hexdigest(),
    }


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="module", autouse=True)
def divisions_present(django_db_setup, django_db_blocker):
    """A transactional (browser) test elsewhere in the suite empties the database; these tests need the divisions."""
    from duikou.organizations.models import Organization
    from duikou.organizations.services import seed_divisions

    with django_db_blocker.unblock():
        if not Organization.objects.filter(division_code__isnull=False).exists():
            seed_divisions()
