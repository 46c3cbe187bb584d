"""Text leaving duikou in a spreadsheet or a CSV file is never a live formula (formula / CSV injection).

Names and texts come from imported documents and from users: `=HYPERLINK(…)` or `=cmd|…` must arrive in Excel as
the text it is. Every .xlsx and CSV writer passes its cells through here.
"""

from __future__ import annotations

# What spreadsheet programs read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: str) -> str:
    """A CSV cell: text that would start a formula gets an apostrophe in front (Excel shows the rest as text)."""
    return "'" + value if looks_like_formula(value) else value


def as_text_cell(cell):
    """An openpyxl cell holding text: a string starting like a formula is stored as a string (not the formula
    openpyxl would make of it) and marked quote-prefixed, so Excel keeps it text even when the cell is edited."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
