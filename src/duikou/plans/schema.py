"""The duikou.plan/1 interchange format as typed schemas; validation errors name the item that failed."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from duikou.core.periods import MAX_YEAR, MIN_YEAR

SCHEMA_ID = "duikou.plan/1"
Year = Annotated[int, Field(ge=MIN_YEAR, le=MAX_YEAR)]
Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Name = Annotated[str, Field(min_length=1, max_length=200)]


def _holds_nul(value, *, deep: bool) -> bool:
    """A NUL character in a string, a list of them, or (deep) anywhere in a JSON value."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_holds_nul(v, deep=deep) for v in value)
    if isinstance(value, dict) and deep:
        return any(_holds_nul(k, deep=True) or _holds_nul(v, deep=True) for k, v in value.items())
    return False


class _Item(BaseModel):
    model_config = ConfigDict(extra="allow")

    @model_validator(mode="before")
    @classmethod
    def no_nul_character(cls, data):
        """PostgreSQL stores no NUL character in text or jsonb (SQLite does): refused here, naming the item and the
        field, rather than by the database halfway through an import. An item's own items check themselves; what
        the format does not declare (kept as the plan's extra) is checked through."""
        if isinstance(data, dict):
            for key, value in data.items():
                if _holds_nul(key, deep=False) or _holds_nul(value, deep=key not in cls.model_fields):
                    raise ValueError(f"{describe_place((key,))}含有空字符（NUL），无法保存")
        return data


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
            raise ValueError(f"年份 {value.year} 超出范围")
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
            raise ValueError(f"起始年份 {value.start_year} 晚于结束年份 {value.end_year}")
        return value


def describe_errors(exc: ValidationError, data) -> str:
    """The first validation error as one line naming the item as a person would: 第3个指标「…」的目标值：…."""
    err = exc.errors()[0]
    place = describe_place(err["loc"], data) or "方案文件"
    more = f"（另有 {len(exc.errors()) - 1} 处错误）" if len(exc.errors()) > 1 else ""
    value = err.get("input")
    shown = f"，值为“{value}”" if not isinstance(value, (dict, list)) and value is not None else ""
    return f"{place}：{_message(err)}{shown}{more}"


# How a plan's lists and fields are named in messages (第3个指标, 第1笔资金安排, 的目标值), never as JSON paths.
_LISTS = {
    "tasks": ("项", "任务"),
    "targets": ("个", "指标"),
    "funding": ("笔", "资金安排"),
    "pairings": ("对", "结对关系"),
    "allocations": ("项", "分解"),
    "lead_units": ("个", "牵头单位"),
    "support_units": ("个", "配合单位"),
    "donors": ("个", "支援方"),
    "recipients": ("个", "受援方"),
    "sections": ("个", "章节"),
    "path": ("级", "层级编号"),
}
_FIELDS = {
    "schema": "格式标识", "title": "标题", "doc_number": "文号", "issuer": "发布机构", "issued_on": "成文日期",
    "period": "起止年份", "start_year": "起始年份", "end_year": "结束年份", "number": "编号", "text": "原文",
    "deadline": "完成时限", "due": "截止日期", "indicator": "指标名称", "value": "数值", "unit": "计量单位",
    "comparator": "比较方式", "year": "年份", "source": "资金来源", "amount_yuan": "金额", "donor": "支援方",
    "recipient": "受援方",
}  # fmt: skip


def item_label(item) -> str:
    """What a person recognises an item by: its number and title, indicator, source or unit name."""
    get = item.get if isinstance(item, dict) else (lambda key: getattr(item, key, None))
    parts = [get("number"), get("title") or get("indicator") or get("source") or get("unit")]
    if get("donor") and get("recipient"):
        parts = [f"{get('donor')}→{get('recipient')}"]
    label = " ".join(str(p) for p in parts if p)
    return label if len(label) <= 30 else label[:29] + "…"


def item_place(kind: str, index: int, item=None) -> str:
    """第3个指标「帮助宁夏销售农副产品」 for the item at `index` (from 0) of a plan's list."""
    measure, noun = _LISTS.get(kind, ("项", kind))
    label = item_label(item) if isinstance(item, dict) or hasattr(type(item), "model_fields") else ""
    return f"第{index + 1}{measure}{noun}" + (f"「{label}」" if label else "")


def describe_place(loc, data=None) -> str:
    """A validation location (("targets", 2, "allocations", 0, "value")) in words: 第3个指标「…」第1项分解「…」的数值."""
    words = []
    node = data
    key = None
    for part in loc:
        child = None
        try:
            child = node[part] if node is not None else None
        except (KeyError, IndexError, TypeError):
            child = None
        if isinstance(part, int) and key in _LISTS:
            words.append(item_place(key, part, child if isinstance(child, dict) else None))
        elif isinstance(part, str) and part not in _LISTS:
            words.append(f"的{_FIELDS.get(part, part)}" if words else _FIELDS.get(part, part))
        elif isinstance(part, str) and not isinstance(loc[-1], int) and part == loc[-1]:
            words.append(f"的{_LISTS[part][1]}" if words else _LISTS[part][1])
        key = part
        node = child
    return "".join(words)


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
    "finite_number": "不是有限的数字",
    "date_type": "不是有效日期（应为 YYYY-MM-DD）",
    "int_type": "应为整数",
    "float_type": "应为数字",
    "extra_forbidden": "不是可识别的字段",
    "too_long": "条目过多",
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
    if err["type"] == "value_error":
        return str((err.get("ctx") or {}).get("error") or err["msg"]).removeprefix("Value error, ")
    # pydantic's own wording is English: a type we have no words for still reads in Chinese.
    return base or "取值不合法"
