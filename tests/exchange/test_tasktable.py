"""The 任务分工 table: layout cell by cell, round trips on every seed, hand edits previewed then applied."""

import io

import pytest
from openpyxl import load_workbook

from duikou.core.errors import InputError
from duikou.exchange.tasktable import (
    apply_task_table,
    compare_task_table,
    export_task_table,
    read_for_plan,
)
from duikou.plans.models import Plan, Responsibility

from .conftest import SEEDS


@pytest.fixture
def small_plan(small_plan):
    """The small plan as a draft: the office still shapes its tasks' units and deadlines through the table."""
    Plan.objects.filter(pk=small_plan.pk).update(status=Plan.DRAFT)
    small_plan.refresh_from_db()
    return small_plan


def open_table(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def save(ws) -> bytes:
    out = io.BytesIO()
    ws.parent.save(out)
    return out.getvalue()


def test_layout_is_the_printed_task_table(small_plan):
    ws = open_table(export_task_table(small_plan))
    assert ws.title == "任务分工"
    assert ws["A1"].value == "福州市2023年闽宁协作工作要点任务分工表"
    assert "A1:E1" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(2, c).value for c in range(1, 6)] == [
        "序号",
        "工作任务",
        "牵头单位",
        "配合单位",
        "完成时限",
    ]
    assert all(ws.cell(2, c).font.b for c in range(1, 6))
    assert all(ws.cell(2, c).border.left.style == "thin" for c in range(1, 6))
    # A section heading row, then the tasks of that section.
    assert ws["A3"].value.startswith("一") and ws["B3"].value is None
    assert [ws.cell(4, c).value for c in range(1, 6)] == [
        "1",
        "召开闽宁协作联席会议，研究年度重点工作",
        "市政府办公厅",
        "马尾区区委、政府",
        "6月底前",
    ]
    assert ws["B4"].alignment.wrap_text and ws["B4"].border.bottom.style == "thin"
    assert ws["C7"].value == "马尾区\n闽侯县"  # one unit a line
    assert ws.column_dimensions["B"].width == 64 and ws.column_dimensions["F"].hidden
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.print_title_rows == "$2:$2"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0


def test_unedited_table_shows_no_differences(small_plan):
    table = read_for_plan(small_plan, export_task_table(small_plan))
    diff = compare_task_table(small_plan, table)
    assert diff.is_empty and diff.counts == {"added": 0, "removed": 0, "changed": 0, "unchanged": 3}


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_round_trip_on_every_seed(seed_plan, seed):
    plan = seed_plan(seed)
    data = export_task_table(plan)
    ws = open_table(data)
    task_rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value]
    assert len(task_rows) == plan.tasks.count()
    diff = compare_task_table(plan, read_for_plan(plan, data))
    assert diff.is_empty, diff.as_json()


@pytest.mark.parametrize("seed", SEEDS, ids=[p.stem for p in SEEDS])
def test_edited_seed_table_shows_exactly_the_edits(seed_plan, seed):
    plan = seed_plan(seed)
    ws = open_table(export_task_table(plan))
    rows = [r for r in range(3, ws.max_row + 1) if ws.cell(r, 2).value]
    first = rows[0]
    ws.cell(first, 3).value = "市审计局"  # lead unit replaced by hand
    ws.cell(ws.max_row + 1, 1).value = "99"
    added_row = ws.max_row
    ws.cell(added_row, 2).value = "新增一项工作任务"
    ws.cell(added_row, 3).value = "市财政局、市统计局"
    diff = compare_task_table(plan, read_for_plan(plan, save(ws)))
    assert diff.counts["added"] == 1 and diff.counts["changed"] == 1 and diff.counts["removed"] == 0
    changed = next(c for c in diff.changes if c.kind == "changed")
    assert changed.row == first and [c.cell for c in changed.cells] == [f"C{first}"]
    assert changed.units_added == ["市审计局"]
    added = next(c for c in diff.changes if c.kind == "added")
    assert added.row == added_row and added.units_added == ["市财政局", "市统计局"]


def test_hand_edits_are_previewed_then_applied(small_plan):
    ws = open_table(export_task_table(small_plan))
    ws["C4"].value = "市政府办公厅、市发改委"  # a unit added, typed the way people type it
    ws["E5"].value = "9月底前"
    ws.delete_rows(7)  # task 3 removed, and in its place a new task of section 二
    ws["A7"], ws["B7"], ws["C7"] = "3-1", "组织企业赴宁夏考察", "市工信局"
    data = save(ws)
    diff = compare_task_table(small_plan, read_for_plan(small_plan, data))
    summary = {(c.kind, c.number): [(x.cell, x.before, x.after) for x in c.cells] for c in diff.changes}
    assert summary == {
        ("changed", "1"): [("C4", "市政府办公厅", "市政府办公厅、市发改委")],
        ("changed", "2"): [("E5", "全年", "9月底前")],
        ("added", "3-1"): [("A7", "", "3-1"), ("B7", "", "组织企业赴宁夏考察"), ("C7", "", "市工信局")],
        ("removed", "3"): [],
    }
    assert small_plan.tasks.count() == 3  # a preview changes nothing

    result = apply_task_table(plan=small_plan, table=read_for_plan(small_plan, data))
    tasks = list(small_plan.tasks.order_by("order"))
    assert [(t.number, t.order) for t in tasks] == [("1", 0), ("2", 1), ("3-1", 2)]
    assert [
        r.printed_name for r in tasks[0].responsibilities.filter(role=Responsibility.LEAD).order_by("order")
    ] == ["市政府办公厅", "市发改委"]
    assert tasks[1].deadline == "9月底前" and tasks[1].due_date.isoformat() == "2023-09-30"
    assert (
        tasks[2].section.number == "二"
        and tasks[2].path == ["二", "3-1"]
        and tasks[2].title == "组织企业赴宁夏考察"
    )
    assert tasks[2].responsibilities.get().organization.name.endswith("工业和信息化局") or result.notes
    # Applied: a fresh export carries the new task with its key.
    fresh = open_table(export_task_table(small_plan))
    assert [fresh.cell(7, c).value for c in (1, 2, 3, 6)] == [
        "3-1",
        "组织企业赴宁夏考察",
        "市工信局",
        "二/3-1",
    ]


def test_errors_name_sheet_row_and_cell(small_plan):
    ws = open_table(export_task_table(small_plan))
    ws["B5"].value = None
    with pytest.raises(InputError, match="工作表“任务分工” 第 5 行 B5 单元格：“工作任务”为空"):
        read_for_plan(small_plan, save(ws))

    ws = open_table(export_task_table(small_plan))
    ws["F5"].value = ws["F4"].value  # a copied row that kept its key
    diff = compare_task_table(small_plan, read_for_plan(small_plan, save(ws)))
    assert any("第 5 行 F5 单元格" in e and "与第 4 行重复" in e for e in diff.errors)
    with pytest.raises(InputError, match="F5"):
        apply_task_table(plan=small_plan, table=read_for_plan(small_plan, save(ws)))
    assert small_plan.tasks.count() == 3

    with pytest.raises(InputError, match="不是有效的 Excel"):
        read_for_plan(small_plan, b"not a workbook")
    ws = open_table(export_task_table(small_plan))
    # No unit has such a name: refused before anything is stored.
    ws["D5"].value = "福建省" + "某" * 250 + "局"
    with pytest.raises(InputError, match="第 5 行 D5 单元格：单位名称过长"):
        read_for_plan(small_plan, save(ws))

    ws = open_table(export_task_table(small_plan))
    ws["C2"].value = "备注"
    with pytest.raises(InputError, match="找不到表头"):
        read_for_plan(small_plan, save(ws))


def test_a_table_made_by_hand_without_keys_is_read(small_plan):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "牵头单位", "配合单位", "完成时限"])
    ws.append([1, "召开闽宁协作联席会议，研究年度重点工作", "市政府办公厅", "马尾区区委、政府", "6月底前"])
    diff = compare_task_table(small_plan, read_for_plan(small_plan, save(ws)))
    # Without the key column the row is matched by 序号 and text; the two tasks not in the table would go.
    assert diff.counts == {"added": 0, "removed": 2, "changed": 0, "unchanged": 1}
    assert sorted(c.number for c in diff.changes) == ["2", "3"]


def test_hand_made_table_matches_by_number_then_title(small_plan):
    """A table typed from scratch: a renumbered row keeps its task (by title), an edited text keeps its task (by
    序号), a row with neither is an addition; nothing is stored until apply."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "分工"
    ws.append(["关于福州市闽宁协作重点任务分工"])
    ws.append([])
    ws.append(["序 号", "主要任务", "责任单位", "配合部门", "时间节点"])  # other header words offices use
    ws.append(["1", "召开闽宁协作联席会议，研究年度重点工作", "市政府办公厅", "马尾区区委、政府", "6月底前"])
    ws.append(["2", "开展劳务协作，组织务工人员赴闽就业", "市人社局", None, "全年"])  # new, takes 序号 2
    ws.append([3, "选派干部到固原市挂职", "市委组织部", None, "全年"])  # was 2: found by its text
    ws.append(
        [4, "帮助销售农副产品", "马尾区\n闽侯县", "市商务局、市农业农村局", "11月底前"]
    )  # renumbered, units added
    before = (small_plan.tasks.count(), Responsibility.objects.filter(task__plan=small_plan).count())
    table = read_for_plan(small_plan, save(ws))
    assert "key" not in table.columns
    diff = compare_task_table(small_plan, table)
    assert diff.errors == []
    assert diff.counts == {"added": 1, "removed": 0, "changed": 2, "unchanged": 1}
    assert (small_plan.tasks.count(), Responsibility.objects.filter(task__plan=small_plan).count()) == before
    by_kind = {}
    for c in diff.changes:
        by_kind.setdefault(c.kind, []).append(c)
    (added,) = by_kind["added"]
    assert (added.row, added.number, added.units_added) == (5, "2", ["市人社局"])
    changed = {c.task_id: c for c in by_kind["changed"]}
    t2, t3 = small_plan.tasks.get(title="互派干部"), small_plan.tasks.get(title="消费帮扶")
    assert [(x.cell, x.before, x.after) for x in changed[t2.pk].cells] == [("A6", "2", "3")]
    assert [(x.cell, x.before, x.after) for x in changed[t3.pk].cells] == [
        ("A7", "3", "4"),
        ("D7", "市商务局", "市商务局、市农业农村局"),
    ]
    assert changed[t3.pk].units_added == ["市农业农村局"] and changed[t2.pk].key == "一/2"

    result = apply_task_table(plan=small_plan, table=read_for_plan(small_plan, save(ws)))
    assert result.diff.counts == diff.counts
    tasks = list(small_plan.tasks.order_by("order"))
    assert [(t.number, t.pk) for t in tasks][2:] == [("3", t2.pk), ("4", t3.pk)]
    assert (
        tasks[1].text == "开展劳务协作，组织务工人员赴闽就业"
        and tasks[1].responsibilities.get().printed_name == "市人社局"
    )
    assert [(r.role, r.printed_name) for r in t3.responsibilities.order_by("role", "order")] == [
        ("lead", "马尾区"),
        ("lead", "闽侯县"),
        ("support", "市商务局"),
        ("support", "市农业农村局"),
    ]
    # Applying the same table again changes nothing.
    assert compare_task_table(small_plan, read_for_plan(small_plan, save(ws))).is_empty


def test_hand_made_row_with_only_an_edited_text_keeps_its_task_by_number(small_plan):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "工作任务", "牵头单位"])
    ws.append([1, "召开闽宁协作联席会议", "市政府办公厅"])  # text shortened: matched by 序号
    ws.append([2, "选派干部到固原市挂职", "市委组织部"])
    ws.append([3, "帮助销售农副产品", "马尾区、闽侯县"])
    diff = compare_task_table(small_plan, read_for_plan(small_plan, save(ws)))
    assert diff.counts == {"added": 0, "removed": 0, "changed": 1, "unchanged": 2}
    (change,) = diff.changes
    assert change.task_id == small_plan.tasks.get(number="1").pk
    assert [(c.cell, c.after) for c in change.cells] == [("B2", "召开闽宁协作联席会议")]


def test_cli_preview_and_apply(small_plan, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "t.xlsx"
    call_command("tasktable", "export", str(small_plan.pk), str(path))
    assert f"plan {small_plan.pk} task table written to {path}: 3 tasks" in capsys.readouterr().out
    ws = open_table(path.read_bytes())
    ws["D7"].value = None
    path.write_bytes(save(ws))
    call_command("tasktable", "import", str(small_plan.pk), str(path))
    out = capsys.readouterr().out.splitlines()
    assert (
        out[-1]
        == f"preview of plan {small_plan.pk}: 0 added, 0 removed, 1 changed, 2 unchanged (not applied; add --apply)"
    )
    assert "    D7 配合单位：市商务局 → （空）" in out
    assert small_plan.tasks.get(number="3").responsibilities.count() == 3
    call_command("tasktable", "import", str(small_plan.pk), str(path), "--apply")
    assert capsys.readouterr().out.strip().endswith("1 changed, 2 unchanged")
    assert small_plan.tasks.get(number="3").responsibilities.count() == 2


def test_a_column_missing_from_the_table_is_left_alone_on_apply(small_plan):
    """Found by the fuzz test: a table without 序号 or 完成时限 columns used to blank them on apply."""
    ws = open_table(export_task_table(small_plan))
    ws.delete_cols(5)  # 完成时限 (the key column moves to E and is still found by its header)
    ws["A2"].value = "备注"  # 序号 no longer recognised
    table = read_for_plan(small_plan, save(ws))
    assert "number" not in table.columns and "deadline" not in table.columns
    assert compare_task_table(small_plan, table).is_empty
    apply_task_table(plan=small_plan, table=table)
    assert sorted(small_plan.tasks.values_list("number", "deadline")) == [
        ("1", "6月底前"),
        ("2", "全年"),
        ("3", "11月底前"),
    ]


def test_a_published_plans_deadlines_and_units_change_only_by_request(db):
    """Once published, a task's deadline and units move through approved change requests (supervision), not by
    editing its row; the words, the order and new tasks still come from the table."""
    import json

    from duikou.plans.importer import import_plan_data

    from .conftest import SMALL_PLAN

    data = json.loads(json.dumps(SMALL_PLAN))
    plan = import_plan_data(data, source_bytes=b"published", source_name="small.json").plan
    assert plan.status == Plan.PUBLISHED
    ws = open_table(export_task_table(plan))
    ws["C4"].value = "市政府办公厅、市发改委"
    ws["E5"].value = "9月底前"
    diff = compare_task_table(plan, read_for_plan(plan, save(ws)))
    assert [e.split("：")[0] for e in diff.errors] == [
        "第 4 行 C4 单元格（牵头单位）",
        "第 5 行 E5 单元格（完成时限）",
    ]
    assert all("变更申请" in e for e in diff.errors)
    with pytest.raises(InputError, match="变更申请"):
        apply_task_table(plan=plan, table=read_for_plan(plan, save(ws)))
    ws = open_table(export_task_table(plan))
    ws["B4"].value = "召开闽宁协作联席会议（修订）"
    apply_task_table(plan=plan, table=read_for_plan(plan, save(ws)))
    assert plan.tasks.get(number="1").text == "召开闽宁协作联席会议（修订）"
