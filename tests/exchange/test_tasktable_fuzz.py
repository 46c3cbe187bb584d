"""Fuzzing the 任务分工 importer: random workbooks → a clear InputError naming the place, or a valid preview;
never another exception, and nothing stored before apply (apply itself is all-or-nothing)."""

import datetime as dt
import io

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from duikou.core.errors import InputError
from duikou.exchange.tasktable import (
    _row_values,
    _task_values,
    apply_task_table,
    compare_task_table,
    export_task_table,
    read_for_plan,
)
from duikou.organizations.models import Organization
from duikou.plans.models import Responsibility, Task

HEADER_WORDS = [
    "序号",
    "编号",
    "工作任务",
    "重点任务",
    "任务",
    "牵头单位",
    "责任单位",
    "配合单位",
    "完成时限",
    "时间节点",
    "任务键",
    "备注",
    "",
]
short = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20)
unit_names = st.sampled_from(
    [
        "市政府办公厅",
        "马尾区",
        "闽侯县",
        "市商务局",
        "马尾区\n闽侯县",
        "市委组织部、市人社局",
        "福州市某某新设局",
    ]
)
cell = st.one_of(
    st.none(),
    st.just(""),
    short,
    unit_names,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1)),
    st.sampled_from(["一/1", "二/3", "#0", "§一", "不存在的键"]),
    st.integers(1, 30000).map(lambda n: "很长的任务内容" * (n // 7 + 1)),
)
row = st.lists(cell, max_size=8)
header = st.one_of(st.none(), st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=7))
merge = st.tuples(st.integers(1, 12), st.integers(1, 6), st.integers(0, 2), st.integers(0, 3))


class _Rollback(Exception):
    pass


def _workbook(title_rows, head, body, merges) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in title_rows:
        ws.append(r)
    if head is not None:
        ws.append(head)
    for r in body:
        ws.append(r)
    for top, left, down, right in merges:
        try:
            ws.merge_cells(start_row=top, start_column=left, end_row=top + down, end_column=left + right)
        except ValueError:
            pass  # a merge openpyxl refuses cannot be in a saved file either
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _stored(plan):
    return (
        Task.objects.filter(plan=plan).count(),
        Responsibility.objects.filter(task__plan=plan).count(),
        Organization.objects.count(),
        sorted(Task.objects.filter(plan=plan).values_list("number", "text", "order")),
    )


def _assert_plan_is_the_table(plan, table):
    """After apply the plan's tasks are the table's rows, in order, in every column the table has."""
    tasks = list(plan.tasks.order_by("order").prefetch_related("responsibilities"))
    assert len(tasks) == len(table.rows)
    for task, row in zip(tasks, table.rows, strict=True):
        have, want = _task_values(task), _row_values(row)
        assert {k: have[k] for k in have if k in table.columns} == {
            k: want[k] for k in want if k in table.columns
        }


def _check(plan, data: bytes):
    before = _stored(plan)
    try:
        table = read_for_plan(plan, data, name="fuzz.xlsx")
        diff = compare_task_table(plan, table)
    except InputError as exc:
        event("InputError")
        message = str(exc)
        assert message.startswith("fuzz.xlsx") and (
            "第" in message or "表头" in message or "文件" in message
        ), message
        assert _stored(plan) == before
        return
    assert _stored(plan) == before  # reading and previewing never write
    event("preview with errors" if diff.errors else "preview")
    for error in diff.errors:
        assert "第" in error or "任务" in error
    # Apply, then roll back: either a clear InputError (nothing written) or a complete apply.
    try:
        with transaction.atomic():
            apply_task_table(plan=plan, table=table)
            _assert_plan_is_the_table(plan, table)
            raise _Rollback
    except _Rollback:
        pass
    except InputError:
        assert diff.errors
    assert _stored(plan) == before


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(
    title_rows=st.lists(row, max_size=2),
    head=header,
    body=st.lists(row, max_size=12),
    merges=st.lists(merge, max_size=3),
)
def test_random_workbooks(small_plan, title_rows, head, body, merges):
    _check(small_plan, _workbook(title_rows, head, body, merges))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(st.tuples(st.integers(1, 10), st.integers(1, 7), cell), max_size=6))
def test_random_edits_of_an_exported_table(small_plan, edits):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export_task_table(small_plan)))
    ws = wb.active
    for r, c, value in edits:
        try:
            ws.cell(row=r, column=c).value = value
        except AttributeError:
            pass  # a merged cell is read-only in openpyxl: the edit a person could not make either
    out = io.BytesIO()
    wb.save(out)
    _check(small_plan, out.getvalue())
