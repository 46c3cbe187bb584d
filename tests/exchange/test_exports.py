"""Targets-with-allocations and reports exports: opened with openpyxl, checked cell by cell against the database."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from duikou.core import permissions as perms
from duikou.reports.models import Report, TargetFigure


@pytest.fixture
def reported(small_plan):
    """马尾区: approved 2023-11 report (150,000,000 of its 120,000,000 share); 闽侯县: a draft with 9,000,000
    (not approved, so not achieved); 市商务局: a submitted report without figures."""
    target = small_plan.targets.get()
    mawei, minhou = (
        target.allocations.get(printed_name="马尾区"),
        target.allocations.get(printed_name="闽侯县"),
    )
    program = small_plan.program
    approved = Report.objects.create(
        program=program,
        organization=mawei.organization,
        period="2023-11",
        status=Report.APPROVED,
        submitted_at=dt.datetime(2023, 12, 5, 8, 30, tzinfo=dt.UTC),
    )
    TargetFigure.objects.create(report=approved, target=target, allocation=mawei, value=Decimal("150000000"))
    draft = Report.objects.create(program=program, organization=minhou.organization, period="2023-12")
    TargetFigure.objects.create(report=draft, target=target, allocation=minhou, value=Decimal("9000000.5"))
    commerce = small_plan.tasks.get(number="3").responsibilities.get(printed_name="市商务局").organization
    Report.objects.create(
        program=program,
        organization=commerce,
        period="2023-10",
        status=Report.SUBMITTED,
        submitted_at=dt.datetime(2023, 11, 3, 1, 0, tzinfo=dt.UTC),
    )
    return small_plan


def _sheet(client, name, **params):
    response = client.get(reverse(f"exchange:{name}"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).active


def _values(ws):
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def test_allocations_export_cell_by_cell(client, reported, office_admin):
    client.force_login(office_admin)
    ws = _sheet(client, "allocations_xlsx")
    assert [c.value for c in ws[1]] == [
        "方案",
        "指标",
        "目标值",
        "计量单位",
        "分解单位",
        "分解值",
        "已完成",
        "完成率（%）",
        "红黄绿灯",
    ]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 40 and ws["A1"].font.b
    title = reported.title
    assert _values(ws) == [
        # Money in 万元, as the 计量单位 column says.
        # 马尾区's share is met (办结); 闽侯县 has reported nothing approved after its year ended (红灯).
        [title, "帮助销售农副产品", 20000, "万元", "马尾区", 12000, 15000, 125, "办结"],
        [title, "帮助销售农副产品", 20000, "万元", "闽侯县", 8000, None, None, "红灯"],
    ]
    # ?plan= of another plan: nothing.
    assert _values(_sheet(client, "allocations_xlsx", plan=reported.pk + 1000)) == []


def test_allocations_export_is_narrowed_to_the_unit(client, reported, make_user, org):
    client.force_login(make_user("minhou", perms.UNIT_REPORTER, org("福建省福州市闽侯县")))
    assert [r[4] for r in _values(_sheet(client, "allocations_xlsx"))] == ["闽侯县"]


def test_reports_export_cell_by_cell(client, reported, office_admin):
    client.force_login(office_admin)
    ws = _sheet(client, "reports_xlsx")
    assert [c.value for c in ws[1]] == ["单位", "期次", "状态", "指标", "数值", "计量单位", "提交时间"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["D"].width == 40
    rows = _values(ws)
    assert rows == [
        ["福建省福州市闽侯县", "2023年12月", "草稿", "帮助销售农副产品", 900.0, "万元", None],
        [
            "福建省福州市马尾区",
            "2023年11月",
            "已审核通过",
            "帮助销售农副产品",
            15000,
            "万元",
            dt.datetime(2023, 12, 5, 16, 30),
        ],
        [rows[2][0], "2023年10月", "已报送", None, None, None, dt.datetime(2023, 11, 3, 9, 0)],
    ]
    # Against the database: one row per report × figure, a report without figures once.
    assert len(rows) == sum(max(1, r.figures.count()) for r in Report.objects.all())
    assert rows[2][0] == Report.objects.get(period="2023-10").organization.full_name
    assert [r[1] for r in _values(_sheet(client, "reports_xlsx", status=Report.APPROVED))] == ["2023年11月"]


def test_reports_export_is_narrowed_to_the_unit(client, reported, make_user, org):
    client.force_login(make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区")))
    assert [r[0] for r in _values(_sheet(client, "reports_xlsx"))] == ["福建省福州市马尾区"]
    client.force_login(make_user("far", perms.UNIT_REPORTER, org("北京市")))
    assert _values(_sheet(client, "reports_xlsx")) == []


def test_lists_link_the_exports(client, reported, office_admin):
    client.force_login(office_admin)
    assert reverse("exchange:allocations_xlsx") in client.get(reverse("targets:list")).content.decode()
    assert (
        f"{reverse('exchange:allocations_xlsx')}?plan={reported.pk}"
        in client.get(reverse("targets:list"), {"plan": reported.pk}).content.decode()
    )
    assert reverse("exchange:reports_xlsx") in client.get(reverse("reports:list")).content.decode()
    client.logout()
    assert client.get(reverse("exchange:reports_xlsx")).status_code == 302
