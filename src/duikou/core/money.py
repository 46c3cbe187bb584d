"""Money as offices write it: stored in yuan, shown and entered in 万元 (亿元 from 1亿 up), with separators.

The one owner of money display: the template filters (`money`, `wan`), the forms (`WanField`), the list exports
and the Word documents all call these functions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

WAN = Decimal(10_000)
YI = Decimal(100_000_000)
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class MoneyUnit:
    """A display unit of money: its label (万元, 亿元) and how many yuan make one."""

    code: str
    label: Any
    yuan: Decimal


WAN_YUAN = MoneyUnit("wan", _("万元"), WAN)
YI_YUAN = MoneyUnit("yi", _("亿元"), YI)


def _decimal(amount: Any) -> Decimal | None:
    if amount is None or amount == "":
        return None
    return amount if isinstance(amount, Decimal) else Decimal(str(amount))


def money_unit(*amounts: Any) -> MoneyUnit:
    """The unit for a figure or a whole column: 亿元 when any amount reaches 1亿, else 万元."""
    values = [abs(d) for d in map(_decimal, amounts) if d is not None]
    return YI_YUAN if values and max(values) >= YI else WAN_YUAN


def in_unit(amount: Any, unit: MoneyUnit = WAN_YUAN) -> Decimal | None:
    """Yuan converted to the unit, to two decimals (a spreadsheet cell keeps this number)."""
    value = _decimal(amount)
    if value is None:
        return None
    return (value / unit.yuan).quantize(_CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Any, unit: MoneyUnit = WAN_YUAN) -> str:
    """The number only, in the unit, with separators: for a column whose header states the unit once."""
    value = in_unit(amount, unit)
    return "—" if value is None else f"{value:,.2f}"


def format_money(amount: Any, unit: MoneyUnit | None = None) -> str:
    """A figure with its unit, as a sentence or a card prints it: 1,305.00万元, 7.50亿元."""
    value = _decimal(amount)
    if value is None:
        return "—"
    unit = unit or money_unit(value)
    return _with_label(value, unit, translated_once(unit.code, unit.label))


def money_formatter() -> Callable[[Any], str]:
    """`format_money` for a page's many figures: the units' labels read in the active language once, not per figure."""
    labels = {unit.code: translated_once(unit.code, unit.label) for unit in (WAN_YUAN, YI_YUAN)}

    def formatted(amount: Any) -> str:
        value = _decimal(amount)
        if value is None:
            return "—"
        unit = money_unit(value)
        return _with_label(value, unit, labels[unit.code])

    return formatted


def _with_label(value: Decimal, unit: MoneyUnit, label: str) -> str:
    # Chinese writes 1,305.00万元; a translated unit (10,000 yuan) needs a space.
    return f"{format_amount(value, unit)}{' ' if label[:1].isascii() else ''}{label}"


# (label's key, language) → the label translated: once, not beside each of a page's hundreds of figures.
_LABELS: dict[tuple[str, str | None], str] = {}


def translated_once(key: str, label) -> str:
    """A unit's lazy `label` in the active language, translated once per `key` (its code) and language: hashing the
    lazy label itself would translate it at each call. Money units here, quantity units in targets.units."""
    found = (key, get_language())
    text = _LABELS.get(found)
    if text is None:
        text = _LABELS[found] = str(label)
    return text


def column_label(label: Any, unit: MoneyUnit = WAN_YUAN):
    """A column header stating the unit once: 计划金额（万元） (lazy: translated when shown)."""
    return format_lazy("{}（{}）", label, unit.label)


_SUFFIX = re.compile(r"(万元|万|亿元|亿|元)$")


def parse_wan(text: Any) -> Decimal:
    """What someone typed in a 万元 field, as yuan: 1,305.5 / １３０５ / 1305万元 / 1.2亿元 / 3000元."""
    raw = unicodedata.normalize("NFKC", str(text or "")).replace(",", "").replace("，", "").strip()
    raw = re.sub(r"\s+", "", raw)
    match = _SUFFIX.search(raw)
    suffix = match.group(1) if match else "万元"
    number = raw[: match.start()] if match else raw
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ValueError(_("金额应为数字（单位：万元），如 1,305.50")) from None
    if not value.is_finite():
        raise ValueError(_("金额应为数字（单位：万元），如 1,305.50"))
    factor = {"万元": WAN, "万": WAN, "亿元": YI, "亿": YI, "元": Decimal(1)}[suffix]
    return (value * factor).quantize(_CENT, rounding=ROUND_HALF_UP)


class WanInput(forms.TextInput):
    """A text box for 万元 with a decimal keyboard on phones."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class WanField(forms.Field):
    """A form field entered in 万元 (the label says so) and cleaned to yuan, exact to the fen."""

    widget = WanInput
    default_error_messages = {
        "min_value": _("金额不能小于 %(limit)s万元"),
        "max_digits": _("金额过大"),
    }

    def __init__(self, *, label=None, min_value: Decimal | None = Decimal(0), **kwargs):
        self.min_value = min_value
        super().__init__(label=column_label(label) if label else label, **kwargs)

    def prepare_value(self, value):
        """Yuan (from the database) shown in 万元; text someone typed is shown back as it was."""
        if isinstance(value, Decimal | int | float):
            return f"{in_unit(value)}"
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            yuan = parse_wan(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc
        if abs(yuan) >= Decimal(10) ** 16:
            raise forms.ValidationError(self.error_messages["max_digits"], code="max_digits")
        return yuan

    def validate(self, value):
        super().validate(value)
        if value is not None and self.min_value is not None and value < self.min_value:
            raise forms.ValidationError(
                self.error_messages["min_value"],
                code="min_value",
                params={"limit": format_amount(self.min_value)},
            )
