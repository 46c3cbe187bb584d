"""The five published seed plans score F1 ≥ 0.95 on every part against the hand-made gold files."""

import importlib.util
import json
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest
from conftest import SEEDS

from duikou.reader import extract_file, validate_plan

GOLD = Path(__file__).resolve().parent / "gold"
SCORER = Path(__file__).resolve().parents[3] / "shared/tools/score-plan"


def _scorer():
    if not SCORER.exists():
        pytest.skip(f"scorer not found at {SCORER}")
    loader = SourceFileLoader("score_plan", str(SCORER))
    spec = importlib.util.spec_from_loader("score_plan", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem[:3])
def test_seed_scores(gold_path):
    scorer = _scorer()
    plan = extract_file(SEEDS / f"{gold_path.stem}.txt")
    assert validate_plan(plan) == []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    gold_items, out_items = scorer.items(gold, plan)
    for part in scorer.PARTS:
        f1 = scorer.prf(*scorer.counts(gold_items[part], out_items[part]))[2]
        assert f1 >= 0.95, f"{gold_path.stem} {part}: F1 {f1:.3f}"
