"""National open data: one dataset over every public program, streamed as CSV or JSON."""

import csv
import io
import json

import pytest
from django.urls import reverse

from duikou.exchange import opendata
from duikou.plans.models import Plan, Task
from duikou.programs.models import Program

from .conftest import SMALL_PLAN


@pytest.fixture
def two_programs(small_plan):
    """The small plan's public program, a second public program and a private one, each with a published plan."""
    from duikou.plans.importer import import_plan_data

    small_plan.program.is_public = True  # programs are private until the office publishes them
    small_plan.program.save()
    made = {}
    for name, public in (("第二个公开协作", True), ("内部协作", False)):
        program = Program.objects.create(name=name, is_public=public, start_year=2023, end_year=2023)
        data = json.loads(json.dumps(SMALL_PLAN))
        data["title"] = f"{name}工作要点"
        data["tasks"] = data["tasks"][:2] if public else data["tasks"]
        made[name] = import_plan_data(
            data, source_bytes=name.encode(), source_name=f"{name}.json", program=program
        ).plan
    assert Plan.objects.filter(status=Plan.PUBLISHED).count() == 3
    return small_plan, made["第二个公开协作"], made["内部协作"]


def test_national_tasks_csv_streams_every_public_program(client, two_programs):
    small, second, private = two_programs
    response = client.get(
        reverse("exchange:public_national_dataset", kwargs={"dataset": "tasks", "fmt": "csv"})
    )
    assert response.status_code == 200 and response.streaming
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "对口关系",
        "方案",
        "序号",
        "工作任务",
        "牵头单位",
        "配合单位",
        "完成时限",
        "截止日期",
        "状态",
        "进度（%）",
    ]
    public_tasks = Task.objects.filter(plan__program__is_public=True, plan__status=Plan.PUBLISHED)
    assert len(rows) - 1 == public_tasks.count() == 5
    assert {r[1] for r in rows[1:]} == {small.title, second.title}
    assert private.title not in raw.decode("utf-8-sig")
    first = next(r for r in rows[1:] if r[1] == small.title and r[2] == "3")
    assert first == [
        small.program.name,
        small.title,
        "3",
        "消费帮扶",
        "马尾区、闽侯县",
        "市商务局",
        "11月底前",
        "2023-11-30",
        "未开始",
        "0",
    ]


def test_national_json_and_every_dataset(client, two_programs):
    for dataset in opendata.DATASETS:
        response = client.get(
            reverse("exchange:public_national_dataset", kwargs={"dataset": dataset, "fmt": "json"})
        )
        assert response.streaming
        payload = json.loads(b"".join(response.streaming_content))
        assert payload["dataset"] == dataset and list(payload["fields"])[0] == "program"
        assert all(item["program"] != "内部协作" for item in payload["items"])
        per_program = sum(len(opendata.rows(p, dataset)) for p in Program.objects.filter(is_public=True))
        assert len(payload["items"]) == per_program
    funds = json.loads(b"".join(client.get("/open/funds.json").streaming_content))["items"]
    assert sorted(f["program"] for f in funds) == sorted(
        p.name for p in Program.objects.filter(is_public=True)
    )
    assert client.get("/open/nothing.csv").status_code == 404


def test_rows_are_yielded_in_pieces_not_built_whole(two_programs, django_assert_max_num_queries):
    pieces = list(opendata.stream_national_csv("tasks", batch=1, copy=False))
    assert len(pieces) == 1 + 5  # the header, then one piece per row
    with django_assert_max_num_queries(4):  # tasks and their units: chunked queries, never one per row
        list(opendata.stream_national_csv("tasks"))


def test_index_links_the_national_files(client, two_programs):
    html = client.get(reverse("exchange:public_index")).content.decode()
    for dataset in opendata.DATASETS:
        assert f"/open/{dataset}.csv" in html and f"/open/{dataset}.json" in html


def test_copy_writes_the_same_file_as_the_python_writer(two_programs):
    """The tasks CSV's cells come from the database (COPY on PostgreSQL, a cursor on SQLite): the same rows, cells
    and order as the Python writer, formula-like text defused the same way."""
    task = Task.objects.filter(plan=two_programs[0]).order_by("order").first()
    task.title = "=HYPERLINK(1)"
    task.save()
    task.responsibilities.filter(role="lead").update(printed_name="+市商务局")
    Task.objects.filter(pk=task.pk).update(due_date=None)

    def parsed(**kwargs):
        raw = b"".join(opendata.stream_national_csv("tasks", **kwargs)).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(raw)))

    copied, written = parsed(), parsed(copy=False)
    assert copied == written and len(copied) == 6
    assert any(r[3] == "'=HYPERLINK(1)" for r in copied) and any(
        r[4].startswith("'+市商务局") for r in copied
    )
