"""ReaderError: one line naming the file and what is wrong with it, in Chinese and English."""

from __future__ import annotations

import os


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
