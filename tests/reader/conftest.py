"""Helpers for the reader tests: build real .docx and .pdf files on the fly."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "examples" / "plans"


def make_pdf(path: Path, lines: list[str]) -> Path:
    """Write a one-page PDF whose text layer holds the given lines (CID font with a ToUnicode map)."""
    chars = sorted({c for line in lines for c in line})
    cid = {c: i + 1 for i, c in enumerate(chars)}
    body = ["BT", "/F1 12 Tf", "14 TL", "40 800 Td"]
    for line in lines:
        body.append("<" + "".join(f"{cid[c]:04X}" for c in line) + "> Tj T*")
    body.append("ET")
    content = zlib.compress("\n".join(body).encode("ascii"))
    bfchar = "\n".join(f"<{cid[c]:04X}> <{ord(c):04X}>" for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchar}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 4 /FontBBox [0 -200 1000 900] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 80 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


@pytest.fixture
def seed_text():
    """Text of a seed plan by its number prefix (000 … 004)."""

    def read(prefix: str) -> str:
        return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")

    return read


# ---- renditions of the seeds, built once per session (see renditions.py) ----

GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def renditions(tmp_path_factory):
    """{format: {seed stem: path}} for docx, pdf, doc, ofd and html, made once per session."""
    import shutil

    import renditions as make

    root = tmp_path_factory.mktemp("renditions")
    made: dict[str, dict[str, Path]] = {k: {} for k in ("docx", "pdf", "doc", "ofd", "html")}
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        made["docx"][seed.stem] = make.make_docx(text, root / f"{seed.stem}.docx")
        made["ofd"][seed.stem] = make.make_ofd(text, root / f"{seed.stem}.ofd")
        made["html"][seed.stem] = make.make_html(text, root / f"{seed.stem}.html")
    if make.soffice_available():
        for kind in ("pdf", "doc"):
            out = root / kind
            out.mkdir()
            for stem, docx_path in made["docx"].items():
                made[kind][stem] = make.soffice_convert(docx_path, kind, out)
    else:
        shutil.rmtree(root / "pdf", ignore_errors=True)
    return made


# a 任务分工 table long enough to run over pages: the lead unit merged down over rows (short: it fits the first
# row; long: it runs on into the next), some rows with no 配合单位, tasks of one to several lines
_LEADS = [
    "市发展改革委", "市发展改革委", "市发展改革委", "市教育局", "市卫生健康委", "市卫生健康委",
    "市发展改革委 市财政局 市人力资源社会保障局 市教育局", "市发展改革委 市财政局 市人力资源社会保障局 市教育局",
    "市农业农村局", "市商务局",
]  # fmt: skip
_SUPPORTS = ["市财政局", "", "市审计局", "市统计局 市市场监管局", "", "市交通运输局"]


def long_task_table() -> tuple[str, list[list[str]]]:
    """The text of a plan whose 任务分工 table runs over several pages, and the table's rows as typed."""
    rows = [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"]]
    for n in range(1, 41):
        task = f"推进第{n}项协作工作" + "，建立健全工作机制并按季度报送进展情况" * (n % 4)
        lead = _LEADS[(n - 1) % len(_LEADS)]
        rows.append([str(n), task, lead, _SUPPORTS[n % len(_SUPPORTS)], f"{n % 12 + 1}月底前"])
    lines = ["某市对口支援工作任务分工方案", "一、总体要求", "按照省委省政府部署，现将重点任务分工如下。"]
    lines += ["\t".join(row) for row in rows]
    lines += ["二、保障措施", "各牵头单位要按时报送工作进展。"]
    return "\n".join(lines), rows


@pytest.fixture(scope="session")
def unruled_pdfs(tmp_path_factory):
    """{stem: path}: the seeds and the long task table (header row repeated on every page) as LibreOffice
    PDFs of Word files whose tables have no borders, all made in one LibreOffice run per session."""
    import renditions as make

    if not make.soffice_available():
        pytest.skip("LibreOffice is not installed")
    root = tmp_path_factory.mktemp("unruled")
    sources = [
        make.make_docx(seed.read_text(encoding="utf-8"), root / f"{seed.stem}.docx", ruled=False)
        for seed in sorted(SEEDS.glob("*.txt"))
    ]
    sources.append(
        make.make_docx(long_task_table()[0], root / "long_table.docx", ruled=False, repeat_header=True)
    )
    return {path.stem: path for path in make.soffice_convert_many(sources, "pdf", root)}
