"""duikou's document reader: a plain library (no Django) that turns a published plan into duikou.plan/1.

>>> from duikou.reader import extract_text
>>> extract_text("2023年帮助宁夏3000名以上农村劳动力就业。")["targets"][0]["value"]
3000
"""

from __future__ import annotations

import os

from .check import Finding, check_plan, format_findings
from .document import Document, Progress, ReadingFinding
from .extract import SCHEMA, empty_plan, extract_lines
from .loaders import MAX_BYTES, ReaderError, read_file
from .schema import validate_plan

__all__ = [
    "MAX_BYTES",
    "Document",
    "ReadingFinding",
    "SCHEMA",
    "Finding",
    "ReaderError",
    "check_plan",
    "empty_plan",
    "extract_document",
    "extract_file",
    "extract_text",
    "format_findings",
    "validate_plan",
]


def extract_text(text: str, *, source_name: str | None = None) -> dict:
    """Read a plan from text already in memory."""
    return extract_lines(text.splitlines(), source_name)


def extract_file(path: str | os.PathLike, *, progress: Progress | None = None) -> dict:
    """Read a plan from any supported file (text, web page, Word, PDF, scan, OFD, legacy office formats).

    Raises ReaderError for files it cannot read; `progress(done, total, what)` hears of long steps (OCR).
    """
    return extract_document(read_file(path, progress=progress))


def extract_document(document: Document) -> dict:
    """Read a plan from a loaded Document (its line stream is what the rules read)."""
    plan = extract_lines(document.lines(), document.source, ocr=document.read_by_ocr)
    # what the loading itself was unsure of (a low-confidence OCR page) goes first, for the import review
    if document.findings:
        plan["findings"] = [
            {"code": f.kind, "message": f.zh, "where": f"第{f.page}页" if f.page else ""}
            for f in document.findings
        ] + (plan.get("findings") or [])
    return plan
