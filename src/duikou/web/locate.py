"""Where in the source text an extracted item came from: spans for highlighting, found by folded search.

The reader folds widths, spaces and traditional characters; the search folds the source the same way and
maps each hit back to the original characters, so the highlight lands on the text as printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from duikou.core.text import to_simplified

_FOLD = str.maketrans(
    "０１２３４５６７８９％．：，；（）【】［］〔〕“”‘’「」、",
    '0123456789%.:,;()[][][]""\'\'"",',
)
_UNIT_PREFIXES = ("省", "市", "区", "县")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    ref: str
    kind: str


class SourceIndex:
    """The source folded for searching, with the original position of every kept character."""

    def __init__(self, text: str):
        self.text = text
        simplified = to_simplified(text)
        if len(simplified) != len(text):  # a phrase conversion changed lengths: search unconverted
            simplified = text
        chars, positions = [], []
        for i, ch in enumerate(simplified):
            if ch.isspace():
                continue
            chars.append(ch.translate(_FOLD))
            positions.append(i)
        self.folded = "".join(chars)
        self.positions = positions

    @staticmethod
    def fold(needle: str) -> str:
        return "".join(ch.translate(_FOLD) for ch in to_simplified(needle or "") if not ch.isspace())

    def find(self, needle: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
        """Original (start, end) of the first folded occurrence within [start, end) of the original text."""
        folded = self.fold(needle)
        if not folded:
            return None
        lo = self._folded_at(start)
        hi = self._folded_at(end) if end is not None else len(self.folded)
        at = self.folded.find(folded, lo, hi)
        if at < 0:
            return None
        return self.positions[at], self.positions[at + len(folded) - 1] + 1

    def find_prefix(self, needle: str, start: int = 0, end: int | None = None, lengths=(None, 40, 20, 12)):
        """The longest of the needle's prefixes that occurs (a long paragraph may be split across lines)."""
        for length in lengths:
            part = needle if length is None else (needle or "")[:length]
            if length is not None and len(needle or "") <= length:
                continue
            hit = self.find(part, start, end)
            if hit:
                return hit
        return None

    def _folded_at(self, original: int) -> int:
        # First folded index whose original position is at or after `original`.
        import bisect

        return bisect.bisect_left(self.positions, original)


def unit_variants(printed: str) -> list[str]:
    """The printed name, then shorter forms the document may have used before expansion (省科技厅 → 科技厅)."""
    variants = [printed]
    if printed[:1] in _UNIT_PREFIXES and len(printed) > 2:
        variants.append(printed[1:])
    for sep in ("、", "，", ","):
        if sep in printed:
            variants.append(printed.split(sep)[0])
    return variants


def locate_plan(source: str, plan: dict) -> tuple[list[Span], dict[str, bool]]:
    """Spans of tasks, their units, targets, allocations, funding and pairings; and which refs were found."""
    index = SourceIndex(source)
    spans: list[Span] = []
    found: dict[str, bool] = {}

    def add(ref: str, kind: str, hit):
        found[ref] = hit is not None
        if hit:
            spans.append(Span(hit[0], hit[1], ref, kind))
        return hit

    # Tasks in order: each is searched after the previous one, so repeated phrases land on the right row.
    cursor = 0
    task_hits: list[tuple[int, int] | None] = []
    for i, task in enumerate(plan.get("tasks") or []):
        hit = index.find_prefix(task.get("text") or "", cursor) or index.find_prefix(
            task.get("title") or "", cursor
        )
        add(f"task-{i}", "task", hit)
        task_hits.append(hit)
        if hit:
            cursor = hit[0]
    for i, task in enumerate(plan.get("tasks") or []):
        hit = task_hits[i]
        if hit is None:
            continue
        # A task's units are printed after its text and before the next task's text.
        following = next((h[0] for h in task_hits[i + 1 :] if h), None)
        window_end = following if following is not None else min(len(source), hit[1] + 400)
        for role in ("lead_units", "support_units"):
            for j, name in enumerate(task.get(role) or []):
                unit_hit = None
                for variant in unit_variants(name):
                    unit_hit = index.find(variant, hit[0], window_end)
                    if unit_hit:
                        break
                add(f"task-{i}-{role}-{j}", "unit", unit_hit)
    for i, target in enumerate(plan.get("targets") or []):
        hit = index.find_prefix(target.get("text") or "") or index.find_prefix(target.get("indicator") or "")
        add(f"target-{i}", "target", hit)
        for j, share in enumerate(target.get("allocations") or []):
            start = hit[0] if hit else 0
            share_hit = index.find(share.get("unit") or "", start, (hit[1] + 200) if hit else None)
            add(f"target-{i}-allocation-{j}", "amount", share_hit)
    for i, line in enumerate(plan.get("funding") or []):
        add(
            f"funding-{i}",
            "amount",
            index.find_prefix(line.get("text") or "") or index.find(line.get("source") or ""),
        )
    for i, pairing in enumerate(plan.get("pairings") or []):
        donor = index.find(pairing.get("donor") or "")
        add(f"pairing-{i}", "unit", donor and index.find(pairing.get("recipient") or "", donor[0]) and donor)
    return spans, found


def segments(source: str, spans: list[Span]) -> list[dict]:
    """The source cut at every span edge; each piece carries the refs covering it, the innermost first."""
    if not spans:
        return [{"text": source, "refs": "", "kind": ""}]
    edges = sorted({0, len(source), *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for a, b in zip(edges, edges[1:], strict=False):
        if a >= b:
            continue
        covering = sorted((s for s in spans if s.start <= a and s.end >= b), key=lambda s: s.end - s.start)
        out.append(
            {
                "text": source[a:b],
                "refs": " ".join(s.ref for s in covering),
                "kind": covering[0].kind if covering else "",
            }
        )
    return out
