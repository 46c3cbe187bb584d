"""The five published seed plans score F1 ≥ 0.95 on every part against the hand-made gold files.

Scored with the project's own scorer (duikou.reader.scoring), so this runs on a fresh clone.
"""

import json
from pathlib import Path

import pytest
from conftest import SEEDS

from duikou.reader import extract_file, validate_plan
from duikou.reader.scoring import PARTS, score_pair

GOLD = Path(__file__).resolve().parent / "gold"


@pytest.mark.parametrize("gold_path", sorted(GOLD.glob("*.json")), ids=lambda p: p.stem[:3])
def test_seed_scores(gold_path):
    plan = extract_file(SEEDS / f"{gold_path.stem}.txt")
    assert validate_plan(plan) == []
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    counts = score_pair(gold, plan)
    for part in PARTS:
        assert counts[part].f1 >= 0.95, f"{gold_path.stem} {part}: F1 {counts[part].f1:.3f}"
