"""Score a reading (duikou.plan/1) against a hand-made answer, part by part.

The same rules as the project's shared ``score-plan`` tool (spec: plan-format.md, "How extraction is
scored"), kept here so the accuracy tests run on a fresh clone. ``python -m duikou.reader.scoring GOLD OUT``
prints the table; ``score_folder`` / ``score_pair`` return the numbers.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

try:  # answers and readings are compared in simplified characters, whole-string as the shared tool does
    import opencc

    _to_simplified = opencc.OpenCC("t2s").convert
except Exception:  # pragma: no cover - depends on the environment
    _to_simplified = None

PARTS = ["header", "pairings", "funding", "targets", "allocations", "tasks", "task_units", "deadlines"]
HEADER = ["title", "doc_number", "issuer", "issued_on", "period"]
SCORED_UNITS = {"yuan", "person", "count", "percent"}
# The plan format scores people "(人, 名, 人次) as person"; the reader keeps 人次 apart as person_time (the
# unit the application stores), which is compared here as the format counts it.
_SCORED_AS = {"person_time": "person"}
_WIDTH = str.maketrans("（）【】［］〔〕：，；　“”‘’「」", '()[][][]:,; ""\'\'""')


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if _to_simplified is not None:
        text = _to_simplified(text)
    return re.sub(r"\s+", "", text.translate(_WIDTH))


def _name(value) -> str:
    s = _text(value)
    return s[1:] if len(s) > 2 and s[0] in "省市区县" else s


def _step(value) -> str:
    return re.sub(r"[()\[\]、.．,]", "", _text(value))


def _num(value) -> float | None:
    try:
        return round(float(value), 4)
    except (TypeError, ValueError):
        return None


def _header_value(plan: dict, key: str):
    value = plan.get(key)
    if value in (None, "", {}):
        return None
    if key == "period":
        return (value.get("start_year"), value.get("end_year")) if isinstance(value, dict) else None
    return _text(value)


def _task_keys(plan: dict) -> list[tuple[str, str]]:
    """Each task's key: its numbering path when it has one, else its title."""
    keys = []
    for task in plan.get("tasks") or []:
        path = [_step(p) for p in (task.get("path") or []) if _step(p)]
        keys.append(("path", "/".join(path)) if path else ("title", _text(task.get("title"))))
    return keys


def _match_tasks(gold: dict, out: dict) -> tuple[list[tuple[str, str]], dict[int, tuple[str, str]]]:
    """Pair output tasks with gold tasks by path, then by title; each gold task at most once."""
    gold_keys, out_keys = _task_keys(gold), _task_keys(out)
    by_title = {_text(t.get("title")): k for t, k in zip(gold.get("tasks") or [], gold_keys, strict=True)}
    known = set(gold_keys)
    used: set[tuple[str, str]] = set()
    pairing: dict[int, tuple[str, str]] = {}
    for index, key in enumerate(out_keys):
        if key in known and key not in used:
            pairing[index] = key
            used.add(key)
    for index, task in enumerate(out.get("tasks") or []):
        if index in pairing:
            continue
        key = by_title.get(_text(task.get("title")))
        if key is not None and key not in used:
            pairing[index] = key
            used.add(key)
    return gold_keys, pairing


def items(gold: dict, out: dict) -> tuple[dict[str, Counter], dict[str, Counter]]:
    """For each part, the multiset of gold items and of output items."""
    g: dict[str, Counter] = {}
    o: dict[str, Counter] = {}
    g["header"] = Counter(f for f in HEADER if _header_value(gold, f) is not None)
    o["header"] = Counter(
        f
        for f in HEADER
        if _header_value(gold, f) is not None and _header_value(gold, f) == _header_value(out, f)
    )
    for key in HEADER:  # a wrong non-null field is a false positive
        value = _header_value(out, key)
        if value is not None and value != _header_value(gold, key):
            o["header"][key + "#wrong"] += 1

    def pairs(plan: dict) -> Counter:
        return Counter((_name(x.get("donor")), _name(x.get("recipient"))) for x in plan.get("pairings") or [])

    def funds(plan: dict) -> Counter:
        return Counter(
            (int(x.get("year") or 0), _num(x.get("amount_yuan"))) for x in plan.get("funding") or []
        )

    def unit(target: dict) -> str:
        text = _text(target.get("unit"))
        return _SCORED_AS.get(text, text)

    def scored(plan: dict) -> list[dict]:
        return [x for x in plan.get("targets") or [] if unit(x) in SCORED_UNITS]

    def targets(plan: dict) -> Counter:
        return Counter((_num(x.get("value")), unit(x)) for x in scored(plan))

    def allocations(plan: dict) -> Counter:
        return Counter(
            (_num(x.get("value")), _name(a.get("unit")), _num(a.get("value")))
            for x in scored(plan)
            for a in x.get("allocations") or []
        )

    g["pairings"], o["pairings"] = pairs(gold), pairs(out)
    g["funding"], o["funding"] = funds(gold), funds(out)
    g["targets"], o["targets"] = targets(gold), targets(out)
    g["allocations"], o["allocations"] = allocations(gold), allocations(out)

    gold_keys, pairing = _match_tasks(gold, out)
    out_tasks = out.get("tasks") or []
    g["tasks"] = Counter(gold_keys)
    o["tasks"] = Counter(pairing.get(i, ("unmatched", str(i))) for i in range(len(out_tasks)))

    def units(task: dict) -> set[str]:
        return {
            _name(u) for u in (task.get("lead_units") or []) + (task.get("support_units") or []) if _name(u)
        }

    gold_tasks = gold.get("tasks") or []
    g["task_units"] = Counter((k, u) for t, k in zip(gold_tasks, gold_keys, strict=True) for u in units(t))
    g["deadlines"] = Counter(
        (k, _text(t.get("deadline"))) for t, k in zip(gold_tasks, gold_keys, strict=True) if t.get("deadline")
    )
    o["task_units"], o["deadlines"] = Counter(), Counter()
    for index, task in enumerate(out_tasks):
        key = pairing.get(index, ("unmatched", str(index)))
        for unit in units(task):
            o["task_units"][(key, unit)] += 1
        if task.get("deadline"):
            o["deadlines"][(key, _text(task.get("deadline")))] += 1
    return g, o


@dataclass
class Counts:
    """Matched, output and gold item counts of one part."""

    tp: int = 0
    out: int = 0
    gold: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        self.tp, self.out, self.gold = self.tp + other.tp, self.out + other.out, self.gold + other.gold
        return self

    @property
    def precision(self) -> float:
        return self.tp / self.out if self.out else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else (1.0 if not self.out else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_pair(gold: dict, out: dict) -> dict[str, Counts]:
    """Counts per part for one document."""
    g, o = items(gold, out)
    return {
        part: Counts(sum((g[part] & o[part]).values()), sum(o[part].values()), sum(g[part].values()))
        for part in PARTS
    }


@dataclass
class Score:
    """Per-document counts and their sum over all documents."""

    documents: dict[str, dict[str, Counts]] = field(default_factory=dict)
    overall: dict[str, Counts] = field(default_factory=lambda: {p: Counts() for p in PARTS})

    def add(self, name: str, gold: dict, out: dict) -> None:
        counts = score_pair(gold, out)
        self.documents[name] = counts
        for part in PARTS:
            self.overall[part] += counts[part]

    @property
    def mean_f1(self) -> float:
        return sum(self.overall[p].f1 for p in PARTS) / len(PARTS)

    def table(self) -> str:
        """The score-plan table: F1 per document and part, then overall F1, precision and recall."""
        lines = [f"{'document':<28}" + "".join(f"{p:>13}" for p in PARTS)]
        for name, parts in self.documents.items():
            lines.append(f"{name[:28]:<28}" + "".join(f"{parts[p].f1:>13.3f}" for p in PARTS))
        for label, attr in (("F1", "f1"), ("precision", "precision"), ("recall", "recall")):
            lines.append(
                f"{'ALL (' + label + ')':<28}"
                + "".join(f"{getattr(self.overall[p], attr):>13.3f}" for p in PARTS)
            )
        lines.append(f"mean F1 over parts: {self.mean_f1:.3f}")
        return "\n".join(lines)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def score_documents(pairs: Iterable[tuple[str, dict, dict]]) -> Score:
    """Score (name, gold, output) triples."""
    score = Score()
    for name, gold, out in pairs:
        score.add(name, gold, out)
    return score


def _pairs_of(gold: Path, out: Path) -> Iterator[tuple[str, dict, dict]]:
    if gold.is_dir():
        for gold_path in sorted(gold.glob("*.json")):
            out_path = out / gold_path.name
            yield gold_path.stem, _load(gold_path), (_load(out_path) if out_path.exists() else {})
    else:
        yield gold.stem, _load(gold), _load(out)


def score_folder(gold: str | Path, out: str | Path) -> Score:
    """Score two JSON files, or two folders whose *.json files pair by name (a missing output scores empty)."""
    return score_documents(_pairs_of(Path(gold), Path(out)))


def main(argv: list[str] | None = None) -> int:
    """score GOLD OUT [--min PART=F1 ...]: print the table; exit 1 when a part's overall F1 is below its bound."""
    argv = list(sys.argv[1:] if argv is None else argv)
    bounds: dict[str, float] = {}
    paths: list[str] = []
    index = 0
    while index < len(argv):
        if argv[index] == "--min" and index + 1 < len(argv):
            part, _, bound = argv[index + 1].partition("=")
            if part not in PARTS:
                print(f"unknown part {part!r} (parts: {', '.join(PARTS)})", file=sys.stderr)
                return 2
            bounds[part] = float(bound)
            index += 2
            continue
        paths.append(argv[index])
        index += 1
    if len(paths) != 2:
        print("usage: python -m duikou.reader.scoring GOLD OUT [--min PART=F1 ...]", file=sys.stderr)
        return 2
    for path in paths:
        if not Path(path).exists():
            print(f"not found: {path}", file=sys.stderr)
            return 2
    score = score_folder(*paths)
    print(score.table())
    short = [f"{p} {score.overall[p].f1:.3f} < {b}" for p, b in bounds.items() if score.overall[p].f1 < b]
    if short:
        print("below bound: " + "; ".join(short))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
