"""The 公文 builder (GB/T 9704-2012): the .docx opened back (page, margins, fonts, grid, page numbers) and rendered
once by LibreOffice to PDF (page size, page count, unit names kept whole, the page number text)."""

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from duikou.core.gongwen import (
    BODY_FONT,
    CHARS_PER_LINE,
    LINES_PER_PAGE,
    TITLE_FONT,
    GongwenDocument,
)

UNITS = [
    "宁夏回族自治区固原市西吉县人民政府",
    "福建省福州市马尾区人民政府",
    "福建省福州市闽侯县农业农村局",
    "新疆维吾尔自治区昌吉回族自治州木垒哈萨克自治县",
]


def _build() -> bytes:
    doc = GongwenDocument(
        title="2024年闽宁协作工作通报",
        subtitle="（2024年第三季度，数据截至2024年9月30日）",
        issuer="福州市对口支援工作办公室",
        doc_number="榕协办〔2024〕3号",
        date=dt.date(2024, 11, 30),
        addressee="各有关单位：",
    )
    doc.heading("一、总体情况")
    for n in range(30):
        doc.paragraph(
            f"第{n + 1}段。已发布方案共明确任务二十九项，已完成十二项，完成率百分之四十一点三八，请各单位抓紧推进。"
        )
    doc.heading("二、各单位任务完成情况")
    doc.table(
        ["排名", "牵头单位", "牵头任务", "已完成", "按时完成", "逾期未完成", "完成率"],
        [[i + 1, name, 12, 5, 4, 1, "41.67%"] for i, name in enumerate(UNITS)],
        keep_whole=[1],
    )
    return doc.to_bytes()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return _build()


@pytest.fixture(scope="module")
def pdf(docx_bytes, tmp_path_factory):
    """The document rendered once by LibreOffice; its pages' text by pdftotext."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/install-system-packages.sh"
    folder = tmp_path_factory.mktemp("gongwen")
    source = folder / "tongbao.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{folder}/lo-profile", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    from pypdf import PdfReader

    reader = PdfReader(folder / "tongbao.pdf")
    text = subprocess.run(
        ["pdftotext", "-layout", str(folder / "tongbao.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    return {"reader": reader, "pages": text.split("\f")}


def test_page_is_a4_with_the_gongwen_margins(docx_bytes):
    section = Document(io.BytesIO(docx_bytes)).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]


def test_grid_is_22_lines_of_28_characters(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    pitch_pt = int(grid.get(qn("w:linePitch"))) / 20
    assert int(225 / (pitch_pt / 72 * 25.4)) == LINES_PER_PAGE
    body = next(p for p in doc.paragraphs if p.text.startswith("第1段"))
    assert body.paragraph_format.line_spacing.pt == pytest.approx(pitch_pt, abs=0.1)
    run = body.runs[0]
    char_pt = run.font.size.pt + int(run._element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    assert int(156 / (char_pt / 72 * 25.4)) == CHARS_PER_LINE


def _east_asian(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_fonts_are_named_in_the_file(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    title = next(p for p in doc.paragraphs if p.text == "2024年闽宁协作工作通报")
    assert _east_asian(title.runs[0]) == TITLE_FONT and title.runs[0].font.size.pt == 22  # 二号
    body = next(p for p in doc.paragraphs if p.text.startswith("第1段"))
    assert _east_asian(body.runs[0]) == BODY_FONT and body.runs[0].font.size.pt == 16  # 三号
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert _east_asian(heading.runs[0]) == "黑体"
    texts = [p.text for p in doc.paragraphs]
    assert "榕协办〔2024〕3号" in texts and "2024年11月30日" in texts  # 发文字号 and 成文日期


def test_page_numbers_at_the_outer_edges(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # right on odd pages, left on even pages
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert "PAGE" in footer._element.xml
        assert {_east_asian(r) for r in footer.runs} == {"宋体"} and footer.runs[0].font.size.pt == 14  # 四号


def test_unit_column_is_wide_enough_for_the_longest_name(docx_bytes):
    table = Document(io.BytesIO(docx_bytes)).tables[0]
    widths = [c.width for c in table.columns]
    assert sum(w.mm for w in widths) <= 156.5
    longest = max(len(u) for u in UNITS)
    font_pt = table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt
    assert widths[1] >= Mm(longest * font_pt / 72 * 25.4)


def test_pdf_is_a4_with_page_numbers_and_whole_unit_names(pdf):
    reader, pages = pdf["reader"], pdf["pages"]
    first = reader.pages[0].mediabox
    assert (round(float(first.width) / 72 * 25.4), round(float(first.height) / 72 * 25.4)) == (210, 297)
    assert len(reader.pages) >= 2  # 30 paragraphs and a table do not fit one page of 22 lines
    text = "\n".join(pages)
    assert "2024年闽宁协作工作通报" in text.replace(" ", "")
    assert re.search(r"—\s*1\s*—", pages[0]) and re.search(r"—\s*2\s*—", pages[1])
    for name in UNITS:
        assert any(name in line.replace(" ", "") for line in text.splitlines()), name
