"""Reporting periods as values: a month (2023-07), a quarter (2023-Q3) or a year (2023).

Stored and put in URLs as the code; shown and typed as offices write them (2023年7月, 2023年第三季度, 2023年度).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from .dates import today_for

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_KINDS = [(MONTH, "月"), (QUARTER, "季度"), (YEAR, "年")]
MIN_YEAR, MAX_YEAR = 1949, 2100

_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{2})$"), MONTH),
    (re.compile(r"^(\d{4})-Q([1-4])$"), QUARTER),
    (re.compile(r"^(\d{4})$"), YEAR),
]
_CN_NUMBER = {c: i for i, c in enumerate("〇一二三四五六七八九十", start=0)}
# As people type them: 2024年11月, 2024年第三季度, 2024年三季度, 2024年第3季度, 2024年度, 2024年, 2024.11, 2024/11.
_TYPED = [
    (re.compile(r"^(\d{4})年(\d{1,2})月(份)?$"), MONTH),
    (re.compile(r"^(\d{4})[./](\d{1,2})$"), MONTH),
    (re.compile(r"^(\d{4})-(\d{1})$"), MONTH),
    (re.compile(r"^(\d{4})年第?([1-4一二三四])季度?$"), QUARTER),
    (re.compile(r"^(\d{4})[-年]?q([1-4])$", re.IGNORECASE), QUARTER),
    (re.compile(r"^(\d{4})年度?$"), YEAR),
]


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period; ordering is by start date then length."""

    year: int
    kind: str
    number: int = 1

    def __post_init__(self):
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"年份 {self.year} 超出范围 {MIN_YEAR}–{MAX_YEAR}")
        limit = {MONTH: 12, QUARTER: 4, YEAR: 1}.get(self.kind)
        if limit is None:
            raise ValueError(f"未知的报告周期类型：{self.kind}")
        if not 1 <= self.number <= limit:
            raise ValueError(f"报告周期序号 {self.number} 超出范围 1–{limit}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """The code (2023-07, 2023-Q3, 2023) or what an office types (2023年7月, 2023年第三季度, 2023年度)."""
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
        for pattern, kind in _PATTERNS + _TYPED:
            m = pattern.match(text)
            if m:
                if kind == YEAR:
                    return cls(int(m.group(1)), kind, 1)
                raw = m.group(2)
                number = int(raw) if raw.isdigit() else _CN_NUMBER[raw]
                return cls(int(m.group(1)), kind, number)
        raise ValueError(
            f"无法识别的报告期“{text}”（应如 2024年11月、2024年第三季度、2024年度，或 2024-11、2024-Q3、2024）"
        )

    @classmethod
    def containing(cls, day: dt.date, kind: str) -> Period:
        if kind == MONTH:
            return cls(day.year, MONTH, day.month)
        if kind == QUARTER:
            return cls(day.year, QUARTER, (day.month - 1) // 3 + 1)
        return cls(day.year, YEAR, 1)

    @property
    def start(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == MONTH:
            return dt.date(self.year, self.number, calendar.monthrange(self.year, self.number)[1])
        if self.kind == QUARTER:
            month = 3 * self.number
            return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])
        return dt.date(self.year, 12, 31)

    def previous(self) -> Period:
        return Period.containing(self.start - dt.timedelta(days=1), self.kind)

    def next(self) -> Period:
        return Period.containing(self.end + dt.timedelta(days=1), self.kind)

    def __str__(self) -> str:
        if self.kind == MONTH:
            return f"{self.year:04d}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def label(self) -> str:
        """The period as offices write it: 2023年7月, 2023年第三季度, 2023年度."""
        if self.kind == MONTH:
            return f"{self.year}年{self.number}月"
        if self.kind == QUARTER:
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        return f"{self.year}年度"


def recent_periods(kind: str, *, today: dt.date | None = None, count: int = 0) -> list[Period]:
    """The periods of a kind to offer in a list, newest first: the current one and those before it."""
    today = today or today_for()
    count = count or {MONTH: 24, QUARTER: 8, YEAR: 5}.get(kind, 12)
    return list(_recent_periods(kind, today, count))


@functools.lru_cache(maxsize=64)
def _recent_periods(kind: str, today: dt.date, count: int) -> tuple[Period, ...]:
    """recent_periods, made once a day and kind (Periods are frozen): every report start form offers 24 months, and
    making them was a tenth of the form's time."""
    period = Period.containing(today, kind)
    found = []
    for _i in range(count):
        found.append(period)
        try:
            period = period.previous()
        except ValueError:
            break
    return tuple(found)
