"""Positioned text to paragraphs: the geometry shared by PDF, OFD and OCR.

Printed lines are rejoined by the conventions of 公文 typesetting: a first-line indent or a heading number
starts a paragraph, a line ending short of the right margin ends one, CJK lines join without a space; page
numbers ("— 3 —") and running headers repeating across pages are furniture; 抄送/印发 lines are kept and
marked. Tables arrive as `TableItem`s from the format's own table finder; a table continued on the next page
with its header row repeated is joined into one.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from ..document import Block, Document

HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节条部分篇]|[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百]+[)）]|"
    r"\d{1,3}[.．、](?!\d)|[(（]\d{1,3}[)）]|[①-⑳]|附件\s*\d*\s*$|附件[:：])"
)
_PAGE_NUMBER = re.compile(
    r"^[\s—\-–－─~～_]*(\d{1,4}|第\s*\d{1,4}\s*页(\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|[-—]?\s*[ivxlcIVXLC]{1,6}\s*[-—]?)[\s—\-–－─~～_]*$"
)
_DISTRIBUTION = re.compile(r"^\s*(抄送|抄报|分送|发送)[:：]|印发\s*$|印发$")


def is_cjk(char: str) -> bool:
    return (
        "\u2e80" <= char <= "\u9fff"
        or "\uf900" <= char <= "\ufaff"
        or "\u3000" <= char <= "\u303f"
        or "\uff00" <= char <= "\uffef"
    )


def joiner(left: str, right: str) -> str:
    """What goes between two wrapped pieces of one paragraph: nothing in CJK, a space between Latin words."""
    if not left or not right:
        return ""
    a, b = left[-1], right[0]
    if a.isascii() and a.isalnum() and b.isascii() and b.isalnum():
        return " "
    return ""


@dataclass
class Glyph:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    page: int
    glyphs: list[Glyph] = field(default_factory=list, repr=False)


@dataclass
class TableItem:
    rows: list[list[str]]
    top: float
    bottom: float
    page: int


@dataclass
class Page:
    number: int
    width: float
    height: float
    items: list[Line | TableItem] = field(default_factory=list)


def glyphs_to_lines(glyphs: list[Glyph], page: int) -> list[Line]:
    """Glyphs of one page (or one table cell) into lines, top to bottom, each sorted left to right."""
    if not glyphs:
        return []
    ordered = sorted(glyphs, key=lambda g: ((g.top + g.bottom) / 2, g.x0))
    rows: list[list[Glyph]] = []
    centre = None
    for glyph in ordered:
        middle = (glyph.top + glyph.bottom) / 2
        if rows and centre is not None and abs(middle - centre) <= max(glyph.size, 4) * 0.45:
            rows[-1].append(glyph)
            count = len(rows[-1])
            centre = centre + (middle - centre) / count
        else:
            rows.append([glyph])
            centre = middle
    return [_line(sorted(row, key=lambda g: g.x0), page) for row in rows]


def _line(glyphs: list[Glyph], page: int) -> Line:
    size = statistics.median(g.size for g in glyphs) or 10
    parts: list[str] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        if previous is not None and glyph.text.strip() and parts and parts[-1] != " ":
            gap = glyph.x0 - previous.x1
            both_latin = previous.text[-1:].isascii() and glyph.text[:1].isascii()
            if gap > size * (0.25 if both_latin else 0.9):
                parts.append(" ")
        if glyph.text.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
        else:
            parts.append(glyph.text)
        previous = glyph
    text = "".join(parts).strip()
    visible = [g for g in glyphs if g.text.strip()] or glyphs
    return Line(
        text=text,
        x0=visible[0].x0,
        x1=visible[-1].x1,
        top=min(g.top for g in glyphs),
        bottom=max(g.bottom for g in glyphs),
        size=size,
        page=page,
        glyphs=glyphs,
    )


def cell_text(lines: list[Line], right: float) -> str:
    """Lines inside one table cell joined: a line ending well short of the cell's edge ended at a space."""
    out = ""
    for index, line in enumerate(lines):
        if index:
            previous = lines[index - 1]
            short = right - previous.x1 > 1.5 * previous.size
            out += " " if short else joiner(out, line.text)
        out += line.text
    return out.strip()


def _key(text: str) -> str:
    return re.sub(r"[\d\s]+", "#", text)


def mark_furniture(pages: list[Page]) -> set[int]:
    """ids of lines that are page numbers or running headers/footers."""
    furniture: set[int] = set()
    repeated: Counter[str] = Counter()
    margin_lines: list[tuple[Line, str]] = []
    for page in pages:
        lines = [item for item in page.items if isinstance(item, Line)]
        if not lines:
            continue
        zone = page.height * 0.12
        for position, line in enumerate(lines):
            in_margin = line.top < zone or line.bottom > page.height - zone
            edge = position in (0, len(lines) - 1)
            if _PAGE_NUMBER.match(line.text) and in_margin and edge:
                furniture.add(id(line))
            elif in_margin and edge and len(line.text) <= 60:
                margin_lines.append((line, _key(line.text)))
    seen_pages: dict[str, set[int]] = {}
    for line, key in margin_lines:
        seen_pages.setdefault(key, set()).add(line.page)
    for key, on_pages in seen_pages.items():
        repeated[key] = len(on_pages)
    threshold = max(2, len(pages) // 2) if len(pages) >= 3 else 99
    for line, key in margin_lines:
        if repeated[key] >= threshold:
            furniture.add(id(line))
    return furniture


def split_label(text: str) -> tuple[str, str]:
    """A paragraph's numbering label as printed, and the rest."""
    match = HEADING.match(text)
    if match and match.end() < len(text):
        return text[: match.end()], text[match.end() :]
    return "", text


def assemble(pages: list[Page], document: Document) -> None:
    """Rejoin the pages' lines into paragraphs and append them (and the tables) to the document."""
    furniture = mark_furniture(pages)
    body = [
        item for page in pages for item in page.items if isinstance(item, Line) and id(item) not in furniture
    ]
    if body:
        left = Counter(round(line.x0) for line in body).most_common(1)[0][0]
        ends = sorted(line.x1 for line in body)
        right = ends[int(len(ends) * 0.9)] if len(ends) > 3 else ends[-1]
        size = statistics.median(line.size for line in body)
        gaps = [
            b.top - a.top
            for a, b in zip(body, body[1:], strict=False)
            if a.page == b.page and 0 < b.top - a.top < 4 * size
        ]
        leading = statistics.median(gaps) if gaps else size * 1.5
    else:
        left, right, size, leading = 0, 0, 10, 15
    current: Block | None = None
    previous: Line | None = None
    last_table: Block | None = None
    table_ends_page: int | None = None
    for page in pages:
        for item in page.items:
            if isinstance(item, TableItem):
                current, previous = None, None
                if (
                    last_table is not None
                    and table_ends_page == item.page - 1
                    and _first_on_page(page, item, furniture)
                    and _same_shape(last_table.rows, item.rows)
                ):
                    _continue_table(last_table.rows, item.rows)
                else:
                    last_table = document.add_table(item.rows, page=item.page)
                table_ends_page = item.page if _last_on_page(page, item, furniture) else None
                continue
            line = item
            if id(line) in furniture:
                kind = "page_number" if _PAGE_NUMBER.match(line.text) else "running_header"
                document.add_paragraph(line.text, page=line.page, furniture=kind)
                continue
            if not line.text:
                continue
            last_table = last_table if table_ends_page == line.page else None
            if (
                current is not None
                and previous is not None
                and not _starts_paragraph(line, previous, left, right, size, leading)
            ):
                current.text += joiner(current.text, line.text) + line.text
            else:
                current = document.add_paragraph(line.text, page=line.page)
                if _DISTRIBUTION.search(line.text):
                    current.role = "distribution"
            previous = line
    for block in document.blocks:
        if block.rows is None and block.furniture is None and not block.label:
            block.label, block.text = split_label(block.text)


def _centred(line: Line, left: float, right: float, size: float) -> bool:
    left_gap, right_gap = line.x0 - left, right - line.x1
    return left_gap > 2 * size and abs(left_gap - right_gap) < 2.5 * size


def _starts_paragraph(
    line: Line, previous: Line, left: float, right: float, size: float, leading: float
) -> bool:
    if abs(line.size - previous.size) > 0.15 * max(line.size, previous.size):
        return True
    if line.page == previous.page and line.top - previous.top > 1.8 * leading:
        return True
    if HEADING.match(line.text):
        return True
    if _centred(previous, left, right, size) and _centred(line, left, right, size):
        # a title wrapped over centred lines: one paragraph if the first line was nearly full
        return previous.x1 - previous.x0 < 0.6 * (right - left)
    if right - previous.x1 > 1.5 * size:  # the previous line ended short of the margin
        return True
    if line.x0 - left > 1.2 * size:  # first-line indent
        return True
    return False


def _first_on_page(page: Page, table: TableItem, furniture: set[int]) -> bool:
    for item in page.items:
        if item is table:
            return True
        if isinstance(item, Line) and id(item) not in furniture and item.text:
            return False
    return False


def _last_on_page(page: Page, table: TableItem, furniture: set[int]) -> bool:
    for item in reversed(page.items):
        if item is table:
            return True
        if isinstance(item, Line) and id(item) not in furniture and item.text:
            return False
    return False


def _same_shape(a: list[list[str]], b: list[list[str]]) -> bool:
    return bool(a and b) and max(map(len, a)) == max(map(len, b))


def _norm(row: list[str]) -> list[str]:
    return [re.sub(r"\s+", "", cell) for cell in row]


def _continue_table(rows: list[list[str]], more: list[list[str]]) -> None:
    """A table carried onto the next page: drop its repeated header row, rejoin a row split at the break."""
    more = [list(row) for row in more]
    if more and rows and _norm(more[0]) == _norm(rows[0]):
        more = more[1:]
    if more and rows and more[0] and not more[0][0].strip() and rows[-1] and rows[-1][0].strip():
        split_row = more.pop(0)
        last = rows[-1]
        for index, cell in enumerate(split_row):
            if index < len(last):
                last[index] = (last[index] + joiner(last[index], cell) + cell).strip()
    rows.extend(more)
