"""Render a plan's text the ways offices publish it: Word with automatic numbering, PDF, .doc, scan, OFD, web page.

Used by the rendition tests (once per session) and by benchmarks/reader_throughput.py. The Word file is made
as an office makes it: the 一、/（一）/1./（1） headings and the 序号 column numbered by Word's list numbering
(numbering.xml), the literal numbers taken out of the text; tables as real tables, a cell repeated down a
column merged vertically; 公文 layout (first-line indent of two characters, centred title).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

_CN = "一二三四五六七八九十百零"
# (level, pattern, format, lvlText): the 公文 heading levels
LEVELS = [
    (0, re.compile(rf"^([{_CN}]+)、\s*"), "chineseCounting", "%1、"),
    (1, re.compile(rf"^[（(]([{_CN}]+)[)）]\s*"), "chineseCounting", "（%2）"),
    (2, re.compile(r"^(\d{1,2})[.．](?!\d)\s*"), "decimal", "%3."),
    (3, re.compile(r"^[（(](\d{1,2})[)）]\s*"), "decimal", "（%4）"),
]


def _cn_value(text: str) -> int:
    import cn2an

    return int(cn2an.cn2an(text, "smart")) if not text.isdigit() else int(text)


def _numbering_xml(instances: list[tuple[int, str, dict[int, int]]]) -> bytes:
    """numbering.xml: abstract 1 (the heading levels), abstract 2 (序号 column); one w:num per instance."""
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:suff w:val="nothing"/><w:lvlJc w:val="left"/></w:lvl>'
        for level, _, fmt, text in LEVELS
    )
    table = '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1"/><w:suff w:val="nothing"/><w:lvlJc w:val="center"/></w:lvl>'
    nums = ""
    for num_id, abstract, overrides in instances:
        body = "".join(
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for level, start in overrides.items()
        )
        nums += f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{body}</w:num>'
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {w}>'
        f'<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="2"><w:multiLevelType w:val="singleLevel"/>{table}</w:abstractNum>'
        f"{nums}</w:numbering>"
    ).encode()


def _number(paragraph, num_id: int, level: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), str(level))
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(num)
    ppr.insert(0, num_pr)


def _vmerge(cell, value: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    merge = OxmlElement("w:vMerge")
    if value == "restart":
        merge.set(qn("w:val"), "restart")
    tcpr.append(merge)


def _page_number_footer(document) -> None:
    """公文 page numbers: "— N —" centred in the footer, a PAGE field."""
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == " PAGE ":
            instr = OxmlElement("w:instrText")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = text
    paragraph.add_run(" —")


def _blocks(text: str) -> list[tuple[str, object]]:
    """The text's lines as paragraphs, and runs of tab-separated lines as tables."""
    blocks: list[tuple[str, object]] = []
    for raw in text.splitlines():
        line = raw.strip(" \u3000")
        if not line.strip():
            continue
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(cells)
            else:
                blocks.append(("table", [cells]))
        else:
            blocks.append(("p", line))
    return blocks


def make_docx(text: str, path: Path, *, ruled: bool = True, repeat_header: bool = False) -> Path:
    """A .docx of the text with real automatic numbering and real tables (see the module's docstring);
    ruled=False sets the tables without borders (columns shown only by alignment); repeat_header=True marks
    each table's first row as a header row that Word and LibreOffice repeat at the top of every page."""
    document = new_docx()
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.paragraph_format.first_line_indent = Pt(28)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # 公文 are set justified
    style.element.get_or_add_rPr()
    _page_number_footer(document)
    counters: dict[int, int] = {}
    instances: list[tuple[int, str, dict[int, int]]] = [(1, "1", {})]
    heading_num = 1
    title_done = False
    for index, (kind, content) in enumerate(_blocks(text)):
        if kind == "p":
            line: str = content
            for level, pattern, _fmt, _ in LEVELS:
                match = pattern.match(line)
                if not match or match.end() >= len(line):
                    continue
                value = _cn_value(match.group(1))
                expected = counters.get(level, 0) + 1
                if value != expected:
                    # Word restarts or continues a list by an override, as an office does by hand
                    # (shallower levels restated, as LibreOffice keeps a separate list per w:num)
                    heading_num = len(instances) + 1
                    restated = {k: v + 1 for k, v in counters.items() if k < level}
                    instances.append((heading_num, "1", {**restated, level: value}))
                counters[level] = value
                for deeper in [k for k in counters if k > level]:
                    del counters[deeper]
                paragraph = document.add_paragraph(line[match.end() :])
                _number(paragraph, heading_num, level)
                break
            else:
                paragraph = document.add_paragraph(line)
                if (
                    not title_done
                    and index < 12
                    and re.search(r"(方案|规划|通知|意见|要点)(\(|（|$)", line)
                    and len(line) < 60
                ):
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    paragraph.paragraph_format.first_line_indent = Pt(0)
                    paragraph.runs[0].font.size = Pt(18)
                    title_done = True
            continue
        rows: list[list[str]] = content
        width = max(len(r) for r in rows)
        table = document.add_table(rows=len(rows), cols=width)
        if ruled:
            table.style = "Table Grid"
        if repeat_header:
            header = OxmlElement("w:tblHeader")
            table.rows[0]._tr.get_or_add_trPr().append(header)
        numbered = all(r[0].strip().isdigit() for r in rows[1:] if r and r[0].strip()) and len(rows) > 2
        table_num = None
        if numbered:
            table_num = len(instances) + 1
            first = next((int(r[0]) for r in rows[1:] if r[0].strip().isdigit()), 1)
            instances.append((table_num, "2", {0: first} if first != 1 else {0: 1}))
        for r, cells in enumerate(rows):
            for c in range(width):
                value = cells[c] if c < len(cells) else ""
                cell = table.cell(r, c)
                cell.paragraphs[0].paragraph_format.first_line_indent = Pt(0)
                above = rows[r - 1][c] if r > 1 and c < len(rows[r - 1]) else None
                below = rows[r + 1][c] if r + 1 < len(rows) and c < len(rows[r + 1]) else None
                if c > 0 and r > 0 and value and len(value) > 1 and value == above:
                    _vmerge(cell, "continue")
                    continue
                if c > 0 and r > 0 and value and len(value) > 1 and value == below:
                    _vmerge(cell, "restart")
                if c == 0 and table_num and r > 0 and value.strip().isdigit():
                    _number(cell.paragraphs[0], table_num, 0)
                    continue
                # several units in a cell: one to a line, as offices type them (Enter, not spaces)
                for k, piece in enumerate(value.split(" ") if r > 0 else [value]):
                    paragraph = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
                    paragraph.paragraph_format.first_line_indent = Pt(0)
                    paragraph.add_run(piece).font.size = Pt(10.5)
    document.save(path)
    # python-docx has no numbering API: write numbering.xml into the package (the default template has one)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/numbering.xml"] = _numbering_xml(instances)
    rels = parts["word/_rels/document.xml.rels"].decode()
    if "numbering.xml" not in rels:
        rels = rels.replace(
            "</Relationships>",
            '<Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/numbering" Target="numbering.xml"/></Relationships>',
        )
        parts["word/_rels/document.xml.rels"] = rels.encode()
    types = parts["[Content_Types].xml"].decode()
    if "/word/numbering.xml" not in types:
        types = types.replace(
            "</Types>",
            '<Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.numbering+xml"/></Types>',
        )
        parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def soffice_convert(source: Path, target_ext: str, out_dir: Path, timeout: float = 240) -> Path:
    """Convert with LibreOffice headless into out_dir (its own throw-away profile)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--norestore", "--convert-to", target_ext, "--outdir", str(out_dir), str(source)],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
    result = out_dir / f"{source.stem}.{target_ext.split(':')[0]}"
    if not result.exists():
        raise RuntimeError(f"LibreOffice did not write {result}")
    return result


def soffice_convert_many(
    sources: list[Path], target_ext: str, out_dir: Path, timeout: float = 600
) -> list[Path]:
    """Several files converted by one LibreOffice process (its start-up is most of a small file's cost)."""
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            [shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{profile}", "--headless",
             "--norestore", "--convert-to", target_ext, "--outdir", str(out_dir), *map(str, sources)],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
    results = [out_dir / f"{source.stem}.{target_ext.split(':')[0]}" for source in sources]
    missing = [str(r) for r in results if not r.exists()]
    if missing:
        raise RuntimeError(f"LibreOffice did not write {', '.join(missing)}")
    return results


def make_scan(pdf: Path, path: Path, dpi: int = 150, *, noise: bool = False) -> Path:
    """An image-only PDF: the pages rasterised (pdftoppm) and wrapped back, with no text layer.

    noise=True makes it look scanned: each page turned by a fraction of a degree (alternating), grey paper
    with sensor noise, and toner a little lighter than black (fixed seed: the same scan every time).
    """
    import numpy as np
    from PIL import Image

    random = np.random.default_rng(11)
    with tempfile.TemporaryDirectory(prefix="scan-") as tmp:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{tmp}/p"], check=True, timeout=600
        )
        images = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p*.png"))]
        if noise:
            scanned = []
            for index, image in enumerate(images):
                angle = 0.3 if index % 2 else -0.2
                turned = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
                pixels = np.asarray(turned, dtype=np.float32) * 0.85 + 25  # toner 25, paper 242
                pixels += random.normal(0, 8, pixels.shape)
                scanned.append(Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)))
            images = scanned
        images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def make_ofd(text: str, path: Path) -> Path:
    """A minimal valid OFD package (GB/T 33190): OFD.xml → Document.xml → Pages/Page_N/Content.xml.

    Text is laid out as an office's OFD writer does: one TextObject per printed line with its Boundary, a
    TextCode with X/Y; A4 pages in millimetres; tables drawn as lines of tab-free cells side by side.
    """
    ns = 'xmlns:ofd="http://www.ofdspec.org/2016"'
    width, height, margin, size, leading = 210.0, 297.0, 25.0, 5.6, 9.0  # mm: 16 pt text
    per_line = int((width - 2 * margin) / size)
    pages: list[list[str]] = [[]]
    y = margin
    object_id = 100

    def advance_of(char: str, font: float) -> float:
        return font * 0.5 if ord(char) < 0x2E80 else font

    def fit(text: str, room: float, font: float) -> int:
        """How many characters of text fit in room (at least one)."""
        used, count = 0.0, 0
        for char in text:
            used += advance_of(char, font)
            if used > room + 0.01:
                break
            count += 1
        return max(count, 1)

    def emit(x: float, text: str, font: float) -> None:
        nonlocal object_id
        object_id += 1
        advances = [advance_of(c, font) for c in text]
        box_w = min(sum(advances), width - x)
        deltas = " ".join(f"{a:.2f}" for a in advances[:-1])
        pages[-1].append(
            f'<ofd:TextObject ID="{object_id}" Boundary="{x:.2f} {y:.2f} {box_w:.2f} {font * 1.2:.2f}" Font="3" Size="{font:.2f}">'
            f'<ofd:TextCode X="0" Y="{font:.2f}" DeltaX="{deltas}">{html.escape(text)}</ofd:TextCode></ofd:TextObject>'
        )

    def advance() -> None:
        nonlocal y
        y += leading
        if y > height - margin:
            pages.append([])
            y = margin

    for kind, content in _blocks(text):
        if kind == "p":
            line: str = content
            first = True
            while line:
                room = fit(line, (per_line - (2 if first else 0)) * size, size)
                emit(margin + (2 * size if first else 0), line[:room], size)
                line = line[room:].lstrip(" ")  # spaces at a line break hang, as any layout engine sets them
                first = False
                advance()
        else:
            for row in content:
                columns = max(len(row), 1)
                col_w = (width - 2 * margin) / columns
                cell_room = col_w - 2.5 * 3.7  # 1.25 characters of padding each side
                wrapped = []
                for cell in row:
                    pieces: list[str] = []
                    for unit in cell.split(" "):  # one unit to a line, as offices type them
                        while unit:
                            n = fit(unit, cell_room, 3.7)
                            pieces.append(unit[:n])
                            unit = unit[n:]
                    wrapped.append(pieces or [""])
                for k in range(max(len(w) for w in wrapped)):
                    for c, pieces in enumerate(wrapped):
                        if k < len(pieces) and pieces[k]:
                            emit(margin + c * col_w + 1, pieces[k], 3.7)
                    y += 5.0
                    if y > height - margin:
                        pages.append([])
                        y = margin
                y += 2.0
    files = {
        "OFD.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {ns} Version="1.0" DocType="OFD"><ofd:DocBody>'
        f"<ofd:DocInfo><ofd:DocID>duikou-test</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        f"</ofd:DocBody></ofd:OFD>",
        "Doc_0/Document.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {ns}><ofd:CommonData>'
        f"<ofd:MaxUnitID>{object_id + 10}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {width} {height}</ofd:PhysicalBox></ofd:PageArea>"
        f"<ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages>"
        + "".join(f'<ofd:Page ID="{i + 1}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        + "</ofd:Pages></ofd:Document>",
        "Doc_0/PublicRes.xml": f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res {ns} BaseLoc="Res"><ofd:Fonts>'
        f'<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
    }
    for i, objects in enumerate(pages):
        files[f"Doc_0/Pages/Page_{i}/Content.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {ns}><ofd:Content><ofd:Layer ID="{i + 2}">'
            + "".join(objects)
            + "</ofd:Layer></ofd:Content></ofd:Page>"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


FOOTER = (
    '<div class="bottom-info"><div>主办单位：某省人民政府办公厅　承办：某省大数据中心　地址：某市某路1号</div>'
    "<div>网站标识码：1100000000　某ICP备05070218号　某公网安备 11010202000001号</div>"
    "<div>【字体：大 中 小】　打印本页　关闭窗口</div></div>"
)


def make_html(text: str, path: Path) -> Path:
    """A government web page: the text as paragraphs and tables, a site footer in plain <div>s."""
    body = []
    for kind, content in _blocks(text):
        if kind == "p":
            body.append(f"<p>{html.escape(content)}</p>")
        else:
            rows = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in content
            )
            body.append(f"<table border='1'>{rows}</table>")
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>政府网站</title></head><body>"
        "<div class='main'>"
        + "\n".join(body)
        + "</div><div>分享到：微信 微博</div>"
        + FOOTER
        + "</body></html>"
    )
    path.write_text(page, encoding="utf-8")
    return path


def soffice_available() -> bool:
    return shutil.which("soffice") is not None and os.environ.get("DUIKOU_SKIP_SOFFICE") != "1"
