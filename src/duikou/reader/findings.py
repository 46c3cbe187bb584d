"""What a reading is unsure of, said next to the items so the office corrects it in the import review.

Two kinds: what only the source shows (a numbering jump, a task table without a unit column), found while
reading and kept in the plan's extra ``findings`` list; and what the plan itself shows (a task without any
unit, a unit that does not read as a unit's name, several deadlines in one task), recomputed from the plan so
an edited draft never shows a stale warning.
"""

from __future__ import annotations

import re
from typing import TypedDict

from .structure import match_heading
from .tasks import LEAD_COLUMN, SUPPORT_COLUMN, TASK_COLUMN
from .text import to_simplified
from .units import ends_like_unit

# codes whose finding only the source can show; the others are recomputed from the plan
SOURCE_CODES = {"numbering_jump", "table_without_units", "ocr_low_confidence"}
_CN = "〇一二三四五六七八九十"


class ReadingFinding(TypedDict):
    """One uncertainty: a code, a message in Chinese, and where (task number path, targets[i], a line)."""

    code: str
    message: str
    where: str


def _numeral(value: int, style: str) -> str:
    if style in ("cn", "pcn", "chapter", "section") and 0 < value < 100:
        tens, ones = divmod(value, 10)
        text = ("" if tens <= 1 else _CN[tens]) + ("十" if tens else "") + (_CN[ones] if ones else "")
        return f"（{text}）" if style == "pcn" else text
    return f"（{value}）" if style == "par" else str(value)


def numbering_jumps(lines: list[str]) -> list[ReadingFinding]:
    """三 followed by 五 at the same level: an item lost in the source or a number read as prose."""
    found: list[ReadingFinding] = []
    last: dict[str, int] = {}
    for index, line in enumerate(lines):
        heading = match_heading(line)
        if not heading:
            continue
        style, value, printed, _rest = heading
        previous = last.get(style)
        if value == 1:
            last[style] = 1
            continue
        if previous is not None and 2 <= value - previous <= 3:
            missing = "、".join(_numeral(v, style) for v in range(previous + 1, value))
            found.append(
                ReadingFinding(
                    code="numbering_jump",
                    message=f"编号从{_numeral(previous, style)}跳到{_numeral(value, style)}，"
                    f"缺少{missing}：原文可能漏印，或有一项未被识别，请核对。",
                    where=f"第{index + 1}行 {printed}",
                )
            )
        if previous is None or value > previous:
            last[style] = value
    return found


def tables_without_units(lines: list[str]) -> list[ReadingFinding]:
    """A 序号/任务 table with no 牵头/责任/配合 column: its tasks come without units."""
    found: list[ReadingFinding] = []
    for index, line in enumerate(lines):
        cells = [c.replace(" ", "") for c in line.split("\t")]
        if len(cells) < 2 or any(len(c) > 12 for c in cells):
            continue
        if not any(re.search(r"序号|编号", c) for c in cells) or not any(
            TASK_COLUMN.search(c) for c in cells
        ):
            continue
        if any(LEAD_COLUMN.search(c) or SUPPORT_COLUMN.search(c) for c in cells):
            continue
        found.append(
            ReadingFinding(
                code="table_without_units",
                message="任务表没有牵头单位或责任单位一栏，表中任务未读到责任单位，请补充。",
                where=f"第{index + 1}行 " + "｜".join(cells),
            )
        )
    return found


def _where(task: dict) -> str:
    return "/".join(task.get("path") or []) or task.get("number") or task.get("title") or ""


def _list(items: list[str], limit: int = 10) -> str:
    return "、".join(items[:limit]) + ("…" if len(items) > limit else "")


def plan_findings(plan: dict) -> list[ReadingFinding]:
    """Uncertainties the plan shows by itself, one finding per kind and task."""
    found: list[ReadingFinding] = []
    tasks = plan.get("tasks") or []
    bare = [_where(t) for t in tasks if not (t.get("lead_units") or t.get("support_units"))]
    if bare:
        message = (
            f"全部{len(tasks)}项任务都没有读到责任单位，请在导入核对时补充。"
            if len(bare) == len(tasks)
            else f"{len(bare)}项任务没有读到责任单位，请核对。"
        )
        code = "no_units" if len(bare) == len(tasks) else "task_without_unit"
        found.append(ReadingFinding(code=code, message=message, where=_list(bare)))
    for task in tasks:
        units = (task.get("lead_units") or []) + (task.get("support_units") or [])
        odd = [u for u in units if not ends_like_unit(to_simplified(u))]
        if odd:
            names = "、".join(f"“{u[:30]}”" for u in odd[:3]) + ("等" if len(odd) > 3 else "")
            found.append(
                ReadingFinding(
                    code="ambiguous_unit",
                    message=f"{names}不像机构名称，可能是把正文读成了单位，请核对。",
                    where=_where(task),
                )
            )
        deadline = task.get("deadline") or ""
        if "；" in deadline:
            found.append(
                ReadingFinding(
                    code="several_deadlines",
                    message=f"这项任务有{deadline.count('；') + 1}个完成时限（{deadline}），"
                    "按最晚的计为到期日，可拆分为几项任务。",
                    where=_where(task),
                )
            )
    return found


def reading_findings(lines: list[str], plan: dict) -> list[ReadingFinding]:
    """Everything a reading is unsure of, source-only findings first."""
    return numbering_jumps(lines) + tables_without_units(lines) + plan_findings(plan)
