"""The assessment page: weights form, 计算, the ranked table with hand-derived numbers, downloads, permissions."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from duikou.assessments.models import Assessment, AssessmentRule
from duikou.core import permissions as perms

# Scores of the fixture for 2023 (every monthly report of 2023 is due by now), derived by hand:
#   市政府办公厅 task 1 on time (1/1), 0/12 reports → (40·1 + 10·0) / 50 = 80.00
#   马尾区 tasks 1/2, target share reached, 1/12 reports, no funds → (20 + 30 + 10/12) / 80 = 63.54
#   福州市 funds 3000万 of 5000万, 0/12 reports → 20·0.6 / 30 = 40.00
#   市委组织部, 闽侯县, 市商务局 → 0.00 (rank 4, shared)
EXPECTED = {"福建省福州市马尾区": ("2", "63.54"), "福建省福州市": ("3", "40.00")}
WEIGHTS = {
    "weight_tasks_on_time": "40",
    "weight_targets_reached": "30",
    "weight_funds_spent": "20",
    "weight_reports_on_time": "10",
}


def _url(plan, name="detail"):
    return reverse(f"assessments:{name}", args=[plan.program.pk, 2023])


def _rows(html: str) -> dict[str, str]:
    """Each result row's HTML by the unit's full name."""
    return dict(re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S))


def _cell(row_html: str, cls: str) -> str:
    return re.search(rf'<td class="{cls}">(.*?)</td>', row_html, re.S).group(1).strip()


@pytest.fixture
def computed(client, activity, office_admin):
    client.force_login(office_admin)
    response = client.post(_url(activity), {**WEIGHTS, "compute": ""})
    assert response.status_code == 302
    return activity


def test_office_computes_and_sees_the_hand_derived_table(client, computed):
    html = client.get(_url(computed)).content.decode()
    rows = _rows(html)
    assert len(rows) == 6
    mawei = rows["福建省福州市马尾区"]
    assert (_cell(mawei, "rank"), _cell(mawei, "score")) == EXPECTED["福建省福州市马尾区"]
    assert _cell(mawei, "tasks_on_time done") == "1/2"
    assert _cell(mawei, "tasks_on_time ratio") == "50.00%"
    assert _cell(mawei, "tasks_on_time points") == "25.00"
    assert _cell(mawei, "targets_reached points") == "37.50"
    assert (_cell(mawei, "reports_on_time done"), _cell(mawei, "reports_on_time ratio")) == ("1/12", "8.33%")
    assert _cell(mawei, "reports_on_time points") == "1.04"
    assert '<td class="funds_spent" colspan="3">—</td>' in mawei
    city = rows["福建省福州市"]
    assert (_cell(city, "rank"), _cell(city, "score")) == EXPECTED["福建省福州市"]
    assert _cell(city, "funds_spent done") == "3,000.00/5,000.00 万元"
    assert (_cell(city, "funds_spent ratio"), _cell(city, "funds_spent points")) == ("60.00%", "40.00")
    top = next(r for r in rows.values() if _cell(r, "rank") == "1")
    assert _cell(top, "score") == "80.00" and _cell(top, "tasks_on_time done") == "1/1"
    assert sorted(_cell(r, "score") for r in rows.values() if _cell(r, "rank") == "4") == ["0.00"] * 3
    rule = AssessmentRule.objects.get(program=computed.program, year=2023)
    assert rule.assessments.count() == 6
    assert 'name="compute"' in html


@pytest.mark.parametrize("weights, total", [((50, 30, 20, 10), "110"), ((10, 10, 10, 10.5), "40.5")])
def test_weights_must_sum_to_100(client, activity, office_admin, weights, total):
    client.force_login(office_admin)
    data = dict(zip(WEIGHTS, map(str, weights), strict=True))
    response = client.post(_url(activity), {**data, "compute": ""})
    assert response.status_code == 200
    assert f"四项权重之和应为 100，当前为 {total}" in response.content.decode()
    assert not AssessmentRule.objects.filter(program=activity.program).exists()
    assert not Assessment.objects.exists()


def test_saving_weights_changes_the_rule_and_the_scores(client, computed):
    client.post(
        _url(computed),
        {
            "weight_tasks_on_time": "0",
            "weight_targets_reached": "0",
            "weight_funds_spent": "100",
            "weight_reports_on_time": "0",
            "compute": "",
        },
    )
    rule = AssessmentRule.objects.get(program=computed.program, year=2023)
    assert (rule.weight_funds_spent, rule.weight_tasks_on_time) == (100, 0)
    # Only 福州市 has funds: 60.00; every other unit has no part with weight → 0.
    scores = {a.organization.full_name: str(a.score) for a in rule.assessments.select_related("organization")}
    assert scores["福建省福州市"] == "60.00" and scores["福建省福州市马尾区"] == "0.00"


def test_unit_reporter_sees_only_its_row_and_cannot_change_weights(client, computed, make_user, org):
    reporter = make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    client.force_login(reporter)
    html = client.get(_url(computed)).content.decode()
    assert list(_rows(html)) == ["福建省福州市马尾区"]
    assert 'name="compute"' not in html and 'name="weight_tasks_on_time"' not in html
    response = client.post(
        _url(computed),
        {
            **WEIGHTS,
            "weight_tasks_on_time": "100",
            "weight_targets_reached": "0",
            "weight_funds_spent": "0",
            "weight_reports_on_time": "0",
            "compute": "",
        },
    )
    assert response.status_code == 403
    assert AssessmentRule.objects.get(program=computed.program, year=2023).weight_tasks_on_time == 40
    sheet = load_workbook(io.BytesIO(client.get(_url(computed, "xlsx")).content)).active
    assert [c.value for c in sheet["B"]][1:] == ["福建省福州市马尾区"]
    doc = Document(io.BytesIO(client.get(_url(computed, "docx")).content))
    assert [r.cells[1].text for r in doc.tables[0].rows][1:] == ["福建省福州市马尾区"]


@pytest.mark.parametrize("role", [perms.LEADER, perms.AUDITOR])
def test_leaders_and_auditors_read_everything_read_only(client, computed, make_user, role):
    client.force_login(make_user(role, role))
    html = client.get(_url(computed)).content.decode()
    assert len(_rows(html)) == 6 and 'name="compute"' not in html
    assert "任务按时完成 40；目标完成 30；资金执行 20；月报按时报送 10" in html
    assert client.post(_url(computed), {**WEIGHTS, "compute": ""}).status_code == 403


def test_other_program_is_not_found_for_a_unit_without_a_part(client, computed, make_user, org):
    client.force_login(make_user("far", perms.UNIT_REPORTER, org("北京市")))
    assert client.get(_url(computed)).status_code == 404
    assert client.get(_url(computed, "xlsx")).status_code == 404


def test_xlsx_cell_by_cell(client, computed):
    response = client.get(_url(computed, "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["名次", "单位", "得分"]
    assert header[3:7] == [
        "任务按时完成完成",
        "任务按时完成总数",
        "任务按时完成完成率（%）",
        "任务按时完成得分",
    ]
    assert header[11:13] == ["资金执行完成（元）", "资金执行总数（元）"]
    assert ws.freeze_panes == "A2" and ws.column_dimensions["B"].width == 30
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == 6
    assert rows["福建省福州市马尾区"] == (
        2,
        "福建省福州市马尾区",
        63.54,
        1,
        2,
        50,
        25,
        1,
        1,
        100,
        37.5,
        None,
        None,
        None,
        None,
        1,
        12,
        8.33,
        1.04,
    )
    assert rows["福建省福州市"][:3] == (3, "福建省福州市", 40)
    assert rows["福建省福州市"][11:15] == (30000000, 50000000, 60, 40)
    # The sheet and the database agree row by row.
    for a in Assessment.objects.select_related("organization"):
        assert rows[a.organization.full_name][0] == a.rank and rows[a.organization.full_name][2] == float(
            a.score
        )


def test_docx_cell_by_cell(client, computed):
    doc = Document(io.BytesIO(client.get(_url(computed, "docx")).content))
    assert any(p.text.endswith("2023年度绩效考核结果") for p in doc.paragraphs)
    table = [[c.text for c in row.cells] for row in doc.tables[0].rows]
    assert table[0] == ["名次", "单位", "得分", "任务按时完成", "目标完成", "资金执行", "月报按时报送"]
    by_unit = {r[1]: r for r in table[1:]}
    assert by_unit["福建省福州市马尾区"] == [
        "2",
        "福建省福州市马尾区",
        "63.54",
        "25.00（1/2）",
        "37.50（1/1）",
        "—",
        "1.04（1/12）",
    ]
    assert by_unit["福建省福州市"][2] == "40.00" and by_unit["福建省福州市"][5] == "40.00（60.00%）"


def test_index_lists_programs_and_the_nav_links_it(client, computed):
    html = client.get(reverse("assessments:index")).content.decode()
    assert computed.program.name in html and f"{_url(computed)}" in html
    assert reverse("assessments:index") in client.get(reverse("web:home")).content.decode()
