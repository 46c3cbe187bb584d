"""The in-repo scorer: its rules on small plans, and the same numbers as the shared score-plan tool."""

import importlib.util
import json
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest
from conftest import SEEDS

from duikou.reader import extract_file
from duikou.reader.scoring import PARTS, main, score_folder, score_pair

GOLD = Path(__file__).resolve().parent / "gold"
# ../shared beside the checkout (a worktree sits one level deeper)
SHARED_SCORER = next(
    (
        p / "shared/tools/score-plan"
        for p in Path(__file__).resolve().parents[3:5]
        if (p / "shared/tools/score-plan").exists()
    ),
    Path(__file__).resolve().parents[3] / "shared/tools/score-plan",
)


def _plan(**fields):
    plan = {"title": None, "doc_number": None, "issuer": None, "issued_on": None, "period": None}
    plan.update({"pairings": [], "funding": [], "targets": [], "tasks": []})
    plan.update(fields)
    return plan


def test_names_fold_widths_traditional_and_leading_place_char():
    gold = _plan(pairings=[{"donor": "福建省", "recipient": "宁夏回族自治区"}])
    out = _plan(pairings=[{"donor": "福建省", "recipient": "寧夏回族自治區"}])
    assert score_pair(gold, out)["pairings"].f1 == 1.0
    gold = _plan(tasks=[{"number": "1", "path": ["一", "（一）"], "title": "甲", "lead_units": ["省教育厅"]}])
    out = _plan(tasks=[{"number": "1", "path": ["一、", "(一)"], "title": "乙", "lead_units": ["教育厅"]}])
    counts = score_pair(gold, out)
    assert counts["tasks"].f1 == 1.0 and counts["task_units"].f1 == 1.0


def test_wrong_header_field_is_a_false_positive_and_targets_count_once():
    gold = _plan(title="甲方案", issuer="国务院", targets=[{"value": 5, "unit": "percent"}])
    out = _plan(
        title="甲方案",
        issuer="国务院办公厅",
        targets=[
            {"value": 5, "unit": "percent"},
            {"value": 5, "unit": "percent"},
            {"value": 9, "unit": "千瓦"},
        ],
    )
    counts = score_pair(gold, out)
    assert (counts["header"].tp, counts["header"].out, counts["header"].gold) == (1, 2, 2)
    assert (counts["targets"].tp, counts["targets"].out, counts["targets"].gold) == (1, 2, 1)


def test_tasks_match_by_title_when_path_differs_and_empty_parts_score_one():
    gold = _plan(tasks=[{"path": ["1"], "title": "推进甲", "deadline": "6月底前"}])
    out = _plan(tasks=[{"path": ["2"], "title": "推进甲", "deadline": "6月底前"}])
    counts = score_pair(gold, out)
    assert counts["deadlines"].f1 == 1.0 and counts["funding"].f1 == 1.0
    assert score_pair(gold, _plan())["tasks"].f1 == 0.0


def test_command_prints_table_and_enforces_bounds(tmp_path, capsys):
    (tmp_path / "g").mkdir()
    (tmp_path / "o").mkdir()
    (tmp_path / "g/a.json").write_text(json.dumps(_plan(title="甲方案")), encoding="utf-8")
    (tmp_path / "o/a.json").write_text(json.dumps(_plan(title="乙方案")), encoding="utf-8")
    assert main([str(tmp_path / "g"), str(tmp_path / "o")]) == 0
    assert "ALL (F1)" in capsys.readouterr().out
    assert main([str(tmp_path / "g"), str(tmp_path / "o"), "--min", "header=0.5"]) == 1
    assert main([str(tmp_path / "g"), str(tmp_path / "missing")]) == 2
    assert main([str(tmp_path / "g"), str(tmp_path / "o"), "--min", "nonsense=1"]) == 2


def _shared_scorer():
    if not SHARED_SCORER.exists():
        pytest.skip(f"shared scorer not found at {SHARED_SCORER}")
    loader = SourceFileLoader("score_plan", str(SHARED_SCORER))
    spec = importlib.util.spec_from_loader("score_plan", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def _as_person(plan: dict) -> dict:
    targets = [
        dict(t, unit="person") if t.get("unit") == "person_time" else t for t in plan.get("targets") or []
    ]
    return dict(plan, targets=targets) if plan else plan


def test_person_time_scores_as_person_as_the_format_says():
    gold = {"targets": [{"value": 8000, "unit": "person"}]}
    assert score_pair(gold, {"targets": [{"value": 8000, "unit": "person_time"}]})["targets"].f1 == 1.0
    assert score_pair(gold, {"targets": [{"value": 8000, "unit": "count"}]})["targets"].f1 == 0.0


def test_same_numbers_as_the_shared_scorer(tmp_path):
    """Seeds read by the reader and deliberately damaged readings give the same counts under both scorers."""
    shared = _shared_scorer()
    outputs = []
    for gold_path in sorted(GOLD.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        plan = extract_file(SEEDS / f"{gold_path.stem}.txt")
        damaged = dict(plan, title="别的标题", tasks=plan["tasks"][::2], targets=plan["targets"][1:])
        damaged["pairings"] = plan["pairings"][:1] + [{"donor": "甲市", "recipient": "乙县"}]
        outputs += [(gold, plan), (gold, damaged), (gold, {})]
    for gold, out in outputs:
        ours = score_pair(gold, out)
        # the shared tool predates the person_time kind; the format scores 人次 as person
        g, o = shared.items(gold, _as_person(out))
        for part in PARTS:
            theirs = shared.counts(g[part], o[part])
            assert (ours[part].tp, ours[part].out, ours[part].gold) == theirs, part
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    for gold_path in sorted(GOLD.glob("*.json"))[:2]:
        plan = extract_file(SEEDS / f"{gold_path.stem}.txt")
        (out_dir / gold_path.name).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    score = score_folder(GOLD, out_dir)
    assert set(score.documents) == {p.stem for p in GOLD.glob("*.json")}
