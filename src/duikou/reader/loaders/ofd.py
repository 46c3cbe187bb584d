"""OFD (GB/T 33190, the national fixed-layout format): a zip of XML pages with positioned text.

OFD.xml names the document root (DocBody/DocRoot → Document.xml), which lists the pages (Pages/Page/@BaseLoc
→ Content.xml); each page's layers hold TextObjects (Boundary "x y w h", Size, optional CTM) with TextCodes
(X, Y relative to the boundary, DeltaX / DeltaY advances, "g N d" for N repeats of d). Parsed directly with
lxml rather than through easyofd: easyofd renders to images and PDF and pulls in a graphics stack, while the
text and positions are all the reader needs; the glyphs then go through the same layout as a PDF's.
"""

from __future__ import annotations

import os
import posixpath
import re

from ..document import Document, Progress
from .errors import ReaderError
from .layout import Glyph, Page, assemble, glyphs_to_lines, unruled_tables
from .limits import Budget, check_pages, check_zip

MAX_PART_BYTES = 50 * 1024 * 1024


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:[eE]-?\d+)?", text or "")]


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY: numbers, with "g N d" meaning N times d."""
    out: list[float] = []
    tokens = (text or "").split()
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            try:
                out.append(float(tokens[i]))
            except ValueError:
                pass
            i += 1
    return out


def _resolve(base: str, location: str) -> str:
    location = (
        location.lstrip("/")
        if location.startswith("/")
        else posixpath.join(posixpath.dirname(base), location)
    )
    return posixpath.normpath(location)


def read_ofd(
    data: bytes,
    path: str | os.PathLike | None = None,
    *,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> Document:
    """An OFD's pages of positioned text, through the same paragraph and table layout as a PDF."""
    from lxml import etree

    archive = check_zip(data, path, ("OFD 文件", "the OFD file"))
    budget = budget or Budget(path)
    names = set(archive.namelist())
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)

    def load(name: str):
        if name not in names:
            raise ReaderError(path, f"OFD 文件缺少部件“{name}”。", f"the OFD file lacks its part '{name}'.")
        if archive.getinfo(name).file_size > MAX_PART_BYTES:
            raise ReaderError(path, f"OFD 部件“{name}”过大。", f"the OFD part '{name}' is too large.")
        try:
            return etree.fromstring(archive.read(name), parser)
        except etree.XMLSyntaxError as error:
            raise ReaderError(
                path, f"OFD 部件“{name}”不是有效的 XML。", f"the OFD part '{name}' is not valid XML."
            ) from error

    root_name = (
        "OFD.xml"
        if "OFD.xml" in names
        else next((n for n in names if n.lower().endswith("ofd.xml")), "OFD.xml")
    )
    ofd = load(root_name)
    doc_root = next(
        (
            e.text.strip()
            for e in ofd.iter()
            if isinstance(e.tag, str) and _local(e.tag) == "DocRoot" and e.text
        ),
        None,
    )
    if not doc_root:
        raise ReaderError(
            path, "OFD 文件没有指明文档根（DocRoot）。", "the OFD file names no document root (DocRoot)."
        )
    document_name = _resolve(root_name, doc_root)
    ofd_document = load(document_name)
    page_locations = [
        _resolve(document_name, e.get("BaseLoc", ""))
        for e in ofd_document.iter()
        if isinstance(e.tag, str) and _local(e.tag) == "Page" and e.get("BaseLoc")
    ]
    check_pages(len(page_locations), path)
    box = next(
        (e.text for e in ofd_document.iter() if isinstance(e.tag, str) and _local(e.tag) == "PhysicalBox"),
        None,
    )
    default_size = _numbers(box)[2:4] if box and len(_numbers(box)) >= 4 else [210.0, 297.0]
    document = Document(source=str(path) if path else None, kind="ofd", pages=len(page_locations))
    pages: list[Page] = []
    for number, location in enumerate(page_locations, start=1):
        budget.check()
        content = load(location)
        page_box = next(
            (e.text for e in content.iter() if isinstance(e.tag, str) and _local(e.tag) == "PhysicalBox"),
            None,
        )
        width, height = (_numbers(page_box)[2:4] if page_box else default_size) or default_size
        glyphs: list[Glyph] = []
        for obj in content.iter():
            if not isinstance(obj.tag, str) or _local(obj.tag) != "TextObject":
                continue
            boundary = _numbers(obj.get("Boundary"))
            if len(boundary) < 2:
                continue
            size = float(obj.get("Size") or 3.5)
            ctm = _numbers(obj.get("CTM"))
            scale = abs(ctm[0]) if len(ctm) == 6 and ctm[0] else 1.0
            size *= scale
            for code in obj:
                if not isinstance(code.tag, str) or _local(code.tag) != "TextCode" or not code.text:
                    continue
                x = boundary[0] + float(code.get("X") or 0) * scale
                y = boundary[1] + float(code.get("Y") or 0) * scale
                dx, dy = _deltas(code.get("DeltaX")), _deltas(code.get("DeltaY"))
                for index, char in enumerate(code.text):
                    advance = size if ord(char) > 0x2E80 else size * 0.5
                    glyphs.append(Glyph(char, x, x + advance, y - size * 0.88, y + size * 0.12, size))
                    x += dx[index] * scale if index < len(dx) else advance
                    y += dy[index] * scale if index < len(dy) else 0.0
        page = Page(number, float(width), float(height))
        page.items = glyphs_to_lines(glyphs, number)
        pages.append(page)
    # tables may run on across pages: find them in the whole run of lines, then give each its first page
    items = unruled_tables([line for page in pages for line in page.items])
    for page in pages:
        page.items = [item for item in items if item.page == page.number]
    assemble(pages, document)
    if not document.lines():
        raise ReaderError(path, "OFD 文件中没有文字。", "the OFD file holds no text.")
    return document
