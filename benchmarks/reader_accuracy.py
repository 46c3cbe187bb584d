"""Score the reader on the seeds and the corpus with the in-repo scorer and print the score-plan tables.

usage: python benchmarks/reader_accuracy.py [seeds|corpus ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from duikou.reader import extract_file
from duikou.reader.scoring import score_documents

REPO = Path(__file__).resolve().parents[1]
SETS = {
    "seeds": (REPO / "tests/reader/gold", REPO / "examples/plans"),
    "corpus": (REPO / "tests/corpus/gold", REPO / "tests/corpus"),
}


def score_set(name: str):
    """Read every document that has an expected answer and score the readings."""
    gold_dir, text_dir = SETS[name]
    triples = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        triples.append((gold_path.stem, gold, extract_file(text_dir / f"{gold_path.stem}.txt")))
    return score_documents(triples)


def main(argv: list[str]) -> int:
    for name in argv or list(SETS):
        print(f"== {name}")
        print(score_set(name).table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
