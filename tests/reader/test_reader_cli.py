"""The command line: output, help with examples, and one clear line for every kind of bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEEDS, make_pdf

from duikou.reader.cli import main_check, main_extract

SRC = Path(__file__).resolve().parents[2] / "src"
SEED_000 = next(SEEDS.glob("000_*.txt"))


def run(*args: str, lang: str = "zh_CN.UTF-8") -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(SRC), LANG=lang)
    return subprocess.run(
        [sys.executable, "-m", "duikou.reader", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_extract_json(capsys):
    assert main_extract([str(SEED_000)]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["doc_number"] == "闽援办〔2022〕3号"


def test_extract_table_is_a_readable_summary(capsys):
    assert main_extract([str(SEED_000), "--format", "table"]) == 0
    out = capsys.readouterr().out
    assert "闽援办〔2022〕3号" in out and "结对（16）" in out and "1305万元" in out and "任务（21）" in out


def test_check_names_what_adds_up(capsys):
    assert main_check([str(SEED_000)]) == 0
    out = capsys.readouterr().out
    assert "1250+1305×4 = 6470万元" in out
    assert "原文：我省“十四五”援助资金" in out


def test_check_english(capsys):
    assert main_check([str(SEED_000), "--lang", "en"]) == 0
    assert "the yearly schedule adds up to the stated total" in capsys.readouterr().out


@pytest.mark.parametrize("main", [main_extract, main_check])
def test_help_has_an_example(main, capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "示例" in out and "duikou " in out


def test_usage_error_exits_2(capsys):
    assert main_extract([]) == 2
    assert main_extract([str(SEED_000), "--format", "xml"]) == 2
    assert "用法错误" in capsys.readouterr().err


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    scan = make_pdf(tmp_path / "scan.pdf", [])
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 300 MB on paper, nothing on disk
        handle.truncate(300 * 1024 * 1024)
    unknown = tmp_path / "plan.xyz"
    unknown.write_text("一、总体要求", encoding="utf-8")
    broken_docx = tmp_path / "broken.docx"
    broken_docx.write_bytes(b"PK\x03\x04 not really a zip")
    unreadable = tmp_path / "unreadable.txt"
    unreadable.write_text("一、总体要求", encoding="utf-8")
    unreadable.chmod(0)
    return {
        "为空": empty,
        "二进制": binary,
        "文字层": scan,
        "过大": huge,
        "不支持": unknown,
        "Word": broken_docx,
        "不存在": tmp_path / "missing.txt",
        "目录": tmp_path,
        "权限": unreadable,
    }


def test_bad_inputs_get_one_line_and_exit_1(tmp_path):
    for expected, path in _bad_inputs(tmp_path).items():
        if expected == "权限" and os.geteuid() == 0:
            continue  # root reads any file
        result = run("extract", str(path))
        assert result.returncode == 1, (expected, result.stderr)
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and str(path) in lines[0], (expected, result.stderr)
        assert "Traceback" not in result.stderr


def test_bad_input_message_in_english(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert run("extract", str(empty), "--lang", "en").stderr.strip() == f"{empty}: the file is empty."
    assert run("check", str(empty), lang="en_US.UTF-8").stderr.strip() == f"{empty}: the file is empty."


def test_random_chinese_text_gives_an_empty_valid_plan(tmp_path):
    path = tmp_path / "random.txt"
    path.write_text("春眠不觉晓，处处闻啼鸟。夜来风雨声，花落知多少。", encoding="utf-8")
    result = run("extract", str(path))
    assert result.returncode == 0
    plan = json.loads(result.stdout)
    assert plan["tasks"] == [] and plan["targets"] == []
