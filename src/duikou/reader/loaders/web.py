"""Web pages: the visible text, one block per paragraph, tables as rows of cells, site chrome removed.

Chrome goes by tag and class (menus, scripts, footers) and by content: a government site's footer is often a
plain <div> of 主办单位：…　承办：…　地址：…, ICP备…, 网站标识码…, which no tag gives away.
"""

from __future__ import annotations

import os
import re

from ..document import Document
from .errors import ReaderError
from .plain import decode_text

_BLOCK_TAGS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article", "dt", "dd", "pre",
    "blockquote", "title",
}  # fmt: skip
_CHROME_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "button", "select", "aside",
    "svg",
}  # fmt: skip
_CHROME_CLASS = re.compile(
    r"(^|[\s_-])(nav|menu|header|footer|breadcrumb|share|sidebar|search|toolbar|copyright|crumb|pagination|qrcode|related)([\s_-]|$)",
    re.I,
)
# a block holding one of these is site furniture wherever it sits
_STRONG_CHROME = re.compile(
    r"ICP备|ICP证|网站标识码|公网安备|分享到|打印本页|关闭窗口|【\s*字体\s*[:：]?\s*大\s*中\s*小\s*】|"
    r"字体\s*[:：]\s*大\s*中\s*小|版权所有|Copyright|©|违法和不良信息举报|网站地图|技术支持\s*[:：]"
)
# site labels: two in one block, or a block starting with one in the page's trailing run, are chrome
_WEAK_CHROME = re.compile(
    r"(?:^|[\s\u3000|｜])(主办单位|主办|承办单位|承办|协办单位|协办|运维单位|地址|联系地址|通讯地址|邮编|邮政编码|"
    r"联系电话|联系我们|电话|传真|网站维护)\s*[:：]"
)


def is_site_chrome(line: str) -> bool:
    """A line that only a web site prints (a footer, a share bar, a font-size switch)."""
    if len(line) > 400:
        return False
    if _STRONG_CHROME.search(line):
        return True
    return len(_WEAK_CHROME.findall(line)) >= 2


def _starts_with_site_label(line: str) -> bool:
    match = _WEAK_CHROME.match(line)
    return bool(match) and len(line) <= 160 and "。" not in line


def read_html(data: bytes, path: str | os.PathLike | None = None) -> Document:
    """Visible text of a page, one block per paragraph, tables as rows of cells, menus and chrome removed."""
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
    document = Document(source=str(path) if path else None, kind="html")
    buffer: list[str] = []

    def flush() -> None:
        line = "".join(buffer).strip()
        if line:
            document.add_paragraph(line)
        buffer.clear()

    def walk(element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "table":
            flush()
            rows = []
            for row in element.iter("tr"):
                cells = [
                    " ".join(" ".join(cell.itertext()).split())
                    for cell in row
                    if isinstance(cell.tag, str) and cell.tag.lower() in ("td", "th")
                ]
                if any(cells):
                    rows.append(cells)
            if rows:
                document.add_table(rows)
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
    _mark_chrome(document)
    return document


def _mark_chrome(document: Document) -> None:
    """Mark footer blocks by what they say; a trailing run of site labels (承办：…, 地址：…) goes too."""
    for block in document.blocks:
        if block.rows is None and is_site_chrome(block.text):
            block.furniture = "chrome"
        elif block.rows is not None and all(is_site_chrome(" ".join(row)) for row in block.rows):
            block.furniture = "chrome"
    # from the end: site labels, and the lines among them that chrome already marked
    for block in reversed(document.blocks):
        if block.furniture is not None:
            continue
        if block.rows is None and _starts_with_site_label(block.text):
            block.furniture = "chrome"
            continue
        break
