"""What a hostile file may cost before it is refused: checked before a loader opens it (no Django here).

A 349 KB .docx can inflate to gigabytes, a 57 KB PDF can carry 20 MB of page content, an 88 KB file can keep a
parser busy for minutes. Each check reads only what the archive or PDF declares (sizes, the compressed page
streams with a cap), so refusing costs milliseconds; `run_limited` runs a whole parse in a child process with a
time and memory budget for what declarations cannot show. The reader's loaders and the task-table import
(exchange) both call these.
"""

from __future__ import annotations

import ctypes
import io
import multiprocessing
import multiprocessing.connection
import os
import signal
import time
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, TypeVar

# An unpacked Office file bigger than this is not a plan or a task table.
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
# Text compresses well, but not a thousand times: members inflating more than this (and past 1 MB) are bombs.
MAX_RATIO = 100
MAX_MEMBERS = 5000
# A plan's PDF has a few MB of page content at most; the 17-second PDF had 20 MB.
MAX_PDF_CONTENT_BYTES = 8 * 1024 * 1024
PARSE_SECONDS = 60
PARSE_MEMORY_BYTES = 1024 * 1024 * 1024

T = TypeVar("T")


class LimitExceeded(Exception):
    """A file over a limit; the message names the file and the limit, in Chinese and English."""

    def __init__(self, name: str | None, zh: str, en: str) -> None:
        self.name, self.zh, self.en = name, zh, en
        super().__init__(self.message("zh"))

    def message(self, lang: str = "zh") -> str:
        name = self.name or ("<文件>" if lang == "zh" else "<file>")
        return f"{name}：{self.zh}" if lang == "zh" else f"{name}: {self.en}"


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def check_zip(
    data: bytes,
    name: str | None = None,
    *,
    max_total: int = MAX_UNZIPPED_BYTES,
    max_ratio: int = MAX_RATIO,
    max_members: int = MAX_MEMBERS,
) -> None:
    """Refuse a .docx/.xlsx (a zip) whose declared unpacked size, member count or compression ratio is a bomb's.

    zipfile never inflates a member past the size it declares (and fails its CRC if the data lie), so the
    declared sizes bound what opening the file can cost.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # not a zip: the loader says what it is not
    if len(members) > max_members:
        raise LimitExceeded(
            name,
            f"压缩包内文件过多（{len(members)} 个，上限 {max_members} 个），已拒绝。",
            f"too many files inside ({len(members)}, limit {max_members}); refused.",
        )
    total = sum(m.file_size for m in members)
    if total > max_total:
        raise LimitExceeded(
            name,
            f"解压后过大（{_mb(total)}，上限 {_mb(max_total)}），疑为压缩炸弹，已拒绝。",
            f"too large once unpacked ({_mb(total)}, limit {_mb(max_total)}): a zip bomb? Refused.",
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > max_ratio * max(member.compress_size, 1):
            raise LimitExceeded(
                name,
                f"文件内的 {member.filename} 压缩比异常（{member.file_size // max(member.compress_size, 1)} 倍，"
                f"上限 {max_ratio} 倍），疑为压缩炸弹，已拒绝。",
                f"{member.filename} inflates {member.file_size // max(member.compress_size, 1)} times "
                f"(limit {max_ratio}): a zip bomb? Refused.",
            )


def check_pdf(data: bytes, name: str | None = None, *, max_content: int = MAX_PDF_CONTENT_BYTES) -> None:
    """Refuse a PDF whose page content streams inflate past `max_content` bytes in all, inflating each with a cap
    (so the check itself never holds more than the budget)."""
    try:
        from pypdf import PdfReader
        from pypdf.generic import ArrayObject

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = list(reader.pages)
    except Exception:  # noqa: BLE001 - a damaged PDF is the loader's to report
        return
    left = max_content
    for number, page in enumerate(pages, start=1):
        try:
            contents = page.get("/Contents")
            if contents is None:
                continue
            contents = contents.get_object()
            streams = [c.get_object() for c in contents] if isinstance(contents, ArrayObject) else [contents]
        except Exception:  # noqa: BLE001
            continue
        for stream in streams:
            left -= _inflated_size(stream, left + 1)
            if left < 0:
                raise LimitExceeded(
                    name,
                    f"第 {number} 页起页面内容过大（超过 {_mb(max_content)}），已拒绝。",
                    f"page content too large from page {number} on (over {_mb(max_content)}); refused.",
                )


def _inflated_size(stream: Any, cap: int) -> int:
    """The size of a content stream once inflated, counting no further than `cap`."""
    raw = getattr(stream, "_data", b"") or b""
    filters = stream.get("/Filter") if hasattr(stream, "get") else None
    names = [str(f) for f in filters] if isinstance(filters, list) else ([str(filters)] if filters else [])
    if names[:1] != ["/FlateDecode"]:
        return len(raw)
    inflater = zlib.decompressobj()
    size = 0
    try:
        chunk = inflater.decompress(raw, cap)
        size += len(chunk)
        while inflater.unconsumed_tail and size < cap:
            chunk = inflater.decompress(inflater.unconsumed_tail, cap - size)
            if not chunk:
                break
            size += len(chunk)
    except zlib.error:
        return len(raw)
    return size


def check_file(data: bytes, name: str | None = None) -> None:
    """The checks that apply to this file's kind (zip-based Office files, PDF)."""
    if data.startswith(b"PK"):
        check_zip(data, name)
    elif data.startswith(b"%PDF") or b"%PDF" in data[:1024]:
        check_pdf(data, name)


def _die_with_parent() -> None:
    """Linux: the parse child is killed when the process that asked dies (a worker killed -9 mid-OCR leaves no
    orphan reading on for minutes)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(conn, func, args, memory_bytes, updates=None):
    _die_with_parent()
    try:
        import resource

        with open("/proc/self/statm") as statm:
            used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        # On top of what the forked process already maps (the whole application).
        resource.setrlimit(resource.RLIMIT_AS, (used + memory_bytes, used + memory_bytes))
    except (OSError, ValueError, ImportError):
        pass
    try:
        if updates is None:
            conn.send(("ok", func(*args)))
        else:  # the parse's progress(done, total, what) crosses to the parent as it happens
            conn.send(("ok", func(*args, progress=lambda *step: updates.send(step))))
    except MemoryError:
        conn.send(("memory", None))
    except BaseException as exc:  # noqa: BLE001 - handed back to the parent, which re-raises it
        try:
            conn.send(("error", exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle
            conn.send(("error", RuntimeError(str(exc))))
    finally:
        conn.close()


def run_limited(
    func: Callable[..., T],
    *args: Any,
    name: str | None = None,
    seconds: float = PARSE_SECONDS,
    memory_bytes: int = PARSE_MEMORY_BYTES,
    progress: Callable[[int, int, str], None] | None = None,
) -> T:
    """`func(*args)` in a forked child with a time and memory budget; its result (or its exception) comes back.

    A parse that runs out of either is killed and reported as LimitExceeded naming the file: the web worker that
    asked stays small and free. The child must not use the parent's database connection (parsers do not).
    With `progress`, `func` is called with `progress=` too, and each of its calls reaches `progress` here, in the
    parent (a queued OCR job shows its pages on the page).
    """
    if not hasattr(os, "fork"):
        return func(*args) if progress is None else func(*args, progress=progress)
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    updates, updates_child = context.Pipe(duplex=False) if progress is not None else (None, None)
    process = context.Process(
        target=_child, args=(child, func, args, memory_bytes, updates_child), daemon=True
    )
    process.start()
    child.close()
    if updates_child is not None:
        updates_child.close()
    deadline = time.monotonic() + seconds
    try:
        while True:
            left = deadline - time.monotonic()
            waiting = [parent] if updates is None else [parent, updates]
            ready = multiprocessing.connection.wait(waiting, timeout=max(0.0, left)) if left > 0 else []
            if updates is not None and updates in ready:
                try:
                    while updates.poll():
                        progress(*updates.recv())
                except EOFError:  # the child is gone; its answer (or its death) is on the other pipe
                    updates.close()
                    updates = None
            if parent in ready:
                break
            if not ready:
                raise LimitExceeded(
                    name,
                    f"解析超时（超过 {seconds:.0f} 秒），已停止。",
                    f"parsing took longer than {seconds:.0f} s; stopped.",
                )
        try:
            status, value = parent.recv()
        except EOFError:  # killed for memory before it could answer
            status, value = "memory", None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
        if updates is not None:
            updates.close()
    if status == "memory":
        raise LimitExceeded(
            name,
            f"解析所需内存超过 {_mb(memory_bytes)}，已停止。",
            f"parsing needed more than {_mb(memory_bytes)} of memory; stopped.",
        )
    if status == "error":
        raise value
    return value
