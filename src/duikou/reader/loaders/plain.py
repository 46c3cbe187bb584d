"""Plain text: UTF-8, GB18030 or whatever charset-normalizer finds; one paragraph per line."""

from __future__ import annotations

import os

from ..document import Document, from_lines
from .errors import ReaderError


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


def read_text(data: bytes, path: str | os.PathLike | None = None) -> Document:
    """A plain-text file: every line a paragraph (tabs inside a line separate table cells)."""
    text = decode_text(data, path)
    if _looks_binary(text):
        raise ReaderError(path, "这是二进制文件，不是文本。", "this is a binary file, not text.")
    return from_lines(text.splitlines(), str(path) if path else None, "text")
