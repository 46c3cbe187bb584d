"""Loaders: every file format into the one document model (`duikou.reader.document.Document`).

`read_file(path)` gives the Document; `load_file(path)` its line stream (what the rules read). Formats: plain
text, web pages, Word (.docx; .doc/.wps through LibreOffice), spreadsheets (.xlsx; .xls/.et through
LibreOffice), PDF (text by layout; scans through OCR), OFD (GB/T 33190) and page images (.png/.jpg, OCR).
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..document import Document, Progress
from .errors import ReaderError
from .limits import MAX_BYTES, Budget, check_file
from .plain import decode_text, read_text
from .web import read_html

TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
KINDS_BY_SUFFIX = {
    ".docx": "docx",
    ".pdf": "pdf",
    ".ofd": "ofd",
    ".xlsx": "xlsx",
    ".doc": "legacy",
    ".wps": "legacy",
    ".rtf": "legacy",
    ".odt": "legacy",
    ".xls": "legacy-sheet",
    ".et": "legacy-sheet",
    ".ods": "legacy-sheet",
    **{suffix: "image" for suffix in IMAGE_SUFFIXES},
    **{suffix: "html" for suffix in HTML_SUFFIXES},
    **{suffix: "text" for suffix in TEXT_SUFFIXES},
}
SUPPORTED = "、".join(sorted(KINDS_BY_SUFFIX))

__all__ = [
    "MAX_BYTES",
    "Document",
    "ReaderError",
    "decode_text",
    "load_docx",
    "load_file",
    "load_html",
    "load_pdf",
    "load_text",
    "read_bytes",
    "read_file",
    "sniff_kind",
]


def sniff_kind(data: bytes) -> str:
    """Guess a file's kind from its first bytes when the name does not say."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: .doc, .wps, .xls, .et
        return "legacy"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM")):
        return "image"
    if data.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data)):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return "docx"
        if "OFD.xml" in names or any(name.lower().endswith("/ofd.xml") for name in names):
            return "ofd"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return "docx"
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "html"
    return "text"


def _reader(kind: str) -> Callable[..., Document]:
    if kind == "text":
        return read_text
    if kind == "html":
        return read_html
    if kind == "docx":
        from .word import read_docx

        return read_docx
    if kind == "xlsx":
        from .sheet import read_xlsx

        return read_xlsx
    if kind == "pdf":
        from .pdf import read_pdf

        return read_pdf
    if kind == "ofd":
        from .ofd import read_ofd

        return read_ofd
    if kind == "image":
        from .ocr import read_image

        return read_image
    if kind in ("legacy", "legacy-sheet"):
        from .office import read_legacy

        return read_legacy
    raise ValueError(kind)


def read_bytes(
    data: bytes,
    kind: str,
    path: str | os.PathLike | None = None,
    *,
    progress: Progress | None = None,
    budget: Budget | None = None,
) -> Document:
    """A Document from bytes already in memory, of a known kind (see KINDS_BY_SUFFIX).

    The limits (`duikou.reader.limits.check_file`) refuse a zip or PDF bomb from what it declares, before a
    loader opens it; a ReaderError names the file.
    """
    check_file(data, path)
    reader = _reader(kind)
    budget = budget or Budget(path)
    if kind in ("text", "html", "docx", "xlsx"):
        return reader(data, path)
    if kind == "legacy-sheet":
        return reader(data, path, progress=progress, budget=budget, target="xlsx")
    return reader(data, path, progress=progress, budget=budget)


def read_file(path: str | os.PathLike, *, progress: Progress | None = None) -> Document:
    """A Document from any supported file, or a ReaderError saying in one line why it cannot be read."""
    file = Path(path)
    try:
        if not file.exists():
            raise ReaderError(path, "文件不存在。", "no such file.")
        if file.is_dir():
            raise ReaderError(path, "这是一个目录，不是文件。", "this is a directory, not a file.")
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise ReaderError(
                path,
                f"文件过大（{size / 1048576:.0f} MB），上限为 {MAX_BYTES // 1048576} MB。",
                f"the file is too large ({size / 1048576:.0f} MB); the limit is {MAX_BYTES // 1048576} MB.",
            )
        suffix = file.suffix.lower()
        if suffix and suffix not in KINDS_BY_SUFFIX:
            raise ReaderError(
                path,
                f"不支持的文件类型“{suffix}”（支持 {SUPPORTED}）。",
                f"unsupported file type '{suffix}' (supported: {', '.join(sorted(KINDS_BY_SUFFIX))}).",
            )
        data = file.read_bytes()
    except PermissionError as error:
        raise ReaderError(path, "没有读取该文件的权限。", "permission denied.") from error
    except OSError as error:
        raise ReaderError(
            path,
            f"无法读取文件（{error.strerror or error}）。",
            f"cannot read the file ({error.strerror or error}).",
        ) from error
    if not data:
        raise ReaderError(path, "文件为空。", "the file is empty.")
    kind = KINDS_BY_SUFFIX.get(suffix) or sniff_kind(data)
    if kind == "text" and data.startswith(b"%PDF"):
        kind = "pdf"
    if kind == "legacy" and suffix in (".xls", ".et"):
        kind = "legacy-sheet"
    document = read_bytes(data, kind, path, progress=progress)
    document.source = str(path)
    return document


def load_file(path: str | os.PathLike) -> list[str]:
    """Lines of any supported file (the Document's line stream), or a ReaderError."""
    return read_file(path).lines()


def load_text(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    return read_text(data, path).lines()


def load_html(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    return read_html(data, path).lines()


def load_docx(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    return read_bytes(data, "docx", path).lines()


def load_pdf(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    return read_bytes(data, "pdf", path).lines()
