"""Amounts and quantities in Chinese plan text (1250万元, 一千二百五十万元, 7.5亿元, 1—2个, 3000名以上)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_CN_DIGITS = "零〇一二两三四五六七八九"
_CN_ALL = _CN_DIGITS + "十百千万亿"
# a number: Arabic with optional Chinese magnitude, or Chinese numerals that start with a digit word or 十
_NUMBER = rf"(?:\d+(?:\.\d+)?(?:\s*[万亿千百]+)?|[{_CN_DIGITS}十][{_CN_ALL}]*(?:点[{_CN_DIGITS}]+)?[万亿]*)"
_RANGE_SEP = r"\s*[—\-~～至到－–]+\s*"

MONEY_UNITS = ("元",)
PERSON_UNITS = ("人", "名", "位")
PERSON_TIME_UNITS = ("人次",)  # visits or attendances (培训8000人次): not a head count
COUNT_UNITS = ("个", "项", "家", "所", "次", "批", "座", "处", "条", "场", "期", "套", "户", "支", "台", "件")
OTHER_UNITS = (
    "平方公里", "平方米", "立方米", "万千瓦", "千瓦时", "千瓦", "兆瓦", "公顷", "公里", "千米",
    "小时", "万亩", "亩", "万吨", "吨", "床", "张", "个百分点",
)  # fmt: skip
_TIME_AFTER_GE = ("月", "年", "小时", "天", "周", "工作日", "星期")
_ALL_UNITS = sorted(
    set(MONEY_UNITS + PERSON_UNITS + PERSON_TIME_UNITS + COUNT_UNITS + OTHER_UNITS + ("%",)),
    key=len,
    reverse=True,
)
_UNIT = "|".join(re.escape(u) for u in _ALL_UNITS)

QUANTITY = re.compile(
    rf"(?P<num>{_NUMBER})(?:{_RANGE_SEP}(?P<num2>{_NUMBER}))?\s*(?P<more>[多余])?\s*(?P<unit>{_UNIT})?"
)
PERCENT_WORDS = re.compile(rf"百分之(?P<num>[{_CN_ALL}\d.]+)")


@dataclass
class Quantity:
    """One number with its unit as found in a sentence."""

    value: float
    upper: float | None
    unit: str  # yuan, person, count, percent, or the printed unit
    printed_unit: str
    start: int
    end: int
    approximate: bool = False

    @property
    def is_range(self) -> bool:
        """True for 1—2个 style ranges."""
        return self.upper is not None


def parse_number(token: str) -> float | None:
    """Value of a number token through cn2an (handles 7.5亿, 一千二百五十万, 1250万)."""
    token = token.replace(" ", "").replace("〇", "零")
    if not token:
        return None
    try:
        value = cn2an.cn2an(token, "smart")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def kind_of_unit(printed: str) -> str:
    """Map a printed unit to the plan format's unit kinds (the reader's one owner of this mapping).

    The plan format counts 人次 as person; a target keeps the printed 人次 beside it (`unit_as_printed`, see
    reader.targets) so the application can store attendances apart from people (duikou.targets.units).
    """
    if printed in MONEY_UNITS or printed == "万":
        return "yuan"
    if printed in PERSON_UNITS or printed in PERSON_TIME_UNITS:
        return "person"
    if printed in COUNT_UNITS:
        return "count"
    if printed == "%":
        return "percent"
    return printed


def tidy(value: float) -> int | float:
    """Give integers as int so JSON shows 12500000, not 12500000.0."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded


def find_quantities(text: str) -> list[Quantity]:
    """Every number in the text that carries a unit (money, people, things, percent, measures)."""
    found: list[Quantity] = []
    for match in QUANTITY.finditer(text):
        printed = match.group("unit")
        number = match.group("num")
        if not printed:
            # a bare 300万 after an amount in yuan still names money; callers decide from context
            if re.search(r"[万亿]$", number):
                printed = "万"
            else:
                continue
        if printed == "个" and text.startswith(_TIME_AFTER_GE, match.end()):
            continue  # 6个月 is a duration
        if printed in ("人", "名") and text.startswith(
            ("民", "才", "员", "口", "士", "医", "额", "单", "义", "录", "称"), match.end()
        ):
            continue  # 人民/人才/名单 are words, not counted people
        if printed in ("次", "期", "条", "支", "件", "台", "张", "处", "场") and not re.match(r"\d", number):
            continue  # 一次性/一条龙: Chinese numerals with these are idioms more often than counts
        value = parse_number(number)
        if value is None:
            continue
        upper = parse_number(match.group("num2")) if match.group("num2") else None
        magnitude_from_upper = re.search(r"[万亿]$", match.group("num2") or "") and not re.search(
            r"[万亿]$", number
        )
        if upper is not None and magnitude_from_upper:
            # 5—8亿元: the lower bound borrows the magnitude of the upper
            unit_word = re.search(r"[万亿]+$", match.group("num2")).group(0)
            value = parse_number(number + unit_word) or value
        found.append(
            Quantity(
                value=value,
                upper=upper,
                unit=kind_of_unit(printed),
                printed_unit=printed,
                start=match.start(),
                end=match.end(),
                approximate=bool(match.group("more")),
            )
        )
    for match in PERCENT_WORDS.finditer(text):
        value = parse_number(match.group("num"))
        if value is not None:
            found.append(Quantity(value, None, "percent", "%", match.start(), match.end()))
    found.sort(key=lambda q: q.start)
    return found


def amount_in_yuan(text: str) -> float | None:
    """Parse one money amount such as 708万元 or 一千二百五十万元 into yuan."""
    for quantity in find_quantities(text):
        if quantity.unit == "yuan":
            return quantity.value
    return None


def format_yuan(value: float, lang: str = "zh") -> str:
    """Print an amount the way plans do (亿元/万元 when it divides evenly), or in plain yuan for English."""
    if lang != "zh":
        return f"{tidy(value):,} yuan"
    if value >= 100_000_000 and value % 1_000_000 == 0:
        return f"{tidy(value / 100_000_000)}亿元"
    if value and value % 10_000 == 0:
        return f"{tidy(value / 10_000)}万元"
    return f"{tidy(value)}元"
