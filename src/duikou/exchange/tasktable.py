"""The 任务分工 table: a plan's tasks as offices print them, and the same table read back with its edits.

Export writes one sheet (序号, 工作任务, 牵头单位, 配合单位, 完成时限) ready to print; a hidden sixth
column keeps each row's task key so that a hand-edited copy can be matched row by row. Import reads such a
table, compares it with the plan (added / removed / changed tasks, per row and cell) and applies the
differences only when asked, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from duikou.core import permissions as perms
from duikou.core import sheets
from duikou.core.cells import as_text_cell
from duikou.core.errors import InputError
from duikou.organizations.models import Organization
from duikou.organizations.services import (
    Resolution,
    create_from_resolution,
    region_in_text,
    resolve_organization,
)
from duikou.plans.models import Plan, Responsibility, Task
from duikou.reader.limits import LimitExceeded, check_zip
from duikou.reader.tasks import due_date
from duikou.reader.units import split_units

SHEET_TITLE = "任务分工"
HEADERS = ("序号", "工作任务", "牵头单位", "配合单位", "完成时限")
KEY_HEADER = "任务键"
# Column letters of the printed table and of the hidden key.
# A unit name is kept as printed on the task (Responsibility.printed_name) and names its organization.
UNIT_NAME_MAX = Responsibility._meta.get_field("printed_name").max_length
COLUMNS = {"number": "A", "text": "B", "lead": "C", "support": "D", "deadline": "E", "key": "F"}
COLUMN_LABELS = {
    "number": "序号",
    "text": "工作任务",
    "lead": "牵头单位",
    "support": "配合单位",
    "deadline": "完成时限",
}
WIDTHS = {"A": 8, "B": 64, "C": 26, "D": 26, "E": 16}
# Header words offices use for the same columns; the first match in a header row wins.
HEADER_ALIASES = {
    "number": ("序号", "编号", "序"),
    "text": ("工作任务", "任务内容", "重点任务", "主要任务", "具体任务", "工作内容", "任务"),
    "lead": ("牵头单位", "责任单位", "牵头部门", "责任部门", "主责单位", "牵头"),
    "support": ("配合单位", "配合部门", "协同单位", "参与单位", "配合"),
    "deadline": ("完成时限", "完成时间", "时限要求", "时间节点", "时限"),
    "key": (KEY_HEADER,),
}
SECTION_PREFIX = "§"
MAX_ROWS = 20000

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
FONT_NAME = "宋体"


# ---------------------------------------------------------------- export


def task_key(task: Task, duplicated_paths: set[tuple]) -> str:
    """A key that names a task within its plan: its numbering path, or its position when that is not unique."""
    path = tuple(str(p) for p in task.path or [])
    if path and path not in duplicated_paths:
        return "/".join(path)
    return f"#{task.order}"


def _plan_keys(tasks: list[Task]) -> dict[str, Task]:
    counts = Counter(tuple(str(p) for p in t.path or []) for t in tasks)
    duplicated = {p for p, n in counts.items() if n > 1}
    return {task_key(t, duplicated): t for t in tasks}


def _units_cell(task: Task, role: str) -> str:
    # One unit a line: printed names may contain 、 themselves (马尾区区委、政府).
    names = [
        r.printed_name for r in sorted(task.responsibilities.all(), key=lambda r: r.order) if r.role == role
    ]
    return "\n".join(names)


def _task_text(task: Task) -> str:
    return task.text or task.title


def export_task_table(plan: Plan) -> bytes:
    """The plan's tasks as a printable 任务分工 workbook (.xlsx bytes)."""
    tasks = list(plan.tasks.order_by("order").prefetch_related("responsibilities").select_related("section"))
    keys = {t.pk: k for k, t in _plan_keys(tasks).items()}
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.merge_cells("A1:E1")
    title = ws["A1"]
    title.value = f"{plan.title}任务分工表" if not plan.title.endswith("任务分工") else plan.title
    as_text_cell(title)
    title.font = Font(name=FONT_NAME, size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[1].height = 42
    for col, text in enumerate((*HEADERS, KEY_HEADER), start=1):
        cell = ws.cell(row=2, column=col, value=text)
        cell.font = Font(name=FONT_NAME, size=11, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    row = 3
    current_section = None
    body_font = Font(name=FONT_NAME, size=11)
    for task in tasks:
        if task.section_id and task.section_id != current_section:
            current_section = task.section_id
            section = task.section
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
            cell = as_text_cell(ws.cell(row=row, column=1, value=str(section)))
            cell.font = Font(name=FONT_NAME, size=11, bold=True)
            cell.alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
            for col in range(1, 6):
                ws.cell(row=row, column=col).border = BORDER
            ws.cell(
                row=row,
                column=6,
                value=SECTION_PREFIX + "/".join(str(p) for p in section.path or [section.number]),
            )
            row += 1
        values = (
            task.number,
            _task_text(task),
            _units_cell(task, Responsibility.LEAD),
            _units_cell(task, Responsibility.SUPPORT),
            task.deadline,
            keys[task.pk],
        )
        for col, value in enumerate(values, start=1):
            cell = as_text_cell(ws.cell(row=row, column=col, value=value or None))
            cell.font = body_font
            cell.alignment = Alignment(
                horizontal="center" if col in (1, 5) else "left", vertical="center", wrap_text=True
            )
            if col <= 5:
                cell.border = BORDER
        row += 1
    for letter, width in WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.column_dimensions["F"].hidden = True
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.print_area = f"A1:E{max(row - 1, 2)}"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return sheets.to_bytes(wb)


# ---------------------------------------------------------------- reading


@dataclass
class TableRow:
    """One task row as read from the sheet."""

    row: int
    number: str
    text: str
    lead: list[str]
    support: list[str]
    deadline: str
    key: str
    section_key: str = ""


@dataclass
class TaskTable:
    """The rows of a 任务分工 sheet, in order, with the sheet's name and the columns found."""

    sheet: str
    rows: list[TableRow]
    columns: dict[str, str]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def _match_header(text: str) -> str | None:
    compact = re.sub(r"\s+", "", text)
    for name, aliases in HEADER_ALIASES.items():
        if compact in aliases:
            return name
    for name, aliases in HEADER_ALIASES.items():
        if any(compact.startswith(a) for a in aliases):
            return name
    return None


def _split_units(text: str, known: set[str]) -> list[str]:
    """Unit names of a cell: one a line as exported, or a hand-typed list split the way the reader splits."""

    names: list[str] = []
    for line in re.split(r"[\r\n]+", text):
        line = line.strip()
        if not line:
            continue
        for name in [line] if line in known else split_units(line):
            if name not in names:
                names.append(name)
    return names


def read_task_table(source, *, known_units: set[str] | None = None, name: str = "") -> TaskTable:
    """Read a 任务分工 workbook (path or bytes); errors name the sheet, row and cell."""
    known_units = known_units or set()
    label = name or (Path(source).name if isinstance(source, (str, Path)) else "上传的文件")
    try:
        data = Path(source).read_bytes() if isinstance(source, (str, Path)) else bytes(source)
    except OSError as exc:
        raise InputError(
            _("%(file)s：无法读取（%(reason)s）") % {"file": label, "reason": exc.strerror}
        ) from None
    if len(data) > settings.DUIKOU_MAX_UPLOAD_BYTES:
        raise InputError(_("%(file)s：文件过大") % {"file": label})

    try:
        check_zip(
            data, label
        )  # a 7.7 MB .xlsx that declares gigabytes is refused before openpyxl inflates it
    except LimitExceeded as exc:
        raise InputError(exc.message("en" if get_language() == "en" else "zh")) from None
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise InputError(_("%(file)s：不是有效的 Excel（.xlsx）文件") % {"file": label}) from None
    ws = wb[SHEET_TITLE] if SHEET_TITLE in wb.sheetnames else wb.worksheets[0]
    place = _("工作表“%(sheet)s”") % {"sheet": ws.title}
    columns: dict[str, int] = {}
    header_row = None
    for r, values in enumerate(
        ws.iter_rows(min_row=1, max_row=min(ws.max_row, 15), values_only=True), start=1
    ):
        found = {}
        for c, value in enumerate(values, start=1):
            kind = _match_header(_cell_text(value)) if value is not None else None
            if kind and kind not in found:
                found[kind] = c
        if "text" in found and "lead" in found:
            header_row, columns = r, found
            break
    if header_row is None:
        raise InputError(
            _("%(file)s %(place)s：前 15 行中找不到表头（需要“工作任务”和“牵头单位”两列）")
            % {"file": label, "place": place}
        )
    if ws.max_row - header_row > MAX_ROWS:
        raise InputError(
            _("%(file)s %(place)s：行数过多（上限 %(n)s 行）")
            % {"file": label, "place": place, "n": MAX_ROWS}
        )
    letters = {k: get_column_letter(c) for k, c in columns.items()}
    rows: list[TableRow] = []
    section_key = ""
    for r, values in enumerate(ws.iter_rows(min_row=header_row + 1, values_only=True), start=header_row + 1):

        def get(kind, values=values):
            c = columns.get(kind)
            return _cell_text(values[c - 1]) if c and c - 1 < len(values) else ""

        number, text, lead, support, deadline, key = (
            get("number"),
            get("text"),
            get("lead"),
            get("support"),
            get("deadline"),
            get("key"),
        )
        if not any((number, text, lead, support, deadline, key)):
            continue
        first = _cell_text(values[0]) if values else ""
        if key.startswith(SECTION_PREFIX) or (not text and not lead and not support and not deadline):
            # A section heading (merged across the row): remembered for the tasks that follow it.
            section_key = key[len(SECTION_PREFIX) :] if key.startswith(SECTION_PREFIX) else first
            continue
        if not text:
            cell = f"{letters['text']}{r}"
            raise InputError(
                _("%(file)s %(place)s 第 %(row)s 行 %(cell)s 单元格：“工作任务”为空")
                % {"file": label, "place": place, "row": r, "cell": cell}
            )
        if len(text) > 20000 or len(number) > 20 or len(deadline) > 100:
            raise InputError(
                _("%(file)s %(place)s 第 %(row)s 行：内容过长（序号至多 20 字，完成时限至多 100 字）")
                % {"file": label, "place": place, "row": r}
            )
        units = {
            kind: _split_units(cells, known_units) for kind, cells in (("lead", lead), ("support", support))
        }
        for kind, names in units.items():
            too_long = next((n for n in names if len(n) > UNIT_NAME_MAX), None)
            if too_long:
                raise InputError(
                    _(
                        "%(file)s %(place)s 第 %(row)s 行 %(cell)s 单元格：单位名称过长（至多 %(max)s 字）：%(name)s…"
                    )
                    % {
                        "file": label,
                        "place": place,
                        "row": r,
                        "cell": f"{letters[kind]}{r}",
                        "max": UNIT_NAME_MAX,
                        "name": too_long[:20],
                    }
                )
        rows.append(
            TableRow(
                row=r,
                number=number,
                text=text,
                lead=units["lead"],
                support=units["support"],
                deadline=deadline,
                key=key,
                section_key=section_key,
            )
        )
    return TaskTable(sheet=ws.title, rows=rows, columns=letters)


# ---------------------------------------------------------------- comparing


@dataclass
class CellChange:
    """One cell that differs from the plan: which column, where, before and after."""

    column: str
    label: str
    cell: str
    before: str
    after: str


@dataclass
class RowChange:
    """One task added, removed or changed by the table."""

    kind: str  # "added" | "removed" | "changed"
    key: str
    number: str
    text: str
    row: int | None = None
    task_id: int | None = None
    cells: list[CellChange] = field(default_factory=list)
    units_added: list[str] = field(default_factory=list)
    units_removed: list[str] = field(default_factory=list)


@dataclass
class TableDiff:
    """The differences between a table and a plan; empty `changes` means the table matches the plan."""

    plan_id: int
    sheet: str
    changes: list[RowChange]
    unchanged: int
    order_changed: bool
    new_units: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(ch.kind for ch in self.changes)
        return {
            "added": c["added"],
            "removed": c["removed"],
            "changed": c["changed"],
            "unchanged": self.unchanged,
        }

    @property
    def is_empty(self) -> bool:
        return not self.changes and not self.order_changed

    def as_json(self) -> dict:
        return {
            "plan": self.plan_id,
            "sheet": self.sheet,
            **self.counts,
            "order_changed": self.order_changed,
            "new_units": self.new_units,
            "errors": self.errors,
            "changes": [asdict(c) for c in self.changes],
        }


def _known_units(plan: Plan) -> set[str]:
    return set(Responsibility.objects.filter(task__plan=plan).values_list("printed_name", flat=True))


def read_for_plan(plan: Plan, source, *, name: str = "") -> TaskTable:
    """Read a table meant for `plan` (its printed unit names are kept whole)."""
    return read_task_table(source, known_units=_known_units(plan), name=name)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _match_by_content(tasks: list[Task], rows: list[TableRow]) -> list[Task | None]:
    """Rows of a table made by hand (no key column) matched to tasks: 序号 and text, then text, then 序号.

    Text first keeps a renumbered row with its task; 序号 alone catches a row whose wording was edited.
    Each task is matched at most once; rows left over are additions.
    """
    matches: list[Task | None] = [None] * len(rows)
    used: set[int] = set()

    def texts(task: Task) -> set[str]:
        return {_compact(_task_text(task)), _compact(task.title)} - {""}

    def section_first(row: TableRow):
        # Numbering often restarts in each section: prefer the task under the heading the row sits under.
        heading = _compact(row.section_key)
        return lambda task: (
            0 if heading and task.section is not None and _compact(str(task.section)) == heading else 1
        )

    passes = (
        lambda row, task: _compact(row.number) == _compact(task.number) and _compact(row.text) in texts(task),
        lambda row, task: _compact(row.text) in texts(task),
        lambda row, task: bool(_compact(row.number)) and _compact(row.number) == _compact(task.number),
    )
    for same in passes:
        for i, row in enumerate(rows):
            if matches[i] is not None:
                continue
            candidates = [t for t in tasks if t.pk not in used and same(row, t)]
            if candidates:
                task = min(candidates, key=section_first(row))
                matches[i] = task
                used.add(task.pk)
    return matches


def _match_rows(tasks: list[Task], table: TaskTable) -> tuple[list[Task | None], list[str], set[int]]:
    """Each table row's task (None: a new task), the errors, and the indexes of rows in error.

    With the hidden key column (an exported table) rows are matched by key; a table made by hand has no such
    column and is matched by 序号 and text.
    """
    if "key" not in table.columns:
        return _match_by_content(tasks, table.rows), [], set()
    by_key = _plan_keys(tasks)
    place = _("工作表“%(sheet)s”") % {"sheet": table.sheet}
    key_col = table.columns["key"]
    seen: dict[str, int] = {}
    matches: list[Task | None] = []
    errors: list[str] = []
    bad: set[int] = set()
    for i, row in enumerate(table.rows):
        matches.append(None)
        if not row.key or row.key.startswith(SECTION_PREFIX):
            continue  # a copied or typed-in row without its key is a new task
        cell = f"{key_col}{row.row}"
        if row.key in seen:
            errors.append(
                _(
                    "%(place)s 第 %(row)s 行 %(cell)s 单元格：任务键“%(key)s”与第 %(other)s 行重复（复制行时请清空该列）"
                )
                % {"place": place, "row": row.row, "cell": cell, "key": row.key, "other": seen[row.key]}
            )
            bad.add(i)
            continue
        seen[row.key] = row.row
        task = by_key.get(row.key)
        if task is None:
            errors.append(
                _("%(place)s 第 %(row)s 行 %(cell)s 单元格：任务键“%(key)s”不属于本方案")
                % {"place": place, "row": row.row, "cell": cell, "key": row.key}
            )
            bad.add(i)
            continue
        matches[i] = task
    return matches, errors, bad


def _ordered_tasks(plan: Plan) -> list[Task]:
    return list(plan.tasks.order_by("order").prefetch_related("responsibilities").select_related("section"))


# A published task's deadline and units change only through an approved change request (supervision), never by
# editing its row; the plan's words, order and new tasks still come from the table (plans.rules `tasks.change_terms`).
TERM_COLUMNS = ("lead", "support", "deadline")


def _terms_refused(task: Task, change) -> list[str]:
    from duikou.plans.rules import in_draft_plan

    if in_draft_plan.test(None, task):
        return []
    return [
        _(
            "第 %(row)s 行 %(cell)s 单元格（%(label)s）：已发布方案的任务，完成时限和责任单位只能通过变更申请调整"
            "（%(task)s）"
        )
        % {"row": change.row, "cell": c.cell, "label": c.label, "task": str(task)[:40]}
        for c in change.cells
        if c.column in TERM_COLUMNS
    ]


def compare_task_table(plan: Plan, table: TaskTable) -> TableDiff:
    """What applying `table` to `plan` would change, row by row and cell by cell."""
    tasks = _ordered_tasks(plan)
    by_key = _plan_keys(tasks)
    key_of = {t.pk: k for k, t in by_key.items()}
    matches, errors, bad = _match_rows(tasks, table)
    changes: list[RowChange] = []
    unchanged = 0
    matched_order: list[int] = []
    matched: set[int] = set()
    for i, (row, task) in enumerate(zip(table.rows, matches, strict=True)):
        if i in bad:
            continue
        if task is not None:
            matched.add(task.pk)
            matched_order.append(task.order)
            change = _row_change(task, row, table.columns, key_of[task.pk])
            if change.cells:
                changes.append(change)
                errors.extend(_terms_refused(task, change))
            else:
                unchanged += 1
        else:
            changes.append(
                RowChange(
                    kind="added",
                    key="",
                    number=row.number,
                    text=row.text,
                    row=row.row,
                    cells=[
                        CellChange(k, COLUMN_LABELS[k], f"{table.columns.get(k, '?')}{row.row}", "", v)
                        for k, v in _row_values(row).items()
                        if v
                    ],
                    units_added=[*row.lead, *(n for n in row.support if n not in row.lead)],
                )
            )
    seen_keys = {table.rows[i].key for i in bad}  # a row in error is not a removal of its task
    for key, task in by_key.items():
        if task.pk not in matched and key not in seen_keys:
            changes.append(
                RowChange(kind="removed", key=key, number=task.number, text=_task_text(task), task_id=task.pk)
            )
            if task.progress_reports.exists():
                errors.append(
                    _("任务“%(task)s”已有进展报告，不能通过任务分工表删除（请恢复该行）")
                    % {"task": str(task)[:60]}
                )
    order_changed = matched_order != sorted(matched_order)
    known = _known_units(plan)
    new_units = sorted({n for ch in changes for n in ch.units_added if n not in known})
    return TableDiff(
        plan_id=plan.pk,
        sheet=table.sheet,
        changes=changes,
        unchanged=unchanged,
        order_changed=order_changed,
        new_units=new_units,
        errors=errors,
    )


def _row_values(row: TableRow) -> dict[str, str]:
    return {
        "number": row.number,
        "text": row.text,
        "lead": "、".join(row.lead),
        "support": "、".join(row.support),
        "deadline": row.deadline,
    }


def _task_values(task: Task) -> dict[str, str]:
    def names(role):
        return "、".join(
            r.printed_name
            for r in sorted(task.responsibilities.all(), key=lambda r: r.order)
            if r.role == role
        )

    return {
        "number": task.number,
        "text": _task_text(task),
        "lead": names(Responsibility.LEAD),
        "support": names(Responsibility.SUPPORT),
        "deadline": task.deadline,
    }


def _row_change(task: Task, row: TableRow, columns: dict[str, str], key: str) -> RowChange:
    before, after = _task_values(task), _row_values(row)
    change = RowChange(
        kind="changed", key=key, number=row.number, text=row.text, row=row.row, task_id=task.pk
    )
    for k in COLUMN_LABELS:
        if k not in columns:
            continue  # a column the table does not have is not an edit
        if before[k] != after[k]:
            change.cells.append(
                CellChange(k, COLUMN_LABELS[k], f"{columns[k]}{row.row}", before[k], after[k])
            )
            if k in ("lead", "support"):
                old, new = before[k].split("、") if before[k] else [], getattr(row, k)
                change.units_added += [n for n in new if n not in old]
                change.units_removed += [n for n in old if n not in new]
    return change


# ---------------------------------------------------------------- applying


def parse_due(deadline: str, plan: Plan) -> dt.date | None:
    """The date a 完成时限 means (the reader's one reading of deadline text); a deadline without a year takes
    the plan's year when the plan covers one year only."""
    year = plan.start_year if plan.start_year and plan.start_year == plan.end_year else None
    iso = due_date(deadline, year)
    return dt.date.fromisoformat(iso) if iso else None


class _Units:
    """Finds the organization behind a printed name the way the importer does, reusing the plan's own."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.context = (
            plan.issuer_organization or region_in_text(plan.issuer or "") or region_in_text(plan.title)
        )
        self.cache = {
            r.printed_name: r.organization
            for r in Responsibility.objects.filter(task__plan=plan).select_related("organization")
        }
        self.notes: list[str] = []

    def get(self, printed: str) -> Organization:
        if printed not in self.cache:
            resolution = resolve_organization(printed, context=self.context)
            if resolution.status == Resolution.FOUND:
                org = resolution.organization
            else:
                if resolution.status == Resolution.AMBIGUOUS:
                    resolution.suggested_name = printed
                org = create_from_resolution(
                    resolution,
                    parent=self.context
                    if self.context and self.context.kind == Organization.REGION
                    else None,
                )
                self.notes.append(_("新登记单位：%(name)s") % {"name": printed})
            self.cache[printed] = org
        return self.cache[printed]


def _set_units(task: Task, role: str, names: list[str], units: _Units) -> None:
    current = {r.printed_name: r for r in task.responsibilities.all() if r.role == role}
    for name, resp in current.items():
        if name not in names:
            resp.delete()
    for order, name in enumerate(names):
        resp = current.get(name)
        if resp is None:
            Responsibility.objects.create(
                task=task, organization=units.get(name), role=role, printed_name=name, order=order
            )
        elif resp.order != order:
            resp.order = order
            resp.save()


def _title_from(text: str) -> str:
    first = re.split(r"[。；;]", text, maxsplit=1)[0].strip()
    return (first or text)[:1000]


@dataclass
class ApplyResult:
    """What applying a table did."""

    diff: TableDiff
    notes: list[str]

    def summary(self, plan: Plan) -> str:
        c = self.diff.counts
        return (
            f"plan {plan.pk} updated from the task table: {c['added']} added, {c['removed']} removed, "
            f"{c['changed']} changed, {c['unchanged']} unchanged"
        )


def apply_task_table(*, plan: Plan, table: TaskTable, user=None) -> ApplyResult:
    """Apply a table's differences to the plan in one transaction; refused whole if any row is in error."""
    if user is not None and not all(
        perms.allows(user, Task, a) for a in (perms.ADD, perms.CHANGE, perms.DELETE)
    ):
        raise PermissionError(_("只有对口办管理员可以通过任务分工表修改方案"))
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        diff = compare_task_table(plan, table)
        if diff.errors:
            raise InputError(
                diff.errors[0]
                + (_("（另有 %(n)s 处错误）") % {"n": len(diff.errors) - 1} if len(diff.errors) > 1 else "")
            )
        units = _Units(plan)
        ordered = _ordered_tasks(plan)
        tasks = {t.pk: t for t in ordered}
        matches, _errors, _bad = _match_rows(ordered, table)  # the same matching the preview showed
        sections = {"/".join(str(p) for p in s.path or [s.number]): s for s in plan.sections.all()}
        for change in diff.changes:
            if change.kind == "removed":
                tasks.pop(change.task_id).delete()
        # Park every remaining task out of the way so final positions never collide with the unique order.
        offset = 1 + max([t.order for t in tasks.values()] + [len(table.rows)])
        Task.objects.filter(plan=plan).update(order=F("order") + offset)
        for position, (row, task) in enumerate(zip(table.rows, matches, strict=True)):
            if task is None:
                section = sections.get(row.section_key)
                path = [*(section.path if section else []), row.number] if row.number else []
                task = Task(
                    plan=plan,
                    section=section,
                    number=row.number,
                    path=path,
                    title=_title_from(row.text),
                    text=row.text,
                    deadline=row.deadline,
                    due_date=parse_due(row.deadline, plan),
                    order=position,
                )
                task.save()
                task._prefetched_objects_cache = {"responsibilities": Responsibility.objects.none()}
            else:
                task = tasks[task.pk]
                # A column the table does not have is not an edit: the preview did not show it either.
                if _task_text(task) != row.text:
                    if task.title == _task_text(task):
                        task.title = _title_from(row.text)
                    task.text = row.text
                if "number" in table.columns and task.number != row.number:
                    task.number = row.number
                    if task.path:
                        task.path = [*task.path[:-1], row.number]
                if "deadline" in table.columns and task.deadline != row.deadline:
                    task.deadline = row.deadline
                    task.due_date = parse_due(row.deadline, plan)
                task.order = position
                task.save()
            _set_units(task, Responsibility.LEAD, row.lead, units)
            if "support" in table.columns:
                _set_units(task, Responsibility.SUPPORT, row.support, units)
    return ApplyResult(diff=diff, notes=units.notes)
