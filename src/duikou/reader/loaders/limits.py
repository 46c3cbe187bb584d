"""Limits that refuse hostile input before it costs memory or time: zip bombs, huge pages, endless parses."""

from __future__ import annotations

import io
import os
import time
import zipfile

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused before they are read
MAX_PAGES = 2_000
MAX_PIXELS = 60_000_000  # one page or picture to OCR (a 300-dpi A4 page is ~8.7 M)
PARSE_SECONDS = 300.0  # time budget of one file's parse
OCR_PAGE_SECONDS = 120.0  # added to the budget for each page read through OCR

from .errors import ReaderError  # noqa: E402


def check_zip(
    data: bytes, path: str | os.PathLike | None, what: tuple[str, str] = ("文件", "the file")
) -> zipfile.ZipFile:
    """Open a zip container after the reader's limits (`duikou.reader.limits`, the one owner of the bomb rule)
    have checked its members' declared sizes, count and compression ratio."""
    from .. import limits as file_limits

    try:
        file_limits.check_zip(data, str(path) if path is not None else None)
    except file_limits.LimitExceeded as error:
        raise ReaderError(path, error.zh, error.en) from None
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ReaderError(
            path,
            f"无法读取该{what[0]}（文件已损坏，不是有效的压缩包）。",
            f"{what[1]} cannot be read (it is damaged: not a valid zip package).",
        ) from error


def check_file(data: bytes, path: str | os.PathLike | None) -> None:
    """The reader's limits for this file's kind (`duikou.reader.limits.check_file`: zip bombs, PDF content),
    as a ReaderError naming the file; called before any loader opens the data."""
    from .. import limits as file_limits

    try:
        file_limits.check_file(data, str(path) if path is not None else None)
    except file_limits.LimitExceeded as error:
        raise ReaderError(path, error.zh, error.en) from None


def check_pdf(data: bytes, path: str | os.PathLike | None) -> None:
    """The reader's limit on a PDF's page content (`duikou.reader.limits`)."""
    from .. import limits as file_limits

    try:
        file_limits.check_pdf(data, str(path) if path is not None else None)
    except file_limits.LimitExceeded as error:
        raise ReaderError(path, error.zh, error.en) from None


def check_pages(count: int, path: str | os.PathLike | None) -> None:
    if count > MAX_PAGES:
        raise ReaderError(
            path,
            f"页数过多（{count} 页），上限为 {MAX_PAGES} 页。",
            f"too many pages ({count}); the limit is {MAX_PAGES}.",
        )


def check_pixels(width: int, height: int, path: str | os.PathLike | None, page: int | None = None) -> None:
    if width * height > MAX_PIXELS:
        where_zh = f"第 {page} 页" if page else "图片"
        where_en = f"page {page}" if page else "the picture"
        raise ReaderError(
            path,
            f"{where_zh}像素过多（{width}×{height}），拒绝识别。",
            f"{where_en} has too many pixels ({width}×{height}); refused.",
        )


class Budget:
    """A deadline for one parse; `check()` raises once it has passed."""

    def __init__(self, path: str | os.PathLike | None, seconds: float = PARSE_SECONDS) -> None:
        self.path = path
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def extend(self, seconds: float) -> None:
        """More time for work known to be slow (OCR pages), granted before it starts."""
        self.seconds += seconds
        self.deadline += seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReaderError(
                self.path,
                f"读取超时（超过 {self.seconds:.0f} 秒），已停止。",
                f"reading took longer than {self.seconds:.0f} s and was stopped.",
            )
