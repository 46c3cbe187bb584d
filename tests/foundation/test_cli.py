"""The command line: one clear line and a non-zero exit for bad input, never a traceback."""

import json
import os

import pytest

from duikou.cli import duikou_commands, main
from duikou.plans.models import Plan

pytestmark = pytest.mark.django_db(transaction=False)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def valid_plan() -> dict:
    return {
        "schema": "duikou.plan/1",
        "title": "命令行测试方案",
        "doc_number": None,
        "issuer": None,
        "issued_on": None,
        "period": None,
        "donors": [],
        "recipients": [],
        "pairings": [],
        "funding": [],
        "targets": [],
        "tasks": [
            {
                "number": "1",
                "path": ["1"],
                "title": "任务",
                "text": None,
                "lead_units": ["省发改委"],
                "support_units": [],
                "deadline": None,
                "due": None,
            }
        ],
    }


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    "name,content,needle",
    [
        ("broken.json", '{"schema": "duikou.plan/1", "title": ', "第 1 行"),
        ("list.json", "[1, 2]", "顶层"),
        ("schema.json", json.dumps({**valid_plan(), "schema": "x/9"}), "格式标识"),
        (
            "negative.json",
            json.dumps({**valid_plan(), "funding": [{"source": "甲", "year": 2023, "amount_yuan": -1}]}),
            "第1笔资金安排「甲」的金额",
        ),
        (
            "year.json",
            json.dumps({**valid_plan(), "period": {"start_year": 3023, "end_year": 3025}}),
            "起止年份的起始年份",
        ),
        ("gbk.json", '{"title": "方案"}'.encode("gb18030"), "UTF-8"),
    ],
)
def test_bad_input_gets_one_line_and_exit_1(tmp_path, capsys, name, content, needle):
    code, out, err = run(capsys, "import", write(tmp_path, name, content))
    assert code == 1
    lines = [line for line in err.strip().splitlines() if line]
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in err
    assert not Plan.objects.exists()


def test_huge_file_is_refused_before_reading(tmp_path, capsys):
    path = tmp_path / "huge.json"
    with open(path, "wb") as fh:
        fh.truncate(200 * 1024 * 1024)
    code, out, err = run(capsys, "import", str(path))
    assert code == 1 and "过大" in err and "Traceback" not in err


@pytest.mark.parametrize("path", ["/nonexistent/plan.json", "/"])
def test_unreadable_path(capsys, path):
    code, out, err = run(capsys, "import", path)
    assert code == 1 and path in err and "Traceback" not in err


def test_import_then_export_and_json_output(tmp_path, capsys):
    path = write(tmp_path, "ok.json", json.dumps(valid_plan(), ensure_ascii=False))
    code, out, err = run(capsys, "import", path, "--json")
    payload = json.loads(out.strip().splitlines()[-1])
    assert code == 0 and payload["created"] is True and payload["tasks"] == 1
    code, out, err = run(capsys, "import", path)
    assert code == 0 and out.strip().splitlines()[-1].startswith(f"plan {payload['plan']} already imported")
    code, out, err = run(capsys, "export", "plan", str(payload["plan"]), "--format", "json")
    assert code == 0 and json.loads(out)["tasks"][0]["lead_units"] == ["省发改委"]
    code, out, err = run(capsys, "export", "plan", "999999")
    assert code == 1 and "999999" in err


def test_usage_errors_exit_2(capsys):
    assert run(capsys, "no-such-command")[0] == 2
    assert run(capsys, "import")[0] == 2
    assert run(capsys)[0] == 2


def test_every_command_is_listed_and_has_an_example(capsys):
    code, out, err = run(capsys, "--help")
    assert code == 0
    for name in duikou_commands():
        shown = "check" if name == "checkplan" else name
        assert shown in out
    from django.core.management import get_commands, load_command_class

    for name, app in get_commands().items():
        if app.startswith("duikou."):
            command = load_command_class(app, name)
            assert getattr(command, "example", ""), f"{name} has no example in its help"


def test_english_messages(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(os.environ, "LANG", "en_US.UTF-8")
    code, out, err = run(capsys, "import", "/nonexistent/x.json", "--lang", "en")
    assert code == 1 and err.startswith("error:")


def test_import_refuses_names_that_are_no_unit_as_the_review_does(tmp_path, capsys):
    """各预算主管部门, 各签约单位: `duikou import` refuses them as the import review's 确认并发布 does (one rule,
    organizations.services.is_placeholder_name; one refusal, plans.importer.refuse_placeholders) until each is
    mapped to a unit (--map) or dropped (--drop-unit)."""
    from duikou.organizations.models import Organization
    from duikou.plans.importer import placeholder_units

    plan = valid_plan()
    plan["tasks"][0]["lead_units"] = ["省发改委", "各预算主管部门"]
    plan["tasks"][0]["support_units"] = ["各签约单位"]
    path = write(tmp_path, "placeholders.json", json.dumps(plan, ensure_ascii=False))
    assert placeholder_units(plan) == ["各预算主管部门", "各签约单位"]
    code, out, err = run(capsys, "import", path)
    assert code == 1 and "各预算主管部门" in err and "各签约单位" in err and "Traceback" not in err
    assert "--map" in err and "--drop-unit" in err  # how to decide them, said on the same line
    assert not Plan.objects.exists() and not Organization.objects.filter(name__startswith="各").exists()
    code, out, err = run(capsys, "import", path, "--drop-unit", "各签约单位")
    assert code == 1 and "各签约单位" not in err and "各预算主管部门" in err
    finance = Organization.objects.create(name="省财政厅", full_name="省财政厅")
    code, out, err = run(
        capsys, "import", path, "--drop-unit", "各签约单位", "--map", f"各预算主管部门={finance.pk}", "--json"
    )
    assert code == 0, err
    created = Plan.objects.get(pk=json.loads(out.strip().splitlines()[-1])["plan"])
    units = set(created.tasks.get().responsibilities.values_list("organization__name", flat=True))
    assert "省财政厅" in units and not any(u.startswith("各") for u in units)
    assert run(capsys, "import", path, "--drop-unit", "没有的单位")[0] == 1
