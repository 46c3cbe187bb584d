"""The one list mechanism: sorting, filtering, searching, paging, htmx partials and real .xlsx exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def titles(response):
    return [item["row"].title for item in response.context["table"]]


def test_sort_both_ways_and_ignore_unknown_columns(world, client_for):
    client = client_for(world["users"]["office"])
    url = reverse("plans:tasks")
    ascending = titles(client.get(url, {"sort": "title"}))
    descending = titles(client.get(url, {"sort": "-title"}))
    assert ascending == sorted(ascending) and descending == list(reversed(ascending)) and len(ascending) == 3
    # A column that is not sortable, or does not exist, leaves the default order (no error).
    assert client.get(url, {"sort": "lead"}).status_code == 200
    assert client.get(url, {"sort": "password"}).status_code == 200


def test_filters_and_search(world, client_for):
    client = client_for(world["users"]["office"])
    url = reverse("plans:tasks")
    assert titles(client.get(url, {"status": "overdue"})) == ["参加闽宁协作联席会议"]
    assert sorted(titles(client.get(url, {"unit": world["mawei"].pk}))) == [
        "参加闽宁协作联席会议",
        "推动消费帮扶",
    ]
    assert titles(client.get(url, {"q": "教育"})) == ["加强教育领域协作"]
    # A value of the wrong type matches nothing instead of failing.
    response = client.get(url, {"plan": "abc"})
    assert response.status_code == 200 and titles(response) == []
    # The unit filter offers the units present in the list, not the whole tree.
    unit_filter = next(f for f in response.context["filters"] if f["filter"].name == "unit")
    assert {label for _v, label in unit_filter["options"]} == {
        "福建省福州市马尾区",
        "福建省福州市闽侯县",
        "福建省福州市福清市",
    }


def test_paging(world, client_for):
    client = client_for(world["users"]["office"])
    first = client.get(reverse("organizations:list"), {"sort": "full_name"})
    second = client.get(reverse("organizations:list"), {"sort": "full_name", "page": 2})
    assert first.context["paginator"].count > 3000  # the seeded divisions
    assert len(first.context["table"]) == 50
    a = [item["row"].pk for item in first.context["table"]]
    b = [item["row"].pk for item in second.context["table"]]
    assert not set(a) & set(b)


def test_a_list_beyond_the_exact_count_shows_an_estimate_and_pages_on(world, client_for, monkeypatch):
    """Over EXACT_COUNT_LIMIT rows the header says 约 with the planner's estimate (here one far too low), and the
    pages go on while rows do: the next link comes from the rows, not from the estimate."""
    from duikou.core import lists

    monkeypatch.setattr(lists, "EXACT_COUNT_LIMIT", 100)
    monkeypatch.setattr(lists, "estimated_rows", lambda queryset: 7)
    client = client_for(world["users"]["office"])
    url = reverse("organizations:list")
    first = client.get(url, {"sort": "full_name"})
    paginator = first.context["paginator"]
    assert paginator.estimated and paginator.count == 101  # never below the rows already counted
    assert "约 101 条" in first.content.decode()
    page = first.context["page"]
    assert page.has_next() and len(first.context["table"]) == 50
    far = client.get(url, {"sort": "full_name", "page": 5})  # beyond the estimate's pages: still rows
    assert far.context["page"].number == 5 and len(far.context["table"]) == 50
    assert not {i["row"].pk for i in far.context["table"]} & {i["row"].pk for i in first.context["table"]}
    monkeypatch.setattr(lists, "EXACT_COUNT_LIMIT", 10**9)
    assert not client.get(url).context["paginator"].estimated


def test_htmx_request_gets_only_the_table(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.get(
        reverse("plans:tasks"), {"status": "overdue"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body"
    )
    body = response.content.decode()
    assert "<html" not in body and "参加闽宁协作联席会议" in body
    full = client.get(reverse("plans:tasks")).content.decode()
    assert "<html" in full and 'id="list-body"' in full


def test_export_is_a_real_workbook_of_the_filtered_list(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.get(
        reverse("plans:tasks"), {"unit": world["mawei"].pk, "sort": "title", "export": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "任务") and "方案" in rows[0]
    assert sorted(r[1] for r in rows[1:]) == ["参加闽宁协作联席会议", "推动消费帮扶"]
    lead = rows[0].index("牵头单位")
    assert {r[1]: r[lead] for r in rows[1:]}["推动消费帮扶"] == "闽侯县"


def test_export_keeps_numbers_as_numbers(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.get(reverse("funds:list"), {"export": "xlsx", "sort": "year"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header = rows[0]
    # Money goes out in 万元 (the unit in the header), as numbers a sheet can add up.
    amounts = [r[header.index("计划金额（万元）")] for r in rows[1:]]
    disbursed = [r[header.index("已到账（万元）")] for r in rows[1:]]
    assert amounts == [3000, 3200]
    assert disbursed == [1200, 0]


def test_export_goes_through_the_permission_gate(world, client_for):
    response = client_for(world["users"]["fuqing"]).get(reverse("plans:tasks"), {"export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["加强教育领域协作"]


@pytest.mark.parametrize(
    "name",
    [
        "plans:list",
        "plans:tasks",
        "targets:list",
        "funds:list",
        "projects:list",
        "dispatches:list",
        "programs:list",
        "programs:pairings",
        "organizations:list",
    ],
)
def test_every_list_exports(world, client_for, name):
    response = client_for(world["users"]["office"]).get(reverse(name), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = next(sheet.iter_rows(values_only=True))
    assert all(header), name
    assert sheet.max_row >= 2, name


def test_counts_are_computed_for_the_page_rows_and_sorting_by_them_still_works(world, client_for):
    from django.db.models import Count

    from duikou.targets.models import Target

    client = client_for(world["users"]["office"])
    url = reverse("targets:list")
    expected = dict(Target.objects.annotate(n=Count("allocations")).values_list("pk", "n"))
    shown = {item["row"].pk: item["row"].allocation_count for item in client.get(url).context["table"]}
    assert shown == expected and any(shown.values())
    by_count = [
        item["row"].allocation_count
        for item in client.get(url, {"sort": "-allocation_count"}).context["table"]
    ]
    assert by_count == sorted(expected.values(), reverse=True)
    sheet = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).active
    header = [c.value for c in sheet[1]]
    column = header.index("分解单位数")
    assert sorted(row[column].value for row in sheet.iter_rows(min_row=2)) == sorted(expected.values())
