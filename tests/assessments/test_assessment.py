"""Year-end assessment scores and the Word bulletins, opened back and read element by element."""

import datetime as dt
import io
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from docx import Document

from duikou.assessments.documents import write_assessment, write_bulletin
from duikou.assessments.models import AssessmentRule
from duikou.assessments.services import compute_assessment
from duikou.core import permissions as perms


def test_scores_ranks_and_breakdown(activity, office_admin):
    rule = AssessmentRule.objects.create(program=activity.program, year=2023)
    results = compute_assessment(rule=rule, user=office_admin, today=dt.date(2024, 2, 1))
    by_name = {a.organization.name: a for a in results}
    mawei = by_name["马尾区"]
    # 马尾区: tasks 1 (support, done on time) and 3 (lead, late) → 1/2; target share reached → 1; 11 of 12 monthly
    # reports missing, one on time → 1/12; no funds of its own → that weight goes to the rest.
    parts = mawei.breakdown
    assert (parts["tasks_on_time"]["done"], parts["tasks_on_time"]["total"]) == (1, 2)
    assert parts["targets_reached"]["ratio"] == 1.0 and parts["funds_spent"]["ratio"] is None
    assert (parts["reports_on_time"]["done"], parts["reports_on_time"]["total"]) == (1, 12)
    expected = (Decimal(40) * Decimal("0.5") + Decimal(30) + Decimal(10) / 12) / 80 * 100
    assert mawei.score == expected.quantize(Decimal("0.01"))
    funder = by_name["福州市"]
    assert funder.breakdown["funds_spent"]["ratio"] == 0.6
    assert [a.rank for a in results] == sorted(a.rank for a in results) and results[0].rank == 1
    scores = [a.score for a in results]
    assert scores == sorted(scores, reverse=True)
    # Recomputing replaces, never duplicates.
    assert len(compute_assessment(rule=rule, user=office_admin, today=dt.date(2024, 2, 1))) == len(results)
    assert rule.assessments.count() == len(results)


def test_only_the_office_computes(activity, make_user, org):
    from django.core.exceptions import PermissionDenied

    rule = AssessmentRule.objects.create(program=activity.program, year=2023)
    with pytest.raises(PermissionDenied):
        compute_assessment(rule=rule, user=make_user("u", perms.UNIT_HEAD, org("福建省福州市马尾区")))
    assert rule.assessments.count() == 0


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_bulletin_docx_states_the_figures(activity):
    data = write_bulletin(program=activity.program, period="2023-12")
    doc = Document(io.BytesIO(data))
    texts = [t for t in _texts(doc) if t.strip()]
    # 公文: the office's mark and a 发文字号 line above the title, the period under it.
    title = texts.index(f"{activity.program.name}工作通报")
    assert texts[title - 1].startswith("〔") and texts[title - 1].endswith("号")
    assert texts[title + 1] == "（2023年12月，数据截至2023年12月31日）"
    summary = next(t for t in texts if t.startswith("已发布方案共明确任务"))
    assert (
        "任务3项，已完成1项，完成率33.33%" in summary and "逾期未完成1项" in summary
    )  # task 2 (全年) has no due date
    assert "计划安排资金5,000.00万元，已拨付3,000.00万元" in summary
    assert texts[-1].endswith("日")  # 成文日期
    units, overdue, targets, funds, ranking = doc.tables
    assert units.rows[0].cells[1].text == "牵头单位"
    rows = {r[1]: r for r in _table_rows(units)[1:]}
    assert rows["福建省福州市马尾区"][2:] == ["1", "0", "0", "1", "0.00%"]
    # Several lead units one per line, so no name breaks in the middle.
    assert _table_rows(overdue)[1:] == [["1", "3 消费帮扶", "马尾区\n闽侯县", "11月底前", "推进中"]]
    assert _table_rows(targets)[1] == ["帮助销售农副产品", "不少于 2.00亿元（2023年）", "1.50亿元", "75.00%"]
    assert _table_rows(funds)[1] == ["福州市", "2023", "5,000.00", "3,000.00", "60.00%"]
    assert _table_rows(ranking)[1][0] == "1"
    assert len(doc.inline_shapes) == 1  # the completion chart
    image = doc.part.related_parts[doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed]
    assert image.blob[:8] == b"\x89PNG\r\n\x1a\n" and len(image.blob) > 5000


def test_assessment_docx_and_pdf_through_libreoffice(activity, office_admin, tmp_path):
    rule = AssessmentRule.objects.create(program=activity.program, year=2023)
    results = compute_assessment(rule=rule, user=office_admin, today=dt.date(2024, 2, 1))
    doc = Document(io.BytesIO(write_assessment(rule=rule)))
    assert any(t.endswith("2023年度绩效考核结果") for t in _texts(doc))
    table = doc.tables[0]
    assert _table_rows(table)[0][:3] == ["名次", "单位", "得分"]
    assert [r[1] for r in _table_rows(table)[1:]] == [a.organization.full_name for a in results]
    assert [r[2] for r in _table_rows(table)[1:]] == [f"{a.score}" for a in results]

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, (
        "LibreOffice (libreoffice-writer-nogui) is installed by scripts/install-system-packages.sh"
    )
    source = tmp_path / "bulletin.docx"
    source.write_bytes(write_bulletin(program=activity.program, period="2023-12"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    from pypdf import PdfReader

    pdf = PdfReader(tmp_path / "bulletin.pdf")
    assert len(pdf.pages) >= 1
    assert "工作通报" in re.sub(
        r"\s", "", pdf.pages[0].extract_text()
    )  # a long title wraps, as 公文 titles do
