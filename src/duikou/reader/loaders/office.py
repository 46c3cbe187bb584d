"""Legacy and other office formats (.doc, .wps, .rtf, .odt; .xls, .et, .ods) through LibreOffice headless.

LibreOffice converts to .docx / .xlsx, which the Word and spreadsheet readers then read. Each conversion
runs with a throw-away profile in a temporary directory (so parallel runs do not share a locked profile), in
its own process group, killed whole when the time limit passes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..document import Document, Progress
from .errors import ReaderError
from .limits import Budget

CONVERT_SECONDS = 120.0


def convert(data: bytes, suffix: str, target: str, path: str | os.PathLike | None, seconds: float) -> bytes:
    """The file converted by LibreOffice to `target` (docx or xlsx)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReaderError(
            path,
            "读取该格式需要 LibreOffice（soffice），本机未安装。",
            "reading this format needs LibreOffice (soffice), which is not installed.",
        )
    with tempfile.TemporaryDirectory(prefix="duikou-lo-") as tmp:
        work = Path(tmp)
        source = work / f"input{suffix}"
        source.write_bytes(data)
        out_dir = work / "out"
        out_dir.mkdir()
        command = [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(source),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
        )
        try:
            _, stderr = process.communicate(timeout=seconds)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ReaderError(
                path,
                f"LibreOffice 转换超时（超过 {seconds:.0f} 秒），已停止。",
                f"the LibreOffice conversion took longer than {seconds:.0f} s and was stopped.",
            ) from None
        result = out_dir / f"input.{target}"
        if process.returncode != 0 or not result.exists() or result.stat().st_size == 0:
            raise ReaderError(
                path,
                "LibreOffice 无法转换该文件（文件可能已损坏或格式不符）。",
                "LibreOffice cannot convert the file (it may be damaged or not what its name says).",
            )
        return result.read_bytes()


def read_legacy(
    data: bytes,
    path: str | os.PathLike | None = None,
    *,
    progress: Progress | None = None,
    budget: Budget | None = None,
    target: str = "docx",
) -> Document:
    """A .doc/.wps (or .xls/.et with target="xlsx") read after LibreOffice converts it."""
    suffix = Path(str(path)).suffix.lower() if path else (".xls" if target == "xlsx" else ".doc")
    seconds = min(CONVERT_SECONDS, budget.remaining()) if budget else CONVERT_SECONDS
    converted = convert(data, suffix or ".doc", target, path, max(seconds, 1.0))
    if target == "xlsx":
        from .sheet import read_xlsx

        document = read_xlsx(converted, path)
    else:
        from .word import read_docx

        document = read_docx(converted, path)
    document.kind = suffix.lstrip(".") or document.kind
    return document
