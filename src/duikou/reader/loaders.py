"""Load .txt, .html, .docx and text-layer .pdf files into lines of text (table rows joined by tabs)."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused before they are read
TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}


class ReaderError(Exception):
    """A file the reader cannot read; the message names the file and says why, in Chinese and English."""

    def __init__(self, path: str | os.PathLike | None, zh: str, en: str) -> None:
        self.path = str(path) if path is not None else None
        self.zh = zh
        self.en = en
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        """One line naming the file and the problem."""
        name = self.path or ("<文本>" if lang == "zh" else "<text>")
        return f"{name}：{self.zh}" if lang == "zh" else f"{name}: {self.en}"


def decode_text(data: bytes, path: str | os.PathLike | None = None) -> str:
    """Decode UTF-8 (with or without BOM) or GB18030, else whatever charset-normalizer finds; refuse binary."""
    if not data.strip():
        raise ReaderError(path, "文件为空。", "the file is empty.")
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReaderError(path, "这是二进制文件，不是文本。", "this is a binary file, not text.")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[: 1024 * 1024]).best()
    except Exception:  # noqa: BLE001 - any detector failure means: cannot tell the encoding
        best = None
    if best is None:
        raise ReaderError(path, "无法识别文件编码。", "the text encoding cannot be recognised.")
    return data.decode(best.encoding, errors="replace")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t\f")
    return bool(sample) and controls / len(sample) > 0.05


def load_text(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    """Lines of a plain-text file."""
    text = decode_text(data, path)
    if _looks_binary(text):
        raise ReaderError(path, "这是二进制文件，不是文本。", "this is a binary file, not text.")
    return text.splitlines()


_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "section",
    "article",
    "dt",
    "dd",
    "pre",
    "blockquote",
    "title",
}
_CHROME_TAGS = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "iframe",
    "form",
    "button",
    "select",
    "aside",
    "svg",
}
_CHROME_CLASS = re.compile(
    r"(^|[\s_-])(nav|menu|header|footer|breadcrumb|share|sidebar|search|toolbar|copyright|crumb|pagination|qrcode|related)([\s_-]|$)",
    re.I,
)


def load_html(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    """Visible text of a page, one block per line, tables as tab-separated rows, menus and scripts removed."""
    from lxml import etree, html

    text = decode_text(data, path)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        root = html.fromstring(text)
    except (etree.ParserError, ValueError) as error:
        raise ReaderError(path, "无法解析该网页。", "the page cannot be parsed.") from error
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            if element.getparent() is not None:
                element.drop_tree()
            continue
        tag = element.tag.lower()
        marker = f"{element.get('class', '')} {element.get('id', '')}"
        if tag in _CHROME_TAGS or (tag in ("div", "ul", "section", "span") and _CHROME_CLASS.search(marker)):
            if element.getparent() is not None:
                element.drop_tree()
    lines: list[str] = []
    buffer: list[str] = []

    def flush() -> None:
        line = "".join(buffer).strip()
        if line:
            lines.append(line)
        buffer.clear()

    def walk(element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "table":
            flush()
            for row in element.iter("tr"):
                cells = [
                    " ".join(" ".join(cell.itertext()).split())
                    for cell in row
                    if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")
                ]
                if any(cells):
                    lines.append("\t".join(cells))
            if element.tail and element.tail.strip():
                buffer.append(element.tail)
            return
        if tag in _BLOCK_TAGS:
            flush()
        if element.text:
            buffer.append(element.text)
        for child in element:
            walk(child)
        if tag in _BLOCK_TAGS:
            flush()
        if element.tail:
            buffer.append(element.tail)

    walk(root)
    flush()
    return lines


def load_docx(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    """Paragraphs and tables of a Word document in document order; table rows as tab-separated cells."""
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on damaged files
        raise ReaderError(
            path,
            "无法读取该 Word 文档（文件可能已损坏）。",
            "the Word document cannot be read (it may be damaged).",
        ) from error
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(block, document).text)
        elif tag == "tbl":
            for row in Table(block, document).rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or value != cells[-1]:  # merged cells repeat their text
                        cells.append(value)
                lines.append("\t".join(cells))
    return lines


def load_pdf(data: bytes, path: str | os.PathLike | None = None) -> list[str]:
    """Text layer of a PDF; a scanned PDF without text is refused."""
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds on damaged files
        raise ReaderError(
            path,
            "无法读取该 PDF 文件（文件可能已损坏或加密）。",
            "the PDF cannot be read (it may be damaged or encrypted).",
        ) from error
    text = "\n".join(pages)
    if not text.strip():
        raise ReaderError(
            path,
            "该 PDF 没有文字层（可能是扫描件），无法读取。",
            "the PDF has no text layer (probably a scan).",
        )
    return text.splitlines()


def sniff_kind(data: bytes) -> str:
    """Guess a file's kind from its first bytes when the name does not say."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data)):
        return "docx"
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        return "html"
    return "text"


def load_file(path: str | os.PathLike) -> list[str]:
    """Lines of any supported file, or a ReaderError saying in one line why it cannot be read."""
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
        if suffix and suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}:
            raise ReaderError(
                path,
                f"不支持的文件类型“{suffix}”（支持 .txt、.html、.docx、.pdf）。",
                f"unsupported file type '{suffix}' (supported: .txt, .html, .docx, .pdf).",
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
    kind = {".docx": "docx", ".pdf": "pdf"}.get(suffix) or ("html" if suffix in HTML_SUFFIXES else None)
    kind = kind or ("text" if suffix in TEXT_SUFFIXES else sniff_kind(data))
    if suffix in TEXT_SUFFIXES and data.startswith(b"%PDF"):
        kind = "pdf"
    loader = {"text": load_text, "html": load_html, "docx": load_docx, "pdf": load_pdf}[kind]
    return loader(data, path)
