"""Funding schedules: one row per year per source from 逐年按…安排 / 每年安排… / 2021年…万元、2022年…万元."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import find_quantities, tidy

_SCHEDULE = re.compile(r"逐年|每年|年均|分年度|分年|各年度|年度分别")
_MONEY_CONTEXT = re.compile(r"资金|援助|投入|经费|拨付|安排|预算|支援")
_TOTAL = re.compile(r"(?:共计|合计|总计|累计|总额|总共|共)\s*(?:安排|投入|援助)?\s*$")
_SOURCE = re.compile(
    r"^(?:[—\-]*)\s*(?P<name>我省|本省|我市|本市|我区|本区|[\u4e00-\u9fff]{1,12}?(?:省|市|县|区|州|旗|盟))"
)
_YEARED = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?\s*(?:安排|投入|援助|拨付)?\s*(?:资金)?\s*$")


@dataclass
class FundingSentence:
    """A sentence that states a schedule, with its rows and the total printed beside it."""

    sentence: str
    source: str
    rows: list[dict]
    total_yuan: float | None


def _home(title: str | None) -> str | None:
    match = re.search(r"([\u4e00-\u9fff]{2,8}?(?:省|市|自治区))", title or "")
    return match.group(1) if match else None


def _source(sentence: str, title: str | None) -> str:
    subject = _SCHEDULE.split(sentence, maxsplit=1)[0]
    match = _SOURCE.match(subject)
    name = match.group("name") if match else ""
    if name in ("我省", "本省", "我市", "本市", "我区", "本区"):
        name = _home(title) or name
    remark = re.search(r"[(（](?:不含|含|不包括|包括)[^()（）]{1,20}[)）]", subject)
    return (name + (remark.group(0) if remark else "")) or subject[:20]


def find_funding(sentences: list[str], period: dict | None, title: str | None) -> list[FundingSentence]:
    """Schedules stated in the given sentences; years come from the plan period unless printed."""
    found: list[FundingSentence] = []
    for sentence in sentences:
        if not _MONEY_CONTEXT.search(sentence):
            continue
        money = [q for q in find_quantities(sentence) if q.unit == "yuan" and not q.is_range]
        if not money:
            continue
        total = None
        schedule = []
        for quantity in money:
            if _TOTAL.search(sentence[max(0, quantity.start - 8) : quantity.start]):
                total = quantity.value
            else:
                schedule.append(quantity)
        rows: list[dict] = []
        years_printed = [_YEARED.search(sentence[max(0, q.start - 14) : q.start]) for q in schedule]
        source = _source(sentence, title)
        if schedule and all(years_printed) and len(schedule) >= 2:
            rows = [
                {"source": source, "year": int(m.group(1)), "amount_yuan": tidy(q.value), "text": sentence}
                for q, m in zip(schedule, years_printed, strict=True)
            ]
        elif period and _SCHEDULE.search(sentence):
            start, end = period["start_year"], period["end_year"]
            years = list(range(start, end + 1))
            keyword = _SCHEDULE.search(sentence)
            after = [q for q in schedule if q.start > keyword.start()]
            if len(after) == 1 and re.search(r"每年|年均", keyword.group(0)) and len(years) > 1:
                rows = [
                    {"source": source, "year": y, "amount_yuan": tidy(after[0].value), "text": sentence}
                    for y in years
                ]
            elif len(after) >= 2:
                rows = [
                    {"source": source, "year": start + i, "amount_yuan": tidy(q.value), "text": sentence}
                    for i, q in enumerate(after[: len(years)])
                ]
        if rows:
            found.append(FundingSentence(sentence, source, rows, total))
    return found
