"""Measurement units of targets: stored as codes, shown in the page's language, typed in either form.

The one owner of how a target's quantity reads (不少于 3,000人（2023年）): pages, the import review, exports and
the 通报 call `format_quantity` / `format_target`; the importer and the review form call `unit_code`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from duikou.core import money

YUAN, PERSON, PERSON_TIME, COUNT, PERCENT, OTHER = (
    "yuan",
    "person",
    "person_time",
    "count",
    "percent",
    "other",
)
# Money is stored in yuan; every page shows it in 万元 (亿元 from 1亿 up).
UNIT_CHOICES = [
    (YUAN, _("万元")),
    (PERSON, _("人")),
    (PERSON_TIME, _("人次")),
    (COUNT, _("个")),
    (PERCENT, _("%")),
    (OTHER, _("其他")),
]
_UNIT_LABELS = dict(UNIT_CHOICES)  # code → its (lazy) label
CODES = {code for code, _label in UNIT_CHOICES} - {OTHER}
# What a person may type for a unit (a plan file, a spreadsheet); anything else is kept as 其他 with its text.
# 万元/亿元 are not here: the value beside them is not in yuan, so the code alone would misstate it.
_TYPED = {
    "元": YUAN, "yuan": YUAN,
    "人": PERSON, "名": PERSON, "位": PERSON, "person": PERSON, "people": PERSON,
    "人次": PERSON_TIME, "person-time": PERSON_TIME, "person-times": PERSON_TIME,
    "个": COUNT, "项": COUNT, "个/项": COUNT, "家": COUNT, "所": COUNT, "count": COUNT,
    "%": PERCENT, "percent": PERCENT,
}  # fmt: skip
COMPARATOR_WORDS = {">=": _("不少于"), "<=": _("不超过"), "=": ""}


def unit_code(text: str | None) -> tuple[str, str]:
    """(code, text to keep): 人 → (person, ""), 人次 → (person_time, ""), 千瓦 → (other, "千瓦")."""
    raw = unicodedata.normalize("NFKC", (text or "")).strip()
    if raw in CODES:
        return raw, ""
    code = _TYPED.get(raw) or _TYPED.get(raw.lower())
    if code:
        return code, ""
    return OTHER, raw


def item_unit(item) -> tuple[str, str]:
    """The unit a plan file's target is kept in: the reader counts 人次 as person, as the plan format does, and
    writes the printed 人次 beside it (`unit_as_printed`), which is stored as person_time, attendances."""
    get = item.get if isinstance(item, dict) else lambda key: getattr(item, key, None)
    return unit_code(get("unit_as_printed") or get("unit"))


def item_unit_fields(code: str, text: str = "") -> dict:
    """The inverse of item_unit: how a plan file writes a stored unit (person_time as person with 人次 beside it)."""
    if code == PERSON_TIME:
        return {"unit": PERSON, "unit_as_printed": "人次"}
    return {"unit": text if code == OTHER else code}


def unit_label(code: str, text: str = "") -> str:
    """The unit as the page's language writes it; 其他 shows the unit printed in the source."""
    if code == OTHER:
        return text or str(_("其他"))
    if code in _UNIT_LABELS:
        return money.translated_once(f"quantity:{code}", _UNIT_LABELS[code])
    return text or code


def _number(value: Any) -> str:
    value = value if type(value) is Decimal else Decimal(str(value))
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


def format_quantity(value: Any, code: str, text: str = "") -> str:
    """A value with its unit: 7.50亿元, 3,000人, 95%, 12个, 500千瓦."""
    if value is None or value == "":
        return "—"
    if code == YUAN:
        return money.format_money(value)
    return _labelled(value, unit_label(code, text))


def quantity_formatter(code: str, text: str = "") -> Callable[[Any], str]:
    """`format_quantity` for values in one unit: the unit's label read in the active language once (a page's many
    values in a few units)."""
    if code == YUAN:
        money_text = money.money_formatter()
        return lambda value: "—" if value is None or value == "" else money_text(value)
    label = unit_label(code, text)
    return lambda value: "—" if value is None or value == "" else _labelled(value, label)


def _labelled(value: Any, label: str) -> str:
    space = " " if label[:1].isascii() and label != "%" else ""
    return f"{_number(value)}{space}{label}"


def format_target(comparator: str, value: Any, code: str, text: str = "", year: int | None = None) -> str:
    """A commitment as plans print it: 不少于 3,000人（2023年）."""
    word = str(COMPARATOR_WORDS.get(comparator, "") or "")
    phrase = f"{word} {format_quantity(value, code, text)}" if word else format_quantity(value, code, text)
    if year:
        phrase += f"（{year}年）"
    return phrase
