"""Command-line errors in English with `--lang en` (or LANG=en_*), in Chinese by default, the same place named."""

import pytest

from duikou.cli import main as duikou

from .test_english import plan  # noqa: F401  (fixture: a published plan with its program)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shell(monkeypatch):
    """A Chinese-default environment: neither LANG nor DUIKOU_LANG asks for English."""
    monkeypatch.delenv("DUIKOU_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


def run(capsys, argv) -> tuple[int, str]:
    status = duikou([str(a) for a in argv])
    return status, capsys.readouterr().err.strip()


# (arguments, English line, Chinese line); {tmp}, {program} and {plan} are filled in per test.
CASES = {
    "import a missing file": (
        ["import", "{tmp}/缺失.json"],
        "error: {tmp}/缺失.json: file not found",
        "错误：{tmp}/缺失.json：文件不存在",
    ),
    "check a plan that does not exist": (
        ["check", "999999"],
        "error: plan 999999 does not exist",
        "错误：方案 999999 不存在",
    ),
    "export a plan that does not exist": (
        ["export", "plan", "999999"],
        "error: plan 999999 does not exist",
        "错误：方案 999999 不存在",
    ),
    "tasktable export to a non-.xlsx name": (
        ["tasktable", "export", "{plan}", "{tmp}/分工.csv"],
        "error: {tmp}/分工.csv: the file name must end in .xlsx",
        "错误：{tmp}/分工.csv：文件名应以 .xlsx 结尾",
    ),
    "assess with three weights": (
        ["assess", "{program}", "--year", "2023", "--weights", "40,30,30"],
        "error: --weights 40,30,30: expected four comma-separated numbers "
        "(tasks,targets,funds,monthly reports), e.g. 40,30,20,10",
        "错误：--weights 40,30,30：应为四个数，用逗号分隔（任务,目标,资金,月报），如 40,30,20,10",
    ),
    "assess with weights out of range": (
        ["assess", "{program}", "--year", "2023", "--weights", "150,-50,0,0"],
        "error: --weights 150,-50,0,0: each weight must be between 0 and 100",
        "错误：--weights 150,-50,0,0：每项权重应在 0 到 100 之间",
    ),
    "assess with weights not summing to 100": (
        ["assess", "{program}", "--year", "2023", "--weights", "40,30,20,20"],
        "error: --weights 40,30,20,20: The four weights must add up to 100; they currently add up to 110",
        "错误：--weights 40,30,20,20：四项权重之和应为 100，当前为 110",
    ),
    "assess a program that does not exist": (
        ["assess", "999999", "--year", "2023"],
        "error: counterpart relationship 999999 does not exist",
        "错误：对口关系 999999 不存在",
    ),
    "user add an existing user": (
        ["user", "add", "mawei", "--role", "office_admin"],
        "error: user mawei already exists",
        "错误：用户名 mawei 已存在 / user mawei exists",
    ),
    "user unlock a missing user": (
        ["user", "unlock", "ghost"],
        "error: no user ghost",
        "错误：用户 ghost 不存在 / no user ghost",
    ),
    "backup into a missing folder": (
        ["backup", "{tmp}/无此目录/备份.zip"],
        "error: {tmp}/无此目录/备份.zip: the folder {tmp}/无此目录 does not exist",
        "错误：{tmp}/无此目录/备份.zip：目录 {tmp}/无此目录 不存在",
    ),
    "restore a missing file": (
        ["restore", "{tmp}/备份.zip"],
        "error: {tmp}/备份.zip: file not found",
        "错误：{tmp}/备份.zip：文件不存在",
    ),
    "restore a file that is not a zip": (
        ["restore", "{tmp}/plan.json"],
        "error: {tmp}/plan.json: not a zip file, cannot restore",
        "错误：{tmp}/plan.json：不是 zip 文件，无法恢复",
    ),
    "remind with negative days": (
        ["remind", "--days", "-3"],
        "error: --days: the number of days ahead cannot be negative (got -3)",
        "错误：--days：提前天数不能为负数（收到 -3）",
    ),
}


@pytest.fixture
def case(request, plan, make_user, tmp_path):  # noqa: F811
    make_user("mawei", "unit_reporter")
    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    values = {"tmp": tmp_path, "program": plan.program.pk, "plan": plan.pk}
    argv, english, chinese = CASES[request.param]
    return [a.format(**values) for a in argv], english.format(**values), chinese.format(**values)


@pytest.mark.parametrize("case", CASES, indirect=True)
def test_error_in_english_with_lang_option(case, shell, capsys):
    argv, english, _chinese = case
    assert run(capsys, [*argv, "--lang", "en"]) == (1, english)


@pytest.mark.parametrize("case", CASES, indirect=True)
def test_error_in_chinese_by_default(case, shell, capsys):
    argv, _english, chinese = case
    assert run(capsys, argv) == (1, chinese)


def test_error_in_english_from_lang_environment(plan, capsys, monkeypatch):  # noqa: F811
    monkeypatch.delenv("DUIKOU_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert run(capsys, ["check", "999999"]) == (1, "error: plan 999999 does not exist")
    # --lang zh wins over an English environment.
    assert run(capsys, ["check", "999999", "--lang", "zh"]) == (1, "错误：方案 999999 不存在")


def test_english_error_leaves_the_callers_language_as_it_was(plan, shell, capsys):  # noqa: F811
    from django.utils import translation

    with translation.override("zh-hans"):
        assert (
            run(capsys, ["export", "plan", "999999", "--lang", "en"])[1]
            == "error: plan 999999 does not exist"
        )
        assert translation.get_language() == "zh-hans"


def test_task_table_preview_lines_follow_the_language():
    from types import SimpleNamespace as NS

    from django.utils import translation

    from duikou.exchange.management.commands.tasktable import describe

    cell = NS(cell="D7", label="配合单位", before="市商务局", after="")
    diff = NS(
        changes=[
            NS(kind="added", row=9, number="3", text="新任务", cells=[]),
            NS(kind="removed", row=None, number="2", text="旧任务", cells=[]),
            NS(kind="changed", row=7, number="1", text="召开联席会议", cells=[cell]),
        ],
        order_changed=True,
        new_units=["闽侯县"],
        errors=[],
    )
    with translation.override("en"):
        assert describe(diff) == [
            "+ row 9 new task 3 新任务",
            "- no longer in the table: task removed 2 旧任务",
            "~ row 7 task 1 召开联席会议",
            "    D7 配合单位: 市商务局 → (empty)",
            "↕ the order of the tasks has changed",
            "! new unit (registered when applied): 闽侯县",
        ]
    with translation.override("zh-hans"):
        assert describe(diff) == [
            "+ 第 9 行 新增任务 3 新任务",
            "- 表中已无此行：删除任务 2 旧任务",
            "~ 第 7 行 任务 1 召开联席会议",
            "    D7 配合单位：市商务局 → （空）",
            "↕ 任务顺序有调整",
            "! 新单位（应用时登记）：闽侯县",
        ]
