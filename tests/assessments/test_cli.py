"""`duikou bulletin` and `duikou assess`: files written and opened back, one clear line and exit 1 on bad input."""

import io
import json
from decimal import Decimal

import pytest
from docx import Document

from duikou.assessments.models import Assessment, AssessmentRule
from duikou.cli import main


def run(capsys, *argv):
    code = main([*map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_bulletin_writes_the_docx(activity, capsys, tmp_path, monkeypatch):
    path = tmp_path / "通报.docx"
    code, out, err = run(capsys, "bulletin", activity.program.pk, "--period", "2023-Q4", "-o", path)
    assert code == 0, err
    assert out.strip() == f"bulletin of program {activity.program.pk} for 2023-Q4 written to {path}"
    doc = Document(io.BytesIO(path.read_bytes()))
    assert f"{activity.program.name}工作通报" in [p.text for p in doc.paragraphs]
    assert "（2023年第四季度，数据截至2023年12月31日）" in [p.text for p in doc.paragraphs]
    assert [c.text for c in doc.tables[-2].rows[1].cells] == [
        "福州市",
        "2023",
        "5,000.00",
        "3,000.00",
        "60.00%",
    ]
    # Without -o: bulletin-<program>-<period>.docx in the working directory.
    monkeypatch.chdir(tmp_path)
    code, out, _err = run(capsys, "bulletin", activity.program.pk, "--period", "2023-12", "--json")
    assert code == 0 and json.loads(out)["file"] == f"bulletin-{activity.program.pk}-2023-12.docx"
    assert (tmp_path / f"bulletin-{activity.program.pk}-2023-12.docx").stat().st_size > 5000


@pytest.mark.parametrize(
    "argv, message",
    [
        (("bulletin", 999999, "--period", "2023-Q4"), "错误：对口关系 999999 不存在"),
        (
            ("bulletin", "{program}", "--period", "2023-Q5"),
            "错误：--period：无法识别的报告期“2023-Q5”（应如 2024年11月、2024年第三季度、2024年度，或 2024-11、2024-Q3、2024）",
        ),
        (
            ("bulletin", "{program}", "--period", "Q3"),
            "错误：--period：无法识别的报告期“Q3”（应如 2024年11月、2024年第三季度、2024年度，或 2024-11、2024-Q3、2024）",
        ),
        (("bulletin", "{program}", "--period", "2023", "-o", "x.pdf"), "错误：x.pdf：文件名应以 .docx 结尾"),
        (("assess", 999999, "--year", "2023"), "错误：对口关系 999999 不存在"),
        (
            ("assess", "{program}", "--year", "2023", "--weights", "40,30,20,20"),
            "错误：--weights 40,30,20,20：四项权重之和应为 100，当前为 110",
        ),
        (
            ("assess", "{program}", "--year", "2023", "--weights", "40,30,30"),
            "错误：--weights 40,30,30：应为四个数，用逗号分隔（任务,目标,资金,月报），如 40,30,20,10",
        ),
        (
            ("assess", "{program}", "--year", "2023", "--weights", "a,b,c,d"),
            "错误：--weights a,b,c,d：应为数字",
        ),
        (
            ("assess", "{program}", "--year", "2023", "--weights", "150,-50,0,0"),
            "错误：--weights 150,-50,0,0：每项权重应在 0 到 100 之间",
        ),
        (("assess", "{program}", "--year", "3000"), "错误：--year 3000：年份应在 1949–2100 之间"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(activity, capsys, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    argv = [str(a).replace("{program}", str(activity.program.pk)) for a in argv]
    code, out, err = run(capsys, *argv)
    assert (code, out) == (1, "")
    assert err.strip() == message
    assert not AssessmentRule.objects.exists() and not list(tmp_path.iterdir())


def test_assess_with_weights_json_and_docx(activity, capsys, tmp_path):
    path = tmp_path / "考核.docx"
    code, out, err = run(
        capsys,
        "assess",
        activity.program.pk,
        "--year",
        2023,
        "--weights",
        "40,30,20,10",
        "-o",
        path,
        "--json",
    )
    assert code == 0, err
    payload = json.loads(out)
    assert payload["weights"] == {
        "weight_tasks_on_time": 40,
        "weight_targets_reached": 30,
        "weight_funds_spent": 20,
        "weight_reports_on_time": 10,
    }
    by_unit = {r["organization"]: r for r in payload["results"]}
    assert (by_unit["福建省福州市马尾区"]["rank"], by_unit["福建省福州市马尾区"]["score"]) == (2, 63.54)
    assert payload["results"][0]["score"] == 80.0 and len(payload["results"]) == 6
    assert "   2   63.54  福建省福州市马尾区" in err.splitlines()
    stored = Assessment.objects.get(organization__full_name="福建省福州市马尾区")
    assert stored.score == Decimal("63.54") and stored.rule_id == payload["rule"]
    rows = [[c.text for c in r.cells] for r in Document(io.BytesIO(path.read_bytes())).tables[0].rows]
    assert ["2", "福建省福州市马尾区", "63.54"] in [r[:3] for r in rows]


def test_assess_keeps_the_rule_when_no_weights_are_given(activity, capsys):
    AssessmentRule.objects.create(
        program=activity.program,
        year=2023,
        weight_tasks_on_time=0,
        weight_targets_reached=0,
        weight_funds_spent=100,
        weight_reports_on_time=0,
    )
    code, out, _err = run(capsys, "assess", activity.program.pk, "--year", 2023)
    assert code == 0
    assert (
        out.strip() == f"program {activity.program.pk} assessed for 2023: 6 units, first 福建省福州市 60.00"
    )
