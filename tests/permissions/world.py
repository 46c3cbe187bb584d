"""A small two-unit world for permission and workflow tests: one program, one published plan, two donor
districts (马尾区, 鼓楼区) with their own tasks and target shares, one supported district (万州区), money,
a project and reports, and one user per role. Each test module supplies only its own checks."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from duikou.core import permissions as perms
from duikou.core.periods import Period

MAWEI, GULOU, WANZHOU, FUJIAN = "福建省福州市马尾区", "福建省福州市鼓楼区", "重庆市万州区", "福建省"
PERIOD = Period(2025, "month", 6)


@dataclass
class World:
    program: object
    plan: object
    mawei: object
    gulou: object
    wanzhou: object
    task_a: object  # 马尾区 leads
    task_b: object  # 鼓楼区 leads
    task_shared: object  # 马尾区 leads, 鼓楼区 supports
    target: object
    alloc_a: object
    alloc_b: object
    line: object
    txn: object  # 马尾区 → 万州区, waiting for receipt
    project: object  # implemented by 马尾区 for 万州区, approved
    report_a: object  # 马尾区 draft
    report_b: object  # 鼓楼区 submitted
    users: dict


def build_world(org, make_user) -> World:
    from duikou.funds.models import FundingLine, Transaction
    from duikou.plans.models import Plan, Responsibility, Task
    from duikou.programs.models import Program
    from duikou.projects.models import Project
    from duikou.reports.models import Report
    from duikou.targets.models import Allocation, Target

    mawei, gulou, wanzhou, fujian = org(MAWEI), org(GULOU), org(WANZHOU), org(FUJIAN)
    program = Program.objects.create(name="福建—万州对口支援（测试）", start_year=2021, end_year=2025)
    program.donors.add(fujian)
    program.recipients.add(wanzhou)
    plan = Plan.objects.create(
        program=program,
        title="测试方案",
        status=Plan.PUBLISHED,
        source_sha256="0" * 64,
        source_content=b"x",
        start_year=2021,
        end_year=2025,
    )

    def task(order, number, title, leads, supports=(), due=None):
        t = Task.objects.create(plan=plan, order=order, number=number, title=title, due_date=due)
        for i, o in enumerate(leads):
            Responsibility.objects.create(task=t, organization=o, role="lead", printed_name=o.name, order=i)
        for i, o in enumerate(supports):
            Responsibility.objects.create(
                task=t, organization=o, role="support", printed_name=o.name, order=i
            )
        return t

    task_a = task(1, "1", "马尾区产业园建设", [mawei], due=dt.date(2025, 6, 30))
    task_b = task(2, "2", "鼓楼区劳务协作", [gulou], due=dt.date(2025, 12, 31))
    task_shared = task(3, "3", "消费帮扶", [mawei], [gulou], due=dt.date(2025, 7, 10))
    target = Target.objects.create(
        plan=plan, indicator="引进企业投资", value=Decimal(150), unit=Target.YUAN, order=1
    )
    alloc_a = Allocation.objects.create(
        target=target, organization=mawei, printed_name="马尾区", value=Decimal(100), order=1
    )
    alloc_b = Allocation.objects.create(
        target=target, organization=gulou, printed_name="鼓楼区", value=Decimal(50), order=2
    )
    line = FundingLine.objects.create(
        plan=plan, source="马尾区财政", source_organization=mawei, year=2025, amount=Decimal(1000000)
    )
    txn = Transaction.objects.create(
        funding_line=line,
        amount=Decimal("300000.00"),
        date=dt.date(2025, 6, 10),
        payer=mawei,
        payee=wanzhou,
    )
    project = Project.objects.create(
        program=program,
        plan=plan,
        name="万州区移民小区改造",
        recipient=wanzhou,
        implementer=mawei,
        status=Project.APPROVED,
    )
    report_a = Report.objects.create(program=program, organization=mawei, period=PERIOD)
    report_b = Report.objects.create(
        program=program, organization=gulou, period=PERIOD, status=Report.SUBMITTED
    )
    places = {"mawei": mawei, "gulou": gulou, "wanzhou": wanzhou}
    users = {}
    for key, (username, role, place, staff) in ROLE_USERS.items():
        users[key] = make_user(username, role, places.get(place))
        if staff:
            users[key].is_staff = True
            users[key].save()
    return World(
        program,
        plan,
        mawei,
        gulou,
        wanzhou,
        task_a,
        task_b,
        task_shared,
        target,
        alloc_a,
        alloc_b,
        line,
        txn,
        project,
        report_a,
        report_b,
        users,
    )


@pytest.fixture
def world(org, make_user) -> World:
    return build_world(org, make_user)


# One line per role of the matrices: key → (user name, role, the world's organization or None, staff).
# The derived matrices (test_derived_matrix, test_api_matrix) try every page and API route as each of these.
ROLE_USERS = {
    perms.OFFICE_ADMIN: ("office1", perms.OFFICE_ADMIN, None, True),
    "reporter_a": ("mawei_reporter", perms.UNIT_REPORTER, "mawei", False),
    "head_a": ("mawei_head", perms.UNIT_HEAD, "mawei", False),
    "reporter_b": ("gulou_reporter", perms.UNIT_REPORTER, "gulou", False),
    perms.RECIPIENT_VIEWER: ("wanzhou", perms.RECIPIENT_VIEWER, "wanzhou", False),
    perms.AUDITOR: ("auditor1", perms.AUDITOR, None, True),
    perms.LEADER: ("leader1", perms.LEADER, None, False),
    perms.SYSTEM_ADMIN: ("sysadmin1", perms.SYSTEM_ADMIN, None, True),
    perms.SECURITY_ADMIN: ("secadmin1", perms.SECURITY_ADMIN, None, True),
    perms.AUDIT_ADMIN: ("auditadmin1", perms.AUDIT_ADMIN, None, True),
}

# Role keys of the hand-written workflow matrix (test_matrix), in the order tests print them.
ROLES = (
    perms.OFFICE_ADMIN,
    "reporter_a",
    "head_a",
    "reporter_b",
    perms.RECIPIENT_VIEWER,
    perms.AUDITOR,
    perms.LEADER,
    "anonymous",
)
# Every role of ROLE_USERS and the anonymous visitor: the derived matrices use these.
ALL_ROLES = (*ROLE_USERS, "anonymous")
