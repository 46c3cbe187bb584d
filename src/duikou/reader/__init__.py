"""duikou's document reader: a plain library (no Django) that turns a published plan into duikou.plan/1.

>>> from duikou.reader import extract_text
>>> extract_text("2023年帮助宁夏3000名以上农村劳动力就业。")["targets"][0]["value"]
3000
"""

from __future__ import annotations

import os

from .check import Finding, check_plan, format_findings
from .extract import SCHEMA, empty_plan, extract_lines
from .loaders import MAX_BYTES, ReaderError, load_file
from .schema import validate_plan

__all__ = [
    "MAX_BYTES",
    "SCHEMA",
    "Finding",
    "ReaderError",
    "check_plan",
    "empty_plan",
    "extract_file",
    "extract_text",
    "format_findings",
    "validate_plan",
]


def extract_text(text: str, *, source_name: str | None = None) -> dict:
    """Read a plan from text already in memory."""
    return extract_lines(text.splitlines(), source_name)


def extract_file(path: str | os.PathLike) -> dict:
    """Read a plan from a .txt, .html, .docx or .pdf file; raises ReaderError for files it cannot read."""
    return extract_lines(load_file(path), os.fspath(path))
