"""Tasks: rows of a 任务分工 table, else the numbered measures of the plan, with units and deadlines."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from .structure import Node, Outline
from .units import parse_subject, split_units

# sections that frame a plan rather than assign work (指导思想, 基本原则, 主要目标, 背景 …)
PREAMBLE_TITLE = re.compile(
    r"(意义|背景|总体要求|总体思路|总体考虑|指导思想|原则|目标|范围|期限|时间安排|进度安排|结对关系|编制依据|依据|现状|形势|"
    r"成就|发展基础|工作基础|现实基础|机遇|挑战|总体安排|前言|概况|基本情况|发展环境|定位|适用对象)$"
)
BACKGROUND_TITLE = re.compile(
    r"(背景|成就|现状|发展基础|工作基础|现实基础|形势|机遇|挑战|意义|回顾|基本情况|概况|成效|工作进展)$"
)
_LEAD_LABEL = r"责任单位|牵头单位|责任部门|牵头部门|主责单位|负责单位|主办单位|责任主体"
_SUPPORT_LABEL = r"配合单位|参与单位|协办单位|配合部门|协同单位|协助单位"
_LABEL = re.compile(rf"(?P<label>{_LEAD_LABEL}|{_SUPPORT_LABEL}|完成时限|完成时间|时间节点|时限要求)\s*[:：]")
_OPEN, _CLOSE = "(（〔[【<《", ")）〕]】>》"
_TRAILING_PAREN = re.compile(r"[(（](?P<body>[^()（）]{2,120})[)）]\s*[。；;]?\s*$")
_PREPOSITION = re.compile(r"^(按照|根据|依据|围绕|结合|为了|为|依托|立足|坚持|通过|针对|对照|在)")
# 1, 1., 1、 or （一） in a 序号 cell
_TABLE_NUMBER = re.compile(
    r"^(?:\d{1,3}[.．、]?|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]?)$"
)
_DUE_MONTH_END = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月(?:底|末)")
_DUE_DAY = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日")
# 完成时间：2025年12月 — a month named alone means its end; 6月前 is read as offices use it, by the end of June
# (so that 2024年6月前 and 2024年上半年 name the same day).
_DUE_MONTH = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<m>\d{1,2})\s*月(?![\d底末日])")
_DUE_YEAR_END = re.compile(r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?:年底|年末|年内|底前)")
_DUE_HALF = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年)?\s*(?P<h>上半年|下半年|一季度|二季度|三季度|四季度|第一季度|第二季度|第三季度|第四季度)"
)
_HALF_END = {
    "上半年": (6, 30),
    "下半年": (12, 31),
    "一季度": (3, 31),
    "二季度": (6, 30),
    "三季度": (9, 30),
    "四季度": (12, 31),
}


@dataclass
class UnitNote:
    """Units and deadline printed with a task, and the text with the note removed."""

    lead: list[str]
    support: list[str]
    deadline: str | None
    text: str


def due_date(deadline: str | None, year: int | None) -> str | None:
    """ISO date a deadline names when its year is known: 11月底前 in a 2023 plan → 2023-11-30.

    The one reading of deadline text: the importer (through the plan JSON) and the task table both use it.
    全年 (all year round) and 持续推进 name no day: such a task is never overdue.
    """
    if not deadline:
        return None
    for pattern in (_DUE_DAY, _DUE_MONTH_END, _DUE_HALF, _DUE_YEAR_END, _DUE_MONTH):
        matches = list(pattern.finditer(deadline))
        if not matches:
            continue
        match = matches[-1]
        chosen = int(match.group("y")) if match.group("y") else year
        if not chosen:
            return None
        try:
            if pattern is _DUE_DAY:
                return f"{chosen:04d}-{int(match.group('m')):02d}-{int(match.group('d')):02d}"
            if pattern in (_DUE_MONTH_END, _DUE_MONTH):
                month = int(match.group("m"))
                if not 1 <= month <= 12:
                    return None
                return f"{chosen:04d}-{month:02d}-{calendar.monthrange(chosen, month)[1]:02d}"
            if pattern is _DUE_HALF:
                month, day = _HALF_END[match.group("h").replace("第", "")]
                return f"{chosen:04d}-{month:02d}-{day:02d}"
            return f"{chosen:04d}-12-31"
        except (ValueError, KeyError):
            return None
    return None


def _balanced_value(text: str, start: int) -> int:
    """End of a label's value: the first bracket that closes one opened before the label."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            if depth == 0:
                return index
            depth -= 1
    return len(text)


def read_unit_note(text: str, definitions: dict[str, str]) -> UnitNote:
    """Labelled 牵头/责任/配合 units and 完成时限 in a task's text, or a trailing （…按职责分工负责）."""
    lead: list[str] = []
    support: list[str] = []
    deadline = None
    cut: list[tuple[int, int]] = []
    labels = list(_LABEL.finditer(text))
    for index, match in enumerate(labels):
        end = _balanced_value(text, match.end())
        if index + 1 < len(labels):
            end = min(end, labels[index + 1].start())
        value = text[match.end() : end].strip(" ;；。，,")
        label = match.group("label")
        if re.fullmatch(_LEAD_LABEL, label):
            lead += [u for u in split_units(value, definitions) if u not in lead]
        elif re.fullmatch(_SUPPORT_LABEL, label):
            support += [u for u in split_units(value, definitions) if u not in support]
        else:
            deadline = value or None
        opener = match.start()
        if opener > 0 and text[opener - 1] in _OPEN:
            opener -= 1
            end = min(len(text), end + 1)
        cut.append((opener, end))
    if not labels:
        match = _TRAILING_PAREN.search(text)
        if match and "。" not in match.group("body"):
            note = _read_trailing_note(match.group("body"), definitions)
            if note:
                lead, support, deadline = note
                cut.append((match.start(), match.end()))
    for start, end in sorted(cut, reverse=True):
        text = text[:start] + text[end:]
    return UnitNote(lead, support, deadline, text.strip())


_NOTE_LEAD_END = re.compile(
    r"(?:按照?职责分工|按职能分工|分别)?(?:牵头(?:负责|落实|推进)?|负责|落实|组织实施)$"
)
_NOTE_SUPPORT_END = re.compile(r"(?:等(?:有关)?(?:单位|部门)?)?(?:配合|参与|协助|协同|共同推进)$")
_NOTE_STANDING = re.compile(r"^(?:长期坚持|长期推进|持续推进|持续实施|常态化推进|全年|每年|逐年推进)$")


def _deadline_clause(clause: str) -> str | None:
    """A note clause that is only a time limit (2025年6月底前完成, 长期坚持), as printed without 完成."""
    if len(clause) > 24:
        return None
    if _NOTE_STANDING.match(clause):
        return clause
    if any(p.search(clause) for p in (_DUE_DAY, _DUE_MONTH_END, _DUE_HALF, _DUE_YEAR_END)) and re.fullmatch(
        r"[\d年月日底末前内上下半一二三四第季度起至到—\-~～期间完成]+", clause
    ):
        return re.sub(r"(?<=[前内])完成$", "", clause)
    return None


def _read_trailing_note(body: str, definitions: dict[str, str]):
    """（甲牵头，乙、丙配合，2025年6月底前完成） → units and deadline, when every clause is one of those."""
    lead: list[str] = []
    support: list[str] = []
    deadline = None
    for clause in (c.strip() for c in re.split(r"[，,；;]", body)):
        if not clause:
            continue
        if (found := _deadline_clause(clause)) is not None:
            deadline = found
        elif _NOTE_SUPPORT_END.search(clause) and (units := split_units(clause, definitions)):
            support += [u for u in units if u not in support]
        elif _NOTE_LEAD_END.search(clause) and (units := split_units(clause, definitions)):
            lead += [u for u in units if u not in lead]
        else:
            return None
    if not lead and not support and not deadline:
        return None
    return lead, support, deadline


_ASSIGNED_BY = re.compile(
    r"(?:^|[，,])由(?P<units>[^，,。；;由]{2,60}?)(?:牵头|负责|组织实施|具体实施|承担|实施)"
)


def subjects_of(text: str, definitions: dict[str, str]) -> list[str]:
    """Named units that a task's sentences give work to: 省三峡办要…, 天津市、上海市和浙江省要…."""
    found: list[str] = []
    for sentence in re.split(r"[。；;!?！？]", text[:20_000]):  # a task's own sentences, not a runaway body
        sentence = sentence.strip(" —-")
        clauses = re.split(r"[，,]", sentence, maxsplit=1)
        starts = [sentence]
        if len(clauses) == 2 and _PREPOSITION.match(clauses[0]):
            starts = [clauses[1]]
        elif _PREPOSITION.match(sentence):
            continue
        by = _ASSIGNED_BY.search(sentence)
        if by:  # 由市教育局组织实施…: the unit after 由 carries the work
            starts = [by.group("units")]
        elif not re.search(r"(?<![重主需必纪摘只])要(?![求素点])|负责", sentence):
            continue
        for start in starts:
            for unit in parse_subject(start, definitions):
                if unit not in found:
                    found.append(unit)
    return found


def task_title(text: str) -> str:
    """First clause of a task, extended past a leading 按照…/根据… phrase."""
    clauses = [c for c in re.split(r"(?<=[，,。；;])", text) if c]
    if not clauses:
        return text
    title = clauses[0]
    if _PREPOSITION.match(title) and len(clauses) > 1 and not title.endswith(("。", "；", ";")):
        title += clauses[1]
    if title.endswith(("，", ",")) and len(clauses) > 1 and "。" in clauses[0]:
        pass
    return title.rstrip("，,。；; ")


def _under_preamble(node: Node) -> bool:
    return any(PREAMBLE_TITLE.search(n.title) for n in [*node.ancestors(), node])


def outline_tasks(outline: Outline, definitions: dict[str, str], year: int | None, restore) -> list[dict]:
    """Leaf numbered items outside the plan's framing sections."""
    tasks: list[dict] = []
    for node in outline.root.walk():
        if node.children or _under_preamble(node):
            continue
        note = read_unit_note(node.text, definitions)
        lead, support = note.lead, note.support
        if not lead and not support:
            lead = subjects_of(node.text, definitions)
        tasks.append(
            {
                "number": restore(node.number),
                "path": [restore(step) for step in node.path],
                "title": restore(node.title),
                "text": restore(note.text),
                "lead_units": [restore(u) for u in lead],
                "support_units": [restore(u) for u in support],
                "deadline": restore(note.deadline) if note.deadline else None,
                "due": due_date(note.deadline, year),
            }
        )
    return tasks


_TASK_COLUMN = re.compile(r"任务|工作内容|事项|措施|内容")
_LEAD_COLUMN = re.compile(r"牵头|责任单位|责任部门|主责|负责单位|责任主体")
_SUPPORT_COLUMN = re.compile(r"配合|参与|协办|协同|协助")
_DEADLINE_COLUMN = re.compile(r"时限|完成时间|时间节点|进度|时间安排")


def _header_columns(cells: list[str]) -> dict[str, int] | None:
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        cell = cell.replace(" ", "")
        if len(cell) > 12:
            return None
        for key, pattern in (
            ("lead", _LEAD_COLUMN),
            ("support", _SUPPORT_COLUMN),
            ("deadline", _DEADLINE_COLUMN),
        ):
            if key not in columns and pattern.search(cell):
                columns[key] = index
                break
        else:
            if "number" not in columns and re.search(r"序号|编号", cell):
                columns["number"] = index
            elif "task" not in columns and _TASK_COLUMN.search(cell):
                columns["task"] = index
    if "task" in columns and ("lead" in columns or "support" in columns):
        columns.setdefault("number", -1)
        return columns
    return None


def table_tasks(lines: list[str], definitions: dict[str, str], year: int | None, restore) -> list[dict]:
    """One task per numbered row of a 任务分工 table (序号/工作任务/牵头单位/配合单位/完成时限)."""
    tasks: list[dict] = []
    columns: dict[str, int] | None = None
    counter = 0
    for line in lines:
        if "\t" not in line:
            continue
        cells = line.split("\t")
        header = _header_columns(cells)
        if header:
            columns = header
            continue
        if not columns:
            continue

        def cell(key: str, cells: list[str] = cells, columns: dict[str, int] = columns) -> str:
            index = columns.get(key, -1)
            return cells[index].strip() if 0 <= index < len(cells) else ""

        number = cell("number")
        if columns["number"] >= 0 and not _TABLE_NUMBER.match(number):
            if tasks and not number and cell("task"):
                tasks[-1]["text"] += restore(cell("task"))  # a row continued on the next page
            continue
        counter += 1
        number = number or str(counter)
        text = cell("task")
        deadline = cell("deadline") or None
        tasks.append(
            {
                "number": number,
                "path": [number],
                "title": restore(task_title(text)),
                "text": restore(text),
                "lead_units": [restore(u) for u in split_units(cell("lead"), definitions)],
                "support_units": [restore(u) for u in split_units(cell("support"), definitions)],
                "deadline": restore(deadline) if deadline else None,
                "due": due_date(deadline, year),
            }
        )
    return tasks
