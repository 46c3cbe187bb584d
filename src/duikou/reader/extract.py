"""Text in, duikou.plan/1 out: the reader's pipeline."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .findings import reading_findings
from .funding import find_funding
from .header import extract_header
from .pairings import extract_pairings
from .structure import Node, parse_outline
from .targets import Paragraph, extract_targets
from .tasks import BACKGROUND_TITLE, outline_tasks, table_tasks
from .text import Document, build_document
from .units import find_definitions

SCHEMA = "duikou.plan/1"
_GOAL_TITLE = re.compile(r"目标")
_SIDES = re.compile(
    r"^(?P<donor>[\u4e00-\u9fff]{2,10}?(?:省|市|自治区))(?:“[^”]*”)?(?:与|对口支援|对口帮扶|对口协作|对口合作)"
    r"(?P<recipient>[\u4e00-\u9fff]{2,12}?(?:省|市|自治区|自治州|州|县|区))"
)


def _paragraphs(document: Document, period: dict | None) -> list[Paragraph]:
    """Every stretch of text with the context that decides whether its numbers are commitments."""
    outline = parse_outline(document.lines)
    single_year = period["start_year"] if period and period["start_year"] == period["end_year"] else None
    end_year = period["end_year"] if period else None
    paragraphs: list[Paragraph] = []

    def add(lines: Iterable[str], background: bool, year: int | None) -> None:
        for line in lines:
            for cell in line.split("\t"):
                if cell:
                    paragraphs.append(Paragraph(cell, background, year))

    add(outline.preamble, False, single_year)

    def visit(node: Node) -> None:
        chain = [*node.ancestors(), node]
        background = any(BACKGROUND_TITLE.search(n.title) for n in chain)
        goal = any(_GOAL_TITLE.search(n.title) for n in chain)
        year = single_year or (end_year if goal else None)
        add([node.heading, *node.body], background, year)
        for child in node.children:
            visit(child)

    for child in outline.root.children:
        visit(child)
    for attachment in outline.attachments:
        add(attachment, False, single_year)
    return paragraphs


def _sentences(paragraphs: list[Paragraph]) -> list[str]:
    sentences: list[str] = []
    for paragraph in paragraphs:
        if paragraph.background:
            continue
        sentences += [s.strip() for s in re.split(r"[。；;!?！？]", paragraph.text) if s.strip()]
    return sentences


def _sides(title: str | None, pairings: list[dict]) -> tuple[list[str], list[str]]:
    """The supporting and supported sides of the plan as a whole."""
    donors: list[str] = []
    recipients: list[str] = []
    match = _SIDES.match(title or "")
    if match:
        donors.append(match.group("donor"))
        recipients.append(match.group("recipient"))
    if not donors and pairings:
        donors = list(dict.fromkeys(p["donor"] for p in pairings))
    if not recipients and pairings and len({p["recipient"] for p in pairings}) <= 12:
        recipients = list(dict.fromkeys(p["recipient"] for p in pairings))
    return donors, recipients


def empty_plan() -> dict:
    """A plan that says nothing: every field present, null or empty."""
    return {
        "schema": SCHEMA,
        "title": None,
        "doc_number": None,
        "issuer": None,
        "issued_on": None,
        "period": None,
        "donors": [],
        "recipients": [],
        "pairings": [],
        "funding": [],
        "targets": [],
        "tasks": [],
    }


def extract_lines(raw_lines: Iterable[str], source_name: str | None = None, *, ocr: bool = False) -> dict:
    """Read loaded lines into a duikou.plan/1 object (ocr: they were read from images)."""
    document = build_document(raw_lines, source_name, ocr=ocr)
    restore = document.restore
    plan = empty_plan()
    if not document.lines:
        return plan
    header = extract_header(document.lines)
    plan.update({k: (restore(v) if isinstance(v, str) else v) for k, v in header.items()})
    period = header["period"]
    due_year = period["start_year"] if period and period["start_year"] == period["end_year"] else None
    definitions = find_definitions("\n".join(document.lines))

    plan["tasks"] = table_tasks(document.lines, definitions, due_year, restore) or outline_tasks(
        parse_outline(document.lines), definitions, due_year, restore
    )
    sides = _SIDES.match(header["title"] or "")
    pairings = extract_pairings(
        document.lines,
        sides.group("donor") if sides else None,
        sides.group("recipient") if sides else None,
    )
    donors, recipients = _sides(header["title"], pairings)
    plan["donors"] = [restore(d) for d in donors]
    plan["recipients"] = [restore(r) for r in recipients]
    plan["pairings"] = [
        {"donor": restore(p["donor"]), "recipient": restore(p["recipient"])} for p in pairings
    ]

    paragraphs = _paragraphs(document, period)
    schedules = find_funding(_sentences(paragraphs), period, header["title"])
    seen_rows: set[tuple] = set()
    for schedule in schedules:
        for row in schedule.rows:
            key = (row["source"], row["year"], row["amount_yuan"])
            if key in seen_rows:
                continue
            seen_rows.add(key)
            row = dict(row, source=restore(row["source"]), text=restore(row["text"]))
            if schedule.total_yuan is not None:
                row["total_yuan"] = schedule.total_yuan
            plan["funding"].append(row)
    skip = {s.sentence for s in schedules}
    targets = extract_targets(paragraphs, skip)
    unique_targets: list[dict] = []
    seen_targets: set[tuple] = set()
    for target in targets:
        key = (target["text"], target["indicator"], target["value"], target["unit"])
        if key in seen_targets:
            continue
        seen_targets.add(key)
        target["text"] = restore(target["text"])
        target["indicator"] = restore(target["indicator"])
        for allocation in target["allocations"]:
            allocation["unit"] = restore(allocation["unit"])
        unique_targets.append(target)
    plan["targets"] = unique_targets
    # what the reading is unsure of, next to the items (an extra field the format allows)
    plan["findings"] = [
        {**finding, "message": restore(finding["message"]), "where": restore(finding["where"])}
        for finding in reading_findings(document.lines, plan)
    ]
    return plan
