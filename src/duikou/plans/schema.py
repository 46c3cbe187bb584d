"""The duikou.plan/1 interchange format as typed schemas; validation errors name the item that failed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from duikou.core.periods import MAX_YEAR, MIN_YEAR

SCHEMA_ID = "duikou.plan/1"
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


class _Item(BaseModel):
    model_config = ConfigDict(extra="allow")


class PeriodIn(_Item):
    start_year: Year | None = None
    end_year: Year | None = None


class PairingIn(_Item):
    donor: Name
    recipient: Name


class FundingIn(_Item):
    source: Annotated[str, Field(min_length=1, max_length=200)]
    year: Year
    amount_yuan: Amount
    text: str | None = None


class AllocationIn(_Item):
    unit: Name
    value: Amount


class TargetIn(_Item):
    text: str | None = None
    indicator: Annotated[str | None, Field(max_length=500)] = None
    value: Amount
    unit: Annotated[str, Field(min_length=1, max_length=20)]
    comparator: Literal[">=", "<=", "="] = "="
    year: Year | None = None
    allocations: list[AllocationIn] = []


class TaskIn(_Item):
    number: Annotated[str | None, Field(max_length=20)] = None
    path: list[str] = []
    title: Annotated[str | None, Field(max_length=1000)] = None
    text: str | None = None
    lead_units: list[Name] = []
    support_units: list[Name] = []
    deadline: Annotated[str | None, Field(max_length=100)] = None
    due: dt.date | None = None

    @field_validator("due")
    @classmethod
    def due_year_known(cls, value):
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise ValueError(f"year {value.year} out of range")
        return value


class PlanDocument(_Item):
    """One plan in the duikou.plan/1 format."""

    schema_: Literal["duikou.plan/1"] = Field(alias="schema")
    title: Annotated[str, Field(min_length=1, max_length=500)]
    doc_number: Annotated[str | None, Field(max_length=100)] = None
    issuer: Annotated[str | None, Field(max_length=200)] = None
    issued_on: dt.date | None = None
    period: PeriodIn | None = None
    donors: list[Name] = []
    recipients: list[Name] = []
    pairings: list[PairingIn] = []
    funding: list[FundingIn] = []
    targets: list[TargetIn] = []
    tasks: list[TaskIn] = []

    @field_validator("period")
    @classmethod
    def period_in_order(cls, value):
        if value and value.start_year and value.end_year and value.start_year > value.end_year:
            raise ValueError(f"start_year {value.start_year} is after end_year {value.end_year}")
        return value


def describe_errors(exc: ValidationError, data) -> str:
    """The first validation error as one line naming the item: `tasks[12].lead_units[0]（…）: …`."""
    err = exc.errors()[0]
    parts = []
    for loc in err["loc"]:
        if isinstance(loc, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{loc + 1}]"]
        else:
            parts.append("schema" if loc == "schema" else str(loc))
    place = ".".join(parts) or "（根）"
    context = _item_context(data, err["loc"])
    more = f"（另有 {len(exc.errors()) - 1} 处错误）" if len(exc.errors()) > 1 else ""
    value = err.get("input")
    shown = f"，值为 {value!r}" if not isinstance(value, (dict, list)) and value is not None else ""
    return f"{place}{context}：{_message(err)}{shown}{more}"


def _item_context(data, loc) -> str:
    """A readable hint of which item failed (its number or title), so a person can find it."""
    node = data
    hint = ""
    for key in loc:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            label = node.get("number") or node.get("title") or node.get("indicator") or node.get("source")
            if label:
                hint = f"（{str(label)[:30]}）"
    return hint


_MESSAGES = {
    "missing": "缺少必填字段",
    "greater_than_equal": "不能为负数或小于下限",
    "less_than_equal": "超出上限",
    "literal_error": "取值不合法",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "date_from_datetime_parsing": "不是有效日期（应为 YYYY-MM-DD）",
    "date_parsing": "不是有效日期（应为 YYYY-MM-DD）",
    "int_parsing": "不是整数",
    "float_parsing": "不是数字",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "string_type": "应为文字",
}


def _message(err) -> str:
    base = _MESSAGES.get(err["type"])
    if err["type"] in ("greater_than_equal", "less_than_equal"):
        bound = (err.get("ctx") or {}).get("ge", (err.get("ctx") or {}).get("le"))
        if bound in (MIN_YEAR, MAX_YEAR):
            return f"年份超出 {MIN_YEAR}–{MAX_YEAR}"
        return "不能为负数" if bound == 0 else f"{base}（{bound}）"
    if err["type"] == "literal_error" and err["loc"][:1] == ("schema",):
        return f"不是 {SCHEMA_ID} 格式"
    return base or err["msg"]
