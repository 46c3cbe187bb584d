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
    """A table found on a page: a grid of cell texts (None where a cell spanning from the left covers it)
    and, per cell, the row its text comes from (a cell merged down repeats the text of the row it starts in)."""

    rows: list[list[str | None]]
    top: float
    bottom: float
    page: int
    origins: list[list[int]] | None = None
    ended: list[bool] | None = None  # per cell of the last row: its text ended (no word runs on)

    def clean_rows(self) -> list[list[str]]:
        return [[cell for cell in row if cell is not None] for row in self.rows]


@dataclass
class Page:
    number: int
    width: float
    height: float
    items: list[Line | TableItem] = field(default_factory=list)


def glyphs_to_lines(glyphs: list[Glyph], page: int, *, cell: bool = False) -> list[Line]:
    """Glyphs of one page (or one table cell: cell=True) into lines, top to bottom, each sorted left to
    right."""
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
    return [_line(sorted(row, key=lambda g: g.x0), page, cell=cell) for row in rows]


def _line(glyphs: list[Glyph], page: int, *, cell: bool = False) -> Line:
    """One printed line. A wide gap between glyphs is a space, except between two CJK characters inside a
    table cell: a narrow justified cell stretches a line around an unbreakable run (“1+1+1”) by more than
    a character, and CJK has no word spaces to lose."""
    size = statistics.median(g.size for g in glyphs) or 10
    parts: list[str] = []
    previous: Glyph | None = None
    for glyph in glyphs:
        if previous is not None and glyph.text.strip() and parts and parts[-1] != " ":
            gap = glyph.x0 - previous.x1
            both_latin = previous.text[-1:].isascii() and glyph.text[:1].isascii()
            both_cjk = is_cjk(previous.text[-1:] or " ") and is_cjk(glyph.text[:1])
            if gap > size * (0.25 if both_latin else 0.9) and not (cell and both_cjk):
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


# characters a line may not start with: a line before them was cut short to carry one character down
_NO_START = set("、，。；：？！）)]】」』”’》〉%％·…—,.;:?!")
# characters a line may not end with: carried down to the next line with the character after them
_NO_END = set("“‘（(《〈【「『[")


def natural_spacing(line: Line) -> bool | None:
    """Whether a line of CJK glyphs is set at natural spacing (True) or stretched to the margin (False).

    In justified text every wrapped line is stretched, so a full line at natural spacing ended its paragraph.
    None when the line cannot tell (too short, spaces or Latin in it, or one box per run as from OCR).
    """
    glyphs = [g for g in line.glyphs if g.text.strip()]
    if len(glyphs) < 4 or any(g.text.isspace() for g in line.glyphs):
        return None
    gaps = [
        b.x0 - a.x1 for a, b in zip(glyphs, glyphs[1:], strict=False) if is_cjk(a.text) and is_cjk(b.text)
    ]
    if len(gaps) < 3 or any(gap > 0.25 * line.size for gap in gaps):
        return None
    return statistics.median(gaps) <= 0.02 * line.size


def _first_word_width(line: Line) -> float | None:
    """Width of the text before the line's first space, when the line has one (else None: CJK breaks
    anywhere, so any first character would have fitted)."""
    glyphs = list(line.glyphs)
    while glyphs and glyphs[0].text.isspace():
        glyphs.pop(0)
    for index, glyph in enumerate(glyphs):
        if index and (glyph.text.isspace() or glyph.x0 - glyphs[index - 1].x1 > 0.25 * line.size):
            visible = [g for g in glyphs[:index] if g.text.strip()]
            return visible[-1].x1 - visible[0].x0 if visible else None
    return None


def ended_short(
    previous: Line, following: Line, right: float, justified: bool = False, slack: float = 1.2
) -> bool:
    """The previous line stopped short of the right edge by more than line breaking explains: it ended there.

    A CJK line is filled to the edge save for the characters carried down so that punctuation does not start
    the next line (禁则), so a line short by one or two characters ended only when no such carry explains it.
    """
    short = (right - previous.x1) / max(previous.size, 1)
    word = _first_word_width(following)
    if word is not None and word / max(previous.size, 1) > short - 0.3:
        return False  # the next line's first word (up to a space) did not fit: a wrap, not an end
    if short > 2.6:
        return True
    head = following.text[:2]
    carried = any(c in _NO_START for c in head[:2]) or any(c in _NO_END for c in head[:2])
    if short > slack and not carried:
        return True
    # at natural spacing in justified text the line was not stretched: it ended — unless it reaches the edge
    # with digits or Latin in it, which took the stretch (only the gaps between CJK characters are measured)
    if short <= 0.25 and any(not is_cjk(c) for c in previous.text if not c.isspace()):
        return False
    return justified and natural_spacing(previous) is True


def is_justified(lines: list[Line]) -> bool:
    """Most lines that can tell are stretched: the text is set justified."""
    verdicts = [natural_spacing(line) for line in lines]
    stretched = sum(1 for v in verdicts if v is False)
    return stretched >= 2 and stretched >= 0.3 * sum(1 for v in verdicts if v is not None)


def _ends_a_unit(line: Line) -> bool:
    """The line ends the name of an organisation (政府, 局, 委, 办公厅 …; not a bare place such as 福州市)."""
    from ..units import PLACE_CHARS, ends_like_unit

    last = re.split(r"[、，,；;\s]", line.text.strip())[-1]
    return len(last) >= 2 and ends_like_unit(last) and last[-1] not in PLACE_CHARS + "镇乡"


def cell_text(
    lines: list[Line], left: float, right: float, justified: bool | None = None, *, boxes: bool = False
) -> tuple[str, bool]:
    """Lines inside one table cell joined (a line ending short of the cell's text edge ended at a space or
    paragraph break), and whether the last line ended so (for a row that a page break splits).

    boxes=True for text read by OCR, one box per printed line: the spacing inside a line cannot show whether
    a full line ended, so a full line that ends an organisation's name ends there (unit columns list one
    unit per line: 闽侯区委、政府 / 福清市区委、政 / 府).
    """
    if not lines:
        return "", True
    if justified is None:
        justified = is_justified(lines)
    padding = min(line.x0 for line in lines) - left
    if 0 <= padding < 3 * lines[0].size:
        right -= padding  # the text area of a left-aligned cell: the same padding on both sides
    else:
        right = max(line.x1 for line in lines)
    out = ""
    for index, line in enumerate(lines):
        if index:
            previous = lines[index - 1]
            ended = ended_short(previous, line, right, justified) or (boxes and _ends_a_unit(previous))
            out += " " if ended else joiner(out, line.text)
        out += line.text
    probe = Line("x", 0, 0, 0, 0, lines[-1].size, lines[-1].page)
    return out.strip(), ended_short(lines[-1], probe, right, justified)


def _key(text: str) -> str:
    return re.sub(r"[\d\s]+", "#", text)


def mark_furniture(pages: list[Page]) -> set[int]:
    """ids of lines that are page numbers or running headers/footers."""
    furniture: set[int] = set()
    repeated: Counter[str] = Counter()
    number_lines: list[Line] = []
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
                number_lines.append(line)
            elif in_margin and edge and len(line.text) <= 60:
                margin_lines.append((line, _key(line.text)))
    seen_pages: dict[str, set[int]] = {}
    for line, key in margin_lines:
        seen_pages.setdefault(key, set()).add(line.page)
    for key, on_pages in seen_pages.items():
        repeated[key] = len(on_pages)
    # a page number sits at the same height on most pages (a lone "9" ending a page is text)
    heights = {page.number: page.height for page in pages}
    bands: dict[int, set[int]] = {}
    for line in number_lines:
        bands.setdefault(round(line.top / heights[line.page] * 50), set()).add(line.page)
    for line in number_lines:
        band = round(line.top / heights[line.page] * 50)
        on_pages = bands.get(band, set()) | bands.get(band - 1, set()) | bands.get(band + 1, set())
        if len(pages) == 1 or len(on_pages) >= max(2, len(pages) // 2):
            furniture.add(id(line))
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
        # the left margin: the leftmost position shared by a fair number of lines (not the indent, even in a
        # document of one-line paragraphs)
        starts = Counter(round(line.x0) for line in body)
        enough = max(2, len(body) // 20)
        left = min((x for x, n in starts.items() if n >= enough), default=starts.most_common(1)[0][0])
        ends = sorted(line.x1 for line in body)
        right = ends[int(len(ends) * 0.9)] if len(ends) > 3 else ends[-1]
        size = statistics.median(line.size for line in body)
        gaps = [
            b.top - a.top
            for a, b in zip(body, body[1:], strict=False)
            if a.page == b.page and 0 < b.top - a.top < 4 * size
        ]
        leading = statistics.median(gaps) if gaps else size * 1.5
        justified = is_justified(body)
    else:
        left, right, size, leading, justified = 0, 0, 10, 15, False
    current: Block | None = None
    previous: Line | None = None
    last_table: TableItem | None = None
    table_ends_page: int | None = None
    table_blocks: list[tuple[Block, TableItem]] = []
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
                    _continue_table(last_table, item)
                else:
                    last_table = TableItem(
                        [list(row) for row in item.rows],
                        item.top,
                        item.bottom,
                        item.page,
                        item.origins,
                        item.ended,
                    )
                    table_blocks.append((document.add_table([], page=item.page), last_table))
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
                and not _starts_paragraph(line, previous, left, right, size, leading, justified)
            ):
                current.text += joiner(current.text, line.text) + line.text
            else:
                current = document.add_paragraph(line.text, page=line.page)
                if _DISTRIBUTION.search(line.text):
                    current.role = "distribution"
            previous = line
    for block, table in table_blocks:
        block.rows = table.clean_rows()
    for block in document.blocks:
        if block.rows is None and block.furniture is None and not block.label:
            block.label, block.text = split_label(block.text)


def _centred(line: Line, left: float, right: float, size: float) -> bool:
    left_gap, right_gap = line.x0 - left, right - line.x1
    return left_gap > 2 * size and abs(left_gap - right_gap) < 2.5 * size


def _starts_paragraph(
    line: Line,
    previous: Line,
    left: float,
    right: float,
    size: float,
    leading: float,
    justified: bool = False,
) -> bool:
    if abs(line.size - previous.size) > 0.15 * max(line.size, previous.size):
        return True
    if line.page == previous.page and line.top - previous.top > 1.8 * leading:
        return True
    if HEADING.match(line.text):
        return True
    if _centred(line, left, right, size) and min(line.size, previous.size) >= 1.05 * size:
        # a title in a larger type wrapped over centred lines: one paragraph while the line above was full
        full = previous.x1 - previous.x0 >= 0.6 * (right - left)
        return not (
            full and (_centred(previous, left, right, size) or previous.x1 >= right - 1.5 * line.size)
        )
    if ended_short(previous, line, right, justified):
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


def _same_shape(a: list[list[str | None]], b: list[list[str | None]]) -> bool:
    return bool(a and b) and max(map(len, a)) == max(map(len, b))


def _norm(row: list[str | None]) -> list[str]:
    return [re.sub(r"\s+", "", cell or "") for cell in row]


def _continue_table(table: TableItem, more: TableItem) -> None:
    """A table carried onto the next page: drop its repeated header row, rejoin a row split at the page
    break, and give a cell merged down across the break its text on the new page too."""
    rows = table.rows
    new = [list(row) for row in more.rows]
    origins = [list(row) for row in (more.origins or [[i] * len(row) for i, row in enumerate(more.rows)])]
    if new and rows and _norm(new[0]) == _norm(rows[0]):
        new, origins = new[1:], [[o - 1 for o in row] for row in origins[1:]]
    if not new or not rows:
        rows.extend(new)
        return
    last = rows[-1]
    split = not (new[0][0] or "").strip() and bool((last[0] or "").strip())
    first = list(new[0])
    for c, cell in enumerate(first):
        if cell == "" and c < len(last) and last[c]:
            # empty at the top of the new page: the rest of a cell merged down from the page before
            spans_down = len(origins) > 1 and c < len(origins[1]) and origins[1][c] == 0
            if split or spans_down:
                for r in range(1 if split else 0, len(new)):
                    if c < len(origins[r]) and origins[r][c] == 0:
                        new[r][c] = last[c]
    if split:
        for c, cell in enumerate(first):
            if c < len(last) and cell and last[c] is not None:
                ended = table.ended is not None and c < len(table.ended) and table.ended[c]
                last[c] = (last[c] + (" " if ended else joiner(last[c], cell)) + cell).strip()
        new = new[1:]
    rows.extend(new)
    if more.ended is not None and new:
        table.ended = more.ended


def _runs(line: Line, gap: float = 1.5) -> list[Line]:
    """A line split where the gap between glyphs is wider than `gap` characters: the cells of an unruled row."""
    glyphs = [g for g in line.glyphs if g.text.strip()]
    if not glyphs:
        return []
    groups: list[list[Glyph]] = [[glyphs[0]]]
    for previous, glyph in zip(glyphs, glyphs[1:], strict=False):
        if glyph.x0 - previous.x1 > gap * line.size:
            groups.append([])
        groups[-1].append(glyph)
    return [_line(group, line.page) for group in groups]


def unruled_tables(lines: list[Line]) -> list[Line | TableItem]:
    """Rows of cells set apart by wide gaps, with no rules drawn: a header of three or more cells fixes the
    columns; a line whose first cell sits in the first column starts a row, one that starts further right
    continues the cells above it (a wrapped cell), also at the top of the next page."""
    out: list[Line | TableItem] = []
    i = 0
    while i < len(lines):
        runs = _runs(lines[i])
        if len(runs) < 3:
            out.append(lines[i])
            i += 1
            continue
        columns = [run.x0 for run in runs]
        size = lines[i].size
        rows: list[list[list[Line]]] = [[[run] for run in runs]]
        j = i + 1

        def column_of(run: Line, columns: list[float] = columns, size: float = size) -> int | None:
            for index in range(len(columns) - 1, -1, -1):
                if run.x0 >= columns[index] - size:
                    limit = columns[index + 1] if index + 1 < len(columns) else float("inf")
                    return index if run.x1 <= limit + 0.5 * size else None
            return None

        while j < len(lines):
            line_runs = _runs(lines[j])
            places = [column_of(run) for run in line_runs]
            if not line_runs or any(p is None for p in places) or len(set(places)) != len(places):
                break
            if lines[j].page == lines[j - 1].page and lines[j].top - lines[j - 1].bottom > 2.5 * size:
                break
            if places[0] == 0 and len(line_runs) >= 2:
                row: list[list[Line]] = [[] for _ in columns]
                for run, place in zip(line_runs, places, strict=True):
                    row[place].append(run)
                rows.append(row)
            elif len(rows) > 1 or places[0] != 0:
                for run, place in zip(line_runs, places, strict=True):
                    rows[-1][place].append(run)
            else:
                break
            j += 1
        if len(rows) >= 2:
            # a column's text edge: the furthest any of its pieces reaches
            edges = [max((p.x1 for row in rows for p in row[c]), default=0.0) for c in range(len(columns))]
            texts = []
            for row in rows:
                cells = []
                for c, pieces in enumerate(row):
                    text = ""
                    for k, piece in enumerate(pieces):
                        if k:
                            # a wrapped CJK piece fills its column to within a character
                            ended = ended_short(pieces[k - 1], piece, edges[c], slack=0.9)
                            glue = " " if ended else joiner(text, piece.text)
                            text += glue
                        text += piece.text
                    cells.append(text)
                texts.append(cells)
            out.append(TableItem(texts, lines[i].top, lines[j - 1].bottom, lines[i].page))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


# words of a table's header row besides those the task rules name (tasks.py): a header row of three or more
# short cells, two of them such words, is what tells a borderless table from prose set in columns
_HEADER_WORDS = re.compile(
    r"序号|编号|单位|部门|时限|时间|完成|备注|项目|金额|地区|名称|指标|说明|范围|内容|举措|类别"
)
_SERIAL = re.compile(r"^[\d一二三四五六七八九十百]{1,4}[、.．]?$")


def _header_runs(line: Line) -> list[Line] | None:
    """The cells of a header row of an unruled table: three or more short runs apart by a character or
    more, at least two of them column names (序号, 工作任务, 牵头单位, 配合单位, 完成时限 …)."""
    from ..tasks import LEAD_COLUMN, SUPPORT_COLUMN, TASK_COLUMN

    runs = _runs(line, 0.8)
    if len(runs) < 3 or any(len(run.text.replace(" ", "")) > 12 for run in runs):
        return None
    named = sum(
        1
        for run in runs
        if any(
            p.search(run.text.replace(" ", ""))
            for p in (_HEADER_WORDS, TASK_COLUMN, LEAD_COLUMN, SUPPORT_COLUMN)
        )
    )
    return runs if named >= 2 else None


def _split_by_gutters(
    line: Line, gutters: list[list[float]]
) -> tuple[list[list[Glyph]], list[list[float]]] | None:
    """The line's glyphs per column, and the gutters narrowed to the gap the line leaves in each; None when
    the line runs across a gutter (no gap of 0.4 character or more inside it: prose, not a table row).

    A column's text may run past its header's cell on either side, so each gutter is split at the widest
    gap between the line's glyphs that lies inside it, not at a fixed x.
    """
    glyphs = sorted((g for g in line.glyphs if g.text.strip()), key=lambda g: g.x0)
    if not glyphs:
        return None
    edges = [-float("inf"), *(g.x1 for g in glyphs)]  # gap k lies between glyph k-1 and glyph k
    starts = [*(g.x0 for g in glyphs), float("inf")]
    cuts: list[int] = []
    narrowed: list[list[float]] = []
    for lo, hi in gutters:
        best, width = None, 0.4 * line.size
        for k in range(cuts[-1] if cuts else 0, len(starts)):
            left, right = max(lo, edges[k]), min(hi, starts[k])
            if right - left >= width:
                best, width = k, right - left
        if best is None:
            return None
        cuts.append(best)
        narrowed.append([max(lo, edges[best]), min(hi, starts[best])])
    bounds = [0, *cuts, len(glyphs)]
    return [glyphs[bounds[c] : bounds[c + 1]] for c in range(len(gutters) + 1)], narrowed


def header_tables(pages: list[Page]) -> None:
    """Borderless tables rebuilt as rows of cells from geometry (offices often print the 任务分工 table with
    no rules): a header row of column names fixes the columns; the gap between two header cells is narrowed
    by every line below to the gutter the column texts leave, and the table runs on (across pages, page
    numbers skipped, a header row repeated at the top of a page dropped) while lines of the table's type size
    leave every gutter open. Rows start at a 序号 (when the first column is one) or where the first column's
    text starts again after it ended; wrapped cell lines are joined as in ruled cells. A cell left empty under
    a lead-unit or deadline column takes the text above: a cell merged down prints once."""
    furniture = mark_furniture(pages)
    flat = [(page, item) for page in pages for item in page.items]
    consumed: set[int] = set()
    placed: dict[int, TableItem] = {}
    i = 0
    while i < len(flat):
        page, item = flat[i]
        header = _header_runs(item) if isinstance(item, Line) else None
        if header is None:
            i += 1
            continue
        size = item.size
        gutters = [[a.x1, b.x0] for a, b in zip(header, header[1:], strict=False)]
        body: list[tuple[Line, list[list[Glyph]]]] = []
        previous = item
        j = i + 1
        while j < len(flat):
            line = flat[j][1]
            if not isinstance(line, Line):
                break
            if (id(line) in furniture or not line.text) and _header_runs(line) is None:
                j += 1  # a page number or running head between two pages of the table: left as it is
                continue
            split = _split_by_gutters(line, gutters) if abs(line.size - size) <= 0.15 * size else None
            if line.page == previous.page and line.top - previous.bottom > 1.5 * max(size, line.size):
                break
            if split is None:
                # a line across the columns between rows of the table (一、知识产权保护方面): a row of one
                # cell spanning them, when the table's rows go on right after it
                after = [item for _, item in flat[j + 1 : j + 3] if isinstance(item, Line)]
                if len(_runs(line, 0.8)) != 1 or not any(
                    abs(a.size - size) <= 0.15 * size and _split_by_gutters(a, gutters) is not None
                    for a in after
                ):
                    break
                body.append((line, None))
                previous = line
                j += 1
                continue
            cells, gutters = split
            body.append((line, cells))
            previous = line
            j += 1
        rows = _gutter_rows(item, header, body, gutters)
        if rows is None:
            i += 1
            continue
        placed[id(item)] = rows
        consumed.update(id(line) for line, _ in body)
        consumed.add(id(item))
        i = j
    if not placed:
        return
    for page in pages:
        items: list[Line | TableItem] = []
        for item in page.items:
            if id(item) in placed:
                items.append(placed[id(item)])
            elif id(item) not in consumed:
                items.append(item)
        page.items = items


def _gutter_rows(
    header_line: Line,
    header: list[Line],
    body: list[tuple[Line, list[list[Glyph]]]],
    gutters: list[list[float]],
) -> TableItem | None:
    from ..tasks import LEAD_COLUMN

    width = len(gutters) + 1
    header_split = _split_by_gutters(header_line, gutters)
    if header_split is None:
        return None
    header_texts = [_line(cell, header_line.page).text if cell else "" for cell in header_split[0]]
    pieces_by_line = []
    spanning: dict[int, str] = {}  # row: the text of a row of one cell across the table
    for line, split in body:
        if split is None:
            pieces_by_line.append((line, None))
            continue
        cells = _split_by_gutters(line, gutters)[0]  # by the final gutters, narrowed by every line
        pieces_by_line.append((line, [_line(cell, line.page, cell=True) if cell else None for cell in cells]))
    columns = [
        [p for _, pieces in pieces_by_line if pieces for p in [pieces[c]] if p is not None]
        for c in range(width)
    ]
    edges = [max((p.x1 for p in column), default=0.0) for column in columns]
    lefts = [min((p.x0 for p in column), default=0.0) for column in columns]
    justified = is_justified([p for column in columns for p in column])
    serial = bool(re.search(r"序号|编号|^序$", header_texts[0].replace(" ", "")))
    # the header row: the header line and the lines under it until the first body row starts
    rows: list[list[list[Line]]] = [[[] for _ in range(width)]]
    for c, cell in enumerate(header_split[0]):
        if cell:
            rows[0][c].append(_line(cell, header_line.page))
    header_keys = [[re.sub(r"\s+", "", t) for t in header_texts]]
    previous_page = header_line.page
    merged: set[tuple[int, int]] = set()  # (row, column): the cell is part of one merged down from above
    repeating = False  # inside a header row repeated at the top of a page: dropped
    for line, pieces in pieces_by_line:
        if pieces is None:
            spanning[len(rows)] = line.text
            rows.append([[] for _ in range(width)])
            previous_page = line.page
            continue
        key = [re.sub(r"\s+", "", p.text) if p else "" for p in pieces]
        new_page = line.page != previous_page
        previous_page = line.page
        if new_page and key == header_keys[0]:
            repeating = True
            continue
        if repeating and key in header_keys[1:]:
            continue
        repeating = False
        first = pieces[0]
        if key == header_keys[0]:
            starts = True  # the document's own header row again (a new part of the table)
        elif first is None:
            starts = False
        elif serial:
            starts = bool(_SERIAL.match(first.text.replace(" ", "")))
        else:
            above = rows[-1][0][-1] if rows[-1][0] else None
            starts = above is None or ended_short(above, first, edges[0], justified, slack=0.9)
        if starts:
            rows.append([[] for _ in range(width)])
            row_top = max(p.top for p in pieces if p is not None)  # the row's own cells start here
            for c, piece in enumerate(pieces):
                above = rows[-2][c][-1] if c and piece is not None and rows[-2][c] else None
                # a cell merged down runs on at its own line spacing across the row's start, a cell padding
                # above the row's other cells: its lines stay with it, and the rows it spans share its text
                if (
                    above is not None
                    and row_top - piece.top >= 0.4
                    and piece.top - above.bottom < 0.6 * piece.size
                ):
                    merged.add((len(rows) - 1, c))
        elif len(rows) == 1:
            header_keys.append(key)  # a header cell wrapped over two lines
        for c, piece in enumerate(pieces):
            if piece is not None:
                target = len(rows) - 1
                while (target, c) in merged and not rows[target][c]:
                    target -= 1
                rows[target][c].append(piece)
    texts = [
        [cell_text(cell, lefts[c], edges[c], justified)[0] if cell else "" for c, cell in enumerate(row)]
        for row in rows
    ]
    for r, text in spanning.items():
        texts[r] = [text] + [None] * (width - 1)
    if len(texts) < 2 or not any(sum(1 for t in row if t) >= 2 for row in texts[1:]):
        return None
    # a cell merged down prints its text once, at the top: the lead unit and the deadline of a task are
    # never left blank, so an empty one under those columns is the merged cell above
    for r, row in enumerate(texts):
        for c in range(width):
            # a merged cell spans on down the empty cells below it, up to a row with text of its own there
            spans = (r, c) in merged or ((r - 1, c) in merged and row[c] == "" and row != texts[0])
            if spans and r > 1 and row[c] == "" and texts[r - 1][c]:
                row[c] = texts[r - 1][c]
                merged.add((r, c))
    names = [t.replace(" ", "") for t in texts[0]]
    filled = [
        c for c, name in enumerate(names) if LEAD_COLUMN.search(name) or re.search(r"时限|完成时间", name)
    ]
    for r in range(2, len(texts)):
        if sum(1 for t in texts[r] if t) >= 2 and texts[r] != texts[0]:
            for c in filled:
                if texts[r][c] == "" and texts[r - 1][c] and texts[r - 1] != texts[0]:
                    texts[r][c] = texts[r - 1][c]
    bottom = body[-1][0].bottom if body else header_line.bottom
    return TableItem(texts, header_line.top, bottom, header_line.page)
