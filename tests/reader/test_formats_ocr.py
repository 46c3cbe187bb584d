"""Scans through offline OCR: a one-page plan with a ruled task table, as an image and as an image-only PDF.

The page is made once per session (Word → LibreOffice PDF → 150-dpi raster) and read through OCR once; the
five seeds' full scans are scored in test_formats_scan_seeds.py.
"""

import shutil
from pathlib import Path

import pytest
import renditions as make

from duikou.reader import extract_file
from duikou.reader.loaders import read_file

PLAN = """某市对口协作重点工作任务分工方案
一、工作目标
2023年帮助销售农副产品7.5亿元以上。
二、任务分工
序号\t工作任务\t牵头单位\t完成时限
1\t推动消费帮扶\t市商务局\t11月底前
2\t加强干部交流\t市委组织部\t全年
3\t开展劳务协作\t市人社局\t10月底前
"""

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="session")
def scanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("scan")
    docx_path = make.make_docx(PLAN, root / "plan.docx")
    pdf = make.soffice_convert(docx_path, "pdf", root)
    scan = make.make_scan(pdf, root / "scan.pdf", dpi=150)
    progress: list[tuple[int, int, str]] = []
    document = read_file(scan, progress=lambda done, total, what: progress.append((done, total, what)))
    return scan, document, progress


@needs_soffice
def test_scanned_pdf_is_read_through_ocr(scanned):
    _, document, progress = scanned
    assert document.kind == "pdf-scan"
    assert progress == [(1, 1, "OCR")]
    lines = document.lines()
    assert any("对口协作重点工作任务分工方案" in line for line in lines)
    assert any(line.startswith("一、") and "工作目标" in line for line in lines)


@needs_soffice
def test_ruled_table_in_the_image_becomes_rows(scanned):
    _, document, _ = scanned
    (table,) = [b for b in document.blocks if b.rows]
    assert table.rows[0] == ["序号", "工作任务", "牵头单位", "完成时限"]
    assert [row[2] for row in table.rows[1:]] == ["市商务局", "市委组织部", "市人社局"]
    # a lone digit is too thin for the line detector: the cell's ink is read whole
    assert [row[0] for row in table.rows[1:]] == ["1", "2", "3"]


@needs_soffice
def test_scan_gives_tasks_and_targets(scanned, tmp_path):
    scan, document, _ = scanned
    from duikou.reader import extract_document

    plan = extract_document(document)
    assert [t["lead_units"] for t in plan["tasks"]] == [["市商务局"], ["市委组织部"], ["市人社局"]]
    assert [(t["value"], t["unit"]) for t in plan["targets"]] == [(750_000_000, "yuan")]


@needs_soffice
def test_page_image_is_read_through_ocr(scanned, tmp_path):
    import pypdfium2

    scan, _, _ = scanned
    page = pypdfium2.PdfDocument(str(scan))[0]
    image = tmp_path / "page.png"
    page.render(scale=150 / 72).to_pil().save(image)
    plan = extract_file(image)
    assert plan["title"] and "分工方案" in plan["title"]


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("规划（2014一2020年）", "规划（2014—2020年）"),
        ("实施方案（2023－2025年）", "实施方案（2023—2025年）"),
        ("支持1一2个社区", "支持1—2个社区"),
        ("一一落实到位", "一一落实到位"),
        ("第一、二批", "第一、二批"),
    ],
)
def test_a_dash_between_numbers_is_a_range(read, printed):
    from duikou.reader.loaders.ocr import normalise

    assert normalise(read) == printed


def test_ocr_cell_lines_break_after_a_unit_name():
    """One unit per line in a cell: OCR boxes cannot show the spacing, a full line ending a unit ends."""
    from duikou.reader.loaders.layout import Line, cell_text

    def line(text: str, top: float) -> Line:
        return Line(text, 10, 10 + 20 * len(text), top, top + 20, 20, 1)

    lines = [
        line("马尾区区委、政", 0),
        line("府", 25),
        line("闽侯区委、政府", 50),
        line("福清市区委、政", 75),
    ]
    lines.append(line("府", 100))
    text, _ = cell_text(lines, 5, 155, boxes=True)
    assert text.split() == ["马尾区区委、政府", "闽侯区委、政府", "福清市区委、政府"]
    # a place name alone (福州市) may wrap before the rest of the unit's name
    assert cell_text([line("前方工作组福州", 0), line("市商务局", 25)], 5, 155, boxes=True)[0] == (
        "前方工作组福州市商务局"
    )


def test_traditional_pages_are_told_apart(seed_text):
    """A page is read again with the recogniser that has traditional characters only when OpenCC changes
    a fair share of what the simplified one read: the traditional seed does, the simplified seeds do not."""
    from duikou.reader.loaders.ocr import TRADITIONAL_SHARE, traditional_share

    assert traditional_share(seed_text("004")) > 2 * TRADITIONAL_SHARE
    for prefix in ("000", "001", "002", "003"):
        assert traditional_share(seed_text(prefix)) < TRADITIONAL_SHARE / 5, prefix


def test_traditional_recogniser_has_the_characters_the_default_lacks():
    """The PP-OCRv5 recogniser ships in a wheel (nothing downloaded) and its dictionary holds the characters
    of seed 004 that rapidocr-onnxruntime's drops (天祝藏族自治縣, 阿壩, 國務院辦公廳)."""
    from duikou.reader.loaders.ocr import _traditional_engine

    engine = _traditional_engine()
    assert engine is not None
    characters = set(engine.text_rec.postprocess_op.character)
    assert set("貧慮礎籌規壩肅縣廳") <= characters


def test_low_confidence_page_is_a_finding_of_the_plan():
    """A page OCR read with low confidence is said in the plan's findings (the import review shows them),
    and check_plan keeps it as one only the source can show (it is not recomputed from the plan)."""
    from duikou.reader import ReadingFinding, check_plan, extract_document
    from duikou.reader.document import Document
    from duikou.reader.loaders.ocr import _finding

    document = Document(kind="pdf-scan", pages=2)
    document.add_paragraph("某市对口支援工作方案", page=1)
    document.add_paragraph("一、支持建设3所学校。", page=2)
    document.findings.append(_finding(2, 0.62))
    assert isinstance(document.findings[0], ReadingFinding)
    plan = extract_document(document)
    (finding,) = [f for f in plan["findings"] if f["code"] == "ocr_low_confidence"]
    assert finding["where"] == "第2页" and "62%" in finding["message"]
    assert any(f["kind"] == "ocr_low_confidence" and not f["ok"] for f in check_plan(plan))
    clean = Document(kind="pdf", pages=1)
    clean.add_paragraph("某市对口支援工作方案", page=1)
    assert not [f for f in extract_document(clean)["findings"] if f["code"] == "ocr_low_confidence"]


def test_two_readings_of_a_line_merged():
    """Each recogniser drops characters the other reads (measured on seed 004's scan): the merge keeps what
    either read; where they differ, the second reading wins only with a character the first cannot output."""
    from duikou.reader.loaders.ocr import merge_readings

    known = set("一培育產業，夯實基。充分發揮對口支援的作用尊重天津市甘南藏族自治州和天祝" + "县礎礼")
    assert (
        merge_readings(
            "一一培育產業，夯實基。充分發對口支援的橋帶作用，尊重",
            "培育產業，夯實基礎。充分發揮對援的橋樑紐帶作，尊重",
            known,
        )
        == "一一培育產業，夯實基礎。充分發揮對口支援的橋樑紐帶作用，尊重"
    )
    assert (
        merge_readings("天祝藏族自治县", "天祝藏族自治縣", known) == "天祝藏族自治縣"
    )  # 縣 unknown to the first
    assert (
        merge_readings("天祝藏族自治礼", "天祝藏族自治县", known) == "天祝藏族自治礼"
    )  # both known: the first
    assert merge_readings("", "", known) == ""


# ---- the list dash —— told from 一一 and 一 in the image ----

# LibreOffice sets the seeds' CJK text in WenQuanYi Micro Hei and their — in DejaVu (pdffonts on a rendering)
_FONTS = {
    "wqy": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "dejavu-serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
}


def _printed_line(lead: str, rest: str, dash_font: str, px: int, seed: int):
    """A line as scanned: `lead` (in `dash_font` if it is a dash) then `rest` in the CJK font, grey paper
    with noise; and its text box as a detector gives it (x0, x1, top, bottom), a little taller than the ink."""
    import numpy as np
    from PIL import Image, ImageDraw, ImageFont

    for path in {_FONTS["wqy"], _FONTS[dash_font]}:
        if not Path(path).exists():
            pytest.skip(f"font {path} is not installed")
    cjk = ImageFont.truetype(_FONTS["wqy"], px)
    first = ImageFont.truetype(_FONTS[dash_font], px) if lead.startswith("—") else cjk
    image = Image.new("L", (px * 12, px * 2), 255)
    draw = ImageDraw.Draw(image)
    draw.text((px, px // 2), lead, font=first, fill=20)
    draw.text((px + draw.textlength(lead, font=first), px // 2), rest, font=cjk, fill=20)
    pixels = (
        np.asarray(image).astype(float) * 0.85
        + 25
        + np.random.default_rng(seed).normal(0, 8, (px * 2, px * 12))
    )
    pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    ys, xs = np.where(pixels < 100)
    middle = (ys.min() + ys.max()) / 2
    return pixels, (float(xs.min() - 2), float(xs.max() + 2), middle - px * 0.6, middle + px * 0.6)


@pytest.mark.parametrize("dash_font", ["wqy", "dejavu-serif", "dejavu-sans"])
@pytest.mark.parametrize("px", [22, 29, 33, 40])
def test_a_printed_double_dash_is_told_from_yi_in_the_image(dash_font, px):
    """—— prints as two thin strokes a pixel or two apart, below the middle of the text in a Latin font;
    一一 as two strokes further apart at the middle; 一 as one stroke (5-号 to 3-号 sizes at 150 dpi)."""
    from duikou.reader.loaders.ocr import leading_dash

    for seed in range(3):
        pixels, box = _printed_line("——", "上海市对口支援", dash_font, px, seed)
        dash = leading_dash(pixels, *box)
        assert dash is not None and abs(dash[0] - box[0] - 2) <= 2 and dash[1] - dash[0] >= 1.7 * px * 0.9
        for lead in ("一一", "一", "—", ""):
            pixels, box = _printed_line(lead, "落实到位工作", dash_font, px, seed)
            assert leading_dash(pixels, *box) is None, (lead, seed)


def test_the_dash_replaces_what_ocr_read_of_it():
    """Whatever the recogniser made of —— (一, 一一, —, nothing) becomes ——; a box that left the dash out is
    widened to it and keeps all its text; 一一落实 printed as such stays."""
    from duikou.reader.loaders.ocr import _dashes

    pixels, (x0, x1, top, bottom) = _printed_line("——", "上海市对口支援", "dejavu-serif", 29, 0)

    def box(left: float, text: str):
        return ([[left, top], [x1, top], [x1, bottom], [left, bottom]], text, 0.9)

    for read in ("一上海市对口支援", "一一上海市对口支援", "—上海市对口支援", "上海市对口支援"):
        ((points, text, _),) = _dashes(pixels, [box(x0, read)])
        assert text == "——上海市对口支援", read
    # the detector's box starts after the dash: nothing of it was read, the box grows to take it in
    ((points, text, _),) = _dashes(pixels, [box(x0 + 2 * 29 + 2, "一上海市对口支援")])
    assert text == "——一上海市对口支援" and min(p[0] for p in points) <= x0 + 4
    pixels, (x0, x1, top, bottom) = _printed_line("一一", "落实到位工作", "wqy", 29, 0)
    ((_, text, _),) = _dashes(pixels, [box(x0, "一一落实到位工作")])
    assert text == "一一落实到位工作"


def test_two_readings_merged_by_where_each_character_was_read():
    """With the places of the characters in the crop (CTC time steps), a stretch the two recognisers read
    differently is settled place by place (measured on seed 004's scan: 專項工作 read 专工作 and 專項作)."""
    from duikou.reader.loaders.ocr import merge_readings

    known = set("中央专工作小组天祝藏族自治；;縣裹里")

    def at(*places):
        return [(x, 0.9) for x in places]

    # 项 unknown to the first and skipped there; 工 skipped by the second: both kept, in their places
    assert merge_readings("专工作", "專項作", known, at(0, 60, 90), at(0, 30, 90), 12) == "專項工作"
    # ； and ; are one mark; 縣 read by the second alone; 自 by the first alone
    assert (
        merge_readings("族自治；", "族治縣;", known, at(0, 30, 60, 90), at(0, 60, 90, 120), 12) == "族自治縣;"
    )
    # one place read two ways, both characters known: the surer reading
    assert (
        merge_readings("木白", "木自", known | {"白"}, [(0, 0.9), (30, 0.6)], [(0, 0.9), (30, 0.95)], 12)
        == "木自"
    )
    assert (
        merge_readings("木白", "木自", known | {"白"}, [(0, 0.9), (30, 0.9)], [(0, 0.9), (30, 0.5)], 12)
        == "木白"
    )
    # the second read 里, whose traditional form 裏 the first cannot output: the first's sure 裹 is the
    # look-alike it fell back on (seed 004: 木裏藏族自治縣 read 木裹 / 木里), the second wins however unsure
    assert "裏" not in known
    assert merge_readings("木裹", "木里", known, [(0, 0.9), (30, 0.86)], [(0, 0.9), (30, 0.42)], 12) == "木里"
