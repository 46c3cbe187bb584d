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
