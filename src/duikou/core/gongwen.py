"""Word documents in the 公文 format of GB/T 9704-2012: the one builder for 通报, 考核结果 and 督办单.

    doc = GongwenDocument(title="…工作通报", issuer="福州市对口支援办公室", doc_number="榕协办〔2024〕3号",
                          date=dt.date(2024, 11, 30), addressee="各有关单位：")
    doc.heading("一、总体情况")            # 一级标题：三号黑体；level=2 三号楷体
    doc.paragraph("……")                    # 正文：三号仿宋，首行缩进二字
    doc.table(["名次", "单位"], rows, keep_whole=[1])  # 单位名称列按最长名称定宽，不在名称中间折行
    doc.picture(png_bytes, width_mm=150)
    data = doc.to_bytes()                  # 落款与成文日期在 to_bytes 时写在正文之后

Page: A4; margins top 37, bottom 35, left 28, right 26 mm (版心 156 × 225 mm); 22 lines × 28 characters (a
document grid and an exact line pitch); page numbers "— 1 —" in 四号宋体, odd pages right, even pages left.
Font names are written into the file (w:rFonts eastAsia); Word or LibreOffice substitutes a font that is absent.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .dates import cn_date

# Font names as offices' machines know them (GB/T 9704 names 方正小标宋 and 仿宋_GB2312).
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

# 号 sizes in points.
ERHAO, SANHAO, SIHAO, XIAOSI, WUHAO = 22, 16, 14, 12, 10.5

PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = Mm(37), Mm(35), Mm(28), Mm(26)
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
# 225 mm / 22 lines, in twentieths of a point (579 ≈ 28.95 pt).
LINE_PITCH_TWIPS = int(TEXT_HEIGHT_MM / 25.4 * 72 / LINES_PER_PAGE * 20)
# 28 三号 characters in 156 mm: each body character is set 0.25 pt tighter (w:spacing, twentieths of a point).
# A run's spacing rather than a character grid (docGrid linesAndChars), which LibreOffice reads differently
# from Word and then spaces table cells and names out as well.
CHAR_SPACING_TWIPS = -5
CHAR_PITCH_PT = SANHAO + CHAR_SPACING_TWIPS / 20
RED = RGBColor(0xC0, 0x00, 0x00)


def set_run_font(
    run, east_asian: str, size: float | None = None, *, bold: bool | None = None, latin: str = LATIN_FONT
):
    """A run's fonts: the east-Asian name (w:rFonts eastAsia) for Chinese, a Latin one for digits and letters."""
    run.font.name = latin
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), latin)
    fonts.set(qn("w:eastAsia"), east_asian)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold


def _tight(run) -> None:
    """Body text at the 28-per-line character pitch."""
    r_pr = run._element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    r_pr.append(spacing)


def _off_grid(paragraph) -> None:
    """A title, a table cell or a page number keeps its own line height instead of snapping to the body grid."""
    p_pr = paragraph._element.get_or_add_pPr()
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr.append(snap)


def _exact_lines(paragraph, twips: int = LINE_PITCH_TWIPS) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(twips / 20)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _field(paragraph, instruction: str, east_asian: str, size: float, latin: str):
    """A Word field (PAGE) as begin/instr/separate/result/end runs, so every viewer renders the number."""
    for kind, text in (
        ("begin", None),
        ("instr", instruction),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        set_run_font(run, east_asian, size, latin=latin)
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = f" {text} "
            run._element.append(node)
        elif kind == "text":
            run.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
            run._element.append(node)


def _text_width_chars(text: str) -> float:
    """Width of a text in character cells: a CJK character one, a Latin letter or digit half."""
    return sum(1.0 if ord(c) > 0x2E7F else 0.65 for c in str(text))


class GongwenDocument:
    """A 公文 under construction: 版头 (issuer, 发文字号), title, body, tables, then 落款 and 成文日期."""

    def __init__(
        self,
        *,
        title: str,
        issuer: str | None = None,
        doc_number: str | None = None,
        date: dt.date | None = None,
        addressee: str | None = None,
        subtitle: str | None = None,
        letterhead: str | None = None,
    ):
        self.title = title
        self.issuer = issuer
        self.doc_number = doc_number
        self.date = date
        self.document = Document()
        self._setup_page()
        self._setup_styles()
        self._letterhead(letterhead or (f"{issuer}文件" if issuer and doc_number else None))
        self._title(title, subtitle)
        if addressee:
            self.paragraph(addressee, indent=False)

    # ---------------------------------------------------------------- page

    def _setup_page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
        section.left_margin, section.right_margin = MARGIN_LEFT, MARGIN_RIGHT
        # The page number's dash sits 7 mm below the text block.
        section.footer_distance = Mm(25)
        section.header_distance = Mm(15)
        sect_pr = section._sectPr
        grid = sect_pr.find(qn("w:docGrid"))
        if grid is None:
            grid = OxmlElement("w:docGrid")
            sect_pr.append(grid)
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH_TWIPS))
        # Odd pages number on the right, even pages on the left.
        settings = self.document.settings.element
        if settings.find(qn("w:evenAndOddHeaders")) is None:
            settings.append(OxmlElement("w:evenAndOddHeaders"))
        self.document.settings.odd_and_even_pages_header_footer = True
        self._page_number(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        self._page_number(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)

    def _page_number(self, footer, alignment) -> None:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        _off_grid(paragraph)
        fmt = paragraph.paragraph_format
        # 右空一字 / 左空一字 (one 四号 character in from the edge).
        if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(SIHAO)
        else:
            fmt.left_indent = Pt(SIHAO)
        dash = paragraph.add_run("— ")
        set_run_font(dash, PAGE_NUMBER_FONT, SIHAO, latin=PAGE_NUMBER_FONT)
        _field(paragraph, "PAGE", PAGE_NUMBER_FONT, SIHAO, PAGE_NUMBER_FONT)
        dash = paragraph.add_run(" —")
        set_run_font(dash, PAGE_NUMBER_FONT, SIHAO, latin=PAGE_NUMBER_FONT)

    def _setup_styles(self) -> None:
        normal = self.document.styles["Normal"]
        normal.font.name = LATIN_FONT
        normal.font.size = Pt(SANHAO)
        r_pr = normal.element.get_or_add_rPr()
        fonts = r_pr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            r_pr.insert(0, fonts)
        fonts.set(qn("w:eastAsia"), BODY_FONT)
        fonts.set(qn("w:ascii"), LATIN_FONT)
        fonts.set(qn("w:hAnsi"), LATIN_FONT)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)

    # ---------------------------------------------------------------- parts

    def _letterhead(self, text: str | None) -> None:
        """版头: the issuer's mark in red 小标宋, the 发文字号 centred under it, and the red rule."""
        if text:
            head = self.document.add_paragraph()
            head.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = head.add_run(text)
            set_run_font(run, TITLE_FONT, 26)
            run.font.color.rgb = RED
            head.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            head.paragraph_format.space_after = Pt(SANHAO)
            _off_grid(head)
        if self.doc_number:
            number = self.document.add_paragraph()
            number.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _exact_lines(number)
            set_run_font(number.add_run(self.doc_number), BODY_FONT, SANHAO)
            self._red_rule(number)

    def _red_rule(self, paragraph) -> None:
        p_pr = paragraph._element.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "single"), ("sz", "12"), ("space", "8"), ("color", "C00000")):
            bottom.set(qn(f"w:{key}"), value)
        borders.append(bottom)
        p_pr.append(borders)

    def _title(self, title: str, subtitle: str | None) -> None:
        spacer = self.document.add_paragraph()
        _exact_lines(spacer)
        head = self.document.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # A 二号 line needs more than the 三号 grid pitch.
        _exact_lines(head, twips=int(ERHAO * 1.5 * 20))
        _off_grid(head)
        set_run_font(head.add_run(title), TITLE_FONT, ERHAO)
        if subtitle:
            sub = self.document.add_paragraph()
            sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _exact_lines(sub)
            set_run_font(sub.add_run(subtitle), SUBHEADING_FONT, SANHAO)
        spacer = self.document.add_paragraph()
        _exact_lines(spacer)

    def heading(self, text: str, level: int = 1) -> None:
        """一级标题 三号黑体（一、），二级标题 三号楷体（（一）），首行缩进二字."""
        paragraph = self.document.add_paragraph()
        _exact_lines(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(SANHAO * 2)
        paragraph.paragraph_format.keep_with_next = True
        run = paragraph.add_run(text)
        set_run_font(run, HEADING_FONT if level == 1 else SUBHEADING_FONT, SANHAO)
        _tight(run)

    def paragraph(self, text: str, *, indent: bool = True, align: str | None = None):
        """正文 三号仿宋; a first-line indent of two characters unless `indent=False`."""
        paragraph = self.document.add_paragraph()
        _exact_lines(paragraph)
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(SANHAO * 2)
        if align == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(text)
        set_run_font(run, BODY_FONT, SANHAO)
        _tight(run)
        return paragraph

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence],
        *,
        keep_whole: Sequence[int] = (),
        font_size: float = XIAOSI,
    ):
        """A ruled table across the text width. Columns in `keep_whole` (unit names) are as wide as their longest
        entry so a name never breaks in the middle; the other columns share what is left by their content."""
        rows = [["" if v is None else str(v) for v in row] for row in rows]
        headers = [str(h) for h in headers]
        widths, fits = self._column_widths(headers, rows, keep_whole, font_size)
        if not fits and font_size > WUHAO:
            font_size = WUHAO  # 五号 before any name would have to break
            widths, fits = self._column_widths(headers, rows, keep_whole, font_size)
        table = self.document.add_table(rows=1, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        tbl_pr.append(layout)
        for i, width in enumerate(widths):
            table.columns[i].width = Mm(width)
        self._fill_row(table.rows[0], headers, widths, font_size, bold=True, keep_whole=range(len(headers)))
        header_pr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        header_pr.append(repeat)
        for values in rows:
            self._fill_row(table.add_row(), values, widths, font_size, bold=False, keep_whole=keep_whole)
        spacer = self.document.add_paragraph()
        _exact_lines(spacer)
        return table

    @staticmethod
    def _column_widths(headers, rows, keep_whole, font_size) -> tuple[list[float], bool]:
        """Millimetres per column: unit names (keep_whole) as wide as the longest, the rest share what is left.
        A heading may wrap ("逾期/未完成"); the entries under it should not when there is room."""
        char_mm = font_size / 72 * 25.4
        padding = 4.6  # the cell's left and right margins (1.9 mm each) and a little room
        need, data_need = [], []
        for i, header in enumerate(headers):
            lines = [line for r in rows if i < len(r) for line in r[i].split("\n")]
            longest = max([_text_width_chars(line) for line in lines] or [0])
            data_need.append(max(longest, 2) * char_mm + padding)
            need.append(max(longest, _text_width_chars(header)) * char_mm + padding)
        # Unit names get their full width, but never more than 60% of the line.
        fixed = {i: min(data_need[i], TEXT_WIDTH_MM * 0.6) for i in keep_whole}
        rest = [i for i in range(len(headers)) if i not in fixed]
        fits = all(fixed[i] >= data_need[i] for i in fixed)
        if not rest:
            return [fixed[i] for i in range(len(headers))], fits
        left = TEXT_WIDTH_MM - sum(fixed.values())
        minimum = {i: data_need[i] for i in rest}
        wanted = sum(need[i] for i in rest)
        if wanted <= left:
            extra = (left - wanted) / len(rest)
            widths = {i: need[i] + extra for i in rest}
        elif sum(minimum.values()) <= left:
            spare = left - sum(minimum.values())
            over = sum(need[i] - minimum[i] for i in rest) or 1
            widths = {i: minimum[i] + spare * (need[i] - minimum[i]) / over for i in rest}
        else:
            # Too many columns for the line: the other columns shrink alike; unit names stay whole.
            scale = max(left, 0) / sum(minimum.values())
            widths = {i: minimum[i] * scale for i in rest}
            fits = False
        return [fixed.get(i, widths.get(i)) for i in range(len(headers))], fits

    @staticmethod
    def _fill_row(row, values, widths, font_size, *, bold: bool, keep_whole) -> None:
        whole = set(keep_whole)
        for i, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = Mm(widths[i])
            paragraph = cell.paragraphs[0]
            fmt = paragraph.paragraph_format
            fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
            fmt.space_before = Pt(0)
            fmt.space_after = Pt(0)
            fmt.first_line_indent = Pt(0)
            _off_grid(paragraph)
            if bold:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            # One name per line in a cell listing several units, so none breaks in the middle.
            for n, line in enumerate(text.split("\n")):
                run = paragraph.add_run()
                if n:
                    run.add_break()
                run.add_text(line)
                set_run_font(run, HEADING_FONT if bold else BODY_FONT, font_size, bold=False)
            if i in whole:
                tc_pr = cell._tc.get_or_add_tcPr()
                tc_pr.append(OxmlElement("w:noWrap"))

    def picture(self, data: bytes, *, width_mm: float = 150) -> None:
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.add_run().add_picture(io.BytesIO(data), width=Mm(min(width_mm, TEXT_WIDTH_MM)))

    def page_break(self) -> None:
        self.document.add_section(WD_SECTION.NEW_PAGE)

    def _signature(self) -> None:
        """落款 and 成文日期: right-aligned, four characters in from the right edge (右空四字)."""
        if not (self.issuer or self.date):
            return
        for _i in range(2):
            blank = self.document.add_paragraph()
            _exact_lines(blank)
            blank.paragraph_format.keep_with_next = True
        for text in (self.issuer, cn_date(self.date) if self.date else None):
            if not text:
                continue
            paragraph = self.paragraph(text, indent=False, align="right")
            paragraph.paragraph_format.right_indent = Pt(SANHAO * 4)
            paragraph.paragraph_format.keep_with_next = True  # 落款 and date stay on one page

    def to_bytes(self) -> bytes:
        self._signature()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()
