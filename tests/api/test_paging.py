"""The API's paging rule (core.rest.Paging, core.keyset): cursor pages give the rows limit/offset gives, once each,
in the same order, and stay right when rows come between two requests."""

import base64
import datetime as dt
import json

import pytest

from duikou.core import keyset
from duikou.plans.models import Plan, Section, Task


def _offset_rows(client, path, limit=3):
    rows, offset = [], 0
    while True:
        body = client.get(f"{path}?limit={limit}&offset={offset}").json()
        rows += [r["id"] for r in body["items"]]
        if len(body["items"]) < limit:
            return rows
        offset += limit


def _cursor_rows(client, path, limit=3):
    rows, url, pages = [], f"{path}?limit={limit}", 0
    while True:
        body = client.get(url).json()
        rows += [r["id"] for r in body["items"]]
        pages += 1
        assert pages < 100
        if body["next"] is None:
            return rows, body
        url = f"{path}?limit={limit}&after={body['next']}"


@pytest.fixture
def many_plans(plan):
    """Plans whose order (-issued_on, -id) has ties and NULLs, each with sections and tasks."""
    dates = [None, dt.date(2023, 1, 1), dt.date(2023, 1, 1), None, dt.date(2021, 6, 1), dt.date(2025, 3, 3)]
    for i, day in enumerate(dates):
        other = Plan.objects.create(
            program=plan.program, title=f"方案{i}", issued_on=day, source_sha256=f"paging-{i}"
        )
        for j in range(2):
            section = Section.objects.create(plan=other, number=str(j), path=[str(j)], order=j)
            Task.objects.create(plan=other, section=section, title=f"任务{i}-{j}", order=j)
    return plan


@pytest.mark.parametrize("path", ["/api/plans/", "/api/plans/sections/", "/api/plans/tasks/"])
def test_cursor_pages_give_every_row_once_in_the_offset_order(office, many_plans, api_client, path):
    client = api_client(office)
    by_offset = _offset_rows(client, path)
    by_cursor, last = _cursor_rows(client, path)
    assert by_cursor == by_offset and len(set(by_cursor)) == len(by_cursor) > 6
    assert last["count"] == len(by_offset) and last["count_exact"] is True


def test_rows_added_between_pages_are_neither_repeated_nor_skipped(office, many_plans, api_client):
    client = api_client(office)
    first = client.get("/api/plans/?limit=3").json()
    shown = [p["id"] for p in first["items"]]
    # One plan sorts before the cursor (newest date), one after it (oldest date); one shown row goes away.
    early = Plan.objects.create(
        program=many_plans.program, title="更早", issued_on=dt.date(2030, 1, 1), source_sha256="early"
    )
    late = Plan.objects.create(
        program=many_plans.program, title="更晚", issued_on=dt.date(2000, 1, 1), source_sha256="late"
    )
    Plan.objects.filter(pk=shown[0]).delete()
    rest = []
    url = f"/api/plans/?limit=3&after={first['next']}"
    while url:
        body = client.get(url).json()
        rest += [p["id"] for p in body["items"]]
        url = body["next"] and f"/api/plans/?limit=3&after={body['next']}"
    everything = [p.pk for p in Plan.objects.order_by("-issued_on", "-id")]
    assert early.pk not in rest and late.pk in rest
    assert not set(shown) & set(rest)
    assert shown[1:] + rest == [pk for pk in everything if pk != early.pk]


def test_a_unit_pages_through_its_own_rows_only(make_user, many_plans, api_client):
    from duikou.core import permissions as perms

    lead = many_plans.tasks.get(number="3").responsibilities.get(printed_name="马尾区").organization
    client = api_client(make_user("mawei", perms.UNIT_REPORTER, lead))
    rows, _last = _cursor_rows(client, "/api/plans/tasks/", limit=1)
    assert [Task.objects.get(pk=pk).number for pk in rows] == ["1", "3"]


def test_bad_cursors_are_refused_with_422(office, many_plans, api_client):
    client = api_client(office)
    body = client.get("/api/plans/?limit=2").json()
    assert client.get("/api/plans/?after=nonsense").status_code == 422
    # A cursor of another list (other keys) is not one of this list.
    tasks = client.get("/api/plans/tasks/?limit=1").json()
    assert client.get(f"/api/plans/?after={tasks['next']}").status_code == 422
    assert client.get(f"/api/plans/?after={body['next']}&offset=2").status_code == 422


def test_order_keys_follow_relations_as_order_by_does(db):
    keys = keyset.order_keys(Section.objects.order_by("plan", "order", "pk"))
    assert [(k.path, k.descending) for k in keys] == [
        ("plan__issued_on", True),
        ("plan__id", True),
        ("order", False),
        ("id", False),
    ]
    assert [k.path for k in keyset.order_keys(Task.objects.order_by("plan_id", "order", "pk"))] == [
        "plan_id",
        "order",
        "id",
    ]


def test_a_cursor_with_values_out_of_range_is_refused_not_a_server_error(office, many_plans, api_client):
    client = api_client(office)
    for values in ([10**30, 1, 1], [1, -(10**30), 1], [1, 1, "x"], [[1], 1, 1]):
        raw = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
        assert client.get(f"/api/plans/tasks/?after={raw}").status_code in (200, 422)


def test_a_cursor_carries_a_value_the_field_converts_and_reads_it_back(db):
    """A report's period is a Period in Python, text in the database: the cursor holds the text (a Period in
    JSON was a 500 on the reports list, found by the fuzz test)."""
    from duikou.core.periods import Period
    from duikou.reports.models import Report

    keys = keyset.order_keys(Report.objects.order_by("-period", "pk"))
    values = [Period.parse("2024-03"), 7]
    assert keyset.decode(keyset.encode(values, keys), keys) == values
    assert keyset.decode(keyset.encode([None, 7], keys), keys) == [None, 7]


def test_every_page_counts_the_whole_list(office, many_plans, api_client):
    """A page holding every row counts them itself; a short last page (by offset or cursor) still gives the whole
    list's count, not its own rows'."""
    client = api_client(office)
    total = Task.objects.count()
    whole = client.get(f"/api/plans/tasks/?limit={total}").json()
    last = client.get(f"/api/plans/tasks/?limit=3&offset={total - 2}").json()
    _rows, after_cursor = _cursor_rows(client, "/api/plans/tasks/", limit=total - 1)
    assert len(whole["items"]) == total and len(last["items"]) == 2
    assert whole["count"] == last["count"] == after_cursor["count"] == total
    assert whole["count_exact"] and last["count_exact"] and after_cursor["count_exact"]


def test_a_units_short_list_reads_through_the_gate_once(many_plans, make_user, org, api_client):
    """A unit's list of at most READ_AFRESH_LIMIT rows is read through the gate once (its ids), its page then by id
    and its count from those ids (core.lists.small_list_ids): cursor pages give the gated rows in the offset order,
    counted exactly, with one gated query a page (the page and its count each went through the gate before)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from duikou.core import permissions as perms
    from duikou.plans.models import Responsibility

    unit = org("重庆市万州区")
    for task in Task.objects.order_by("-pk")[:7]:
        Responsibility.objects.create(
            task=task, organization=unit, role=Responsibility.LEAD, printed_name=unit.full_name
        )
    user = make_user("api-unit", perms.UNIT_REPORTER, unit)
    client = api_client(user)
    gated = set(Task.objects.restrict(user, "view").values_list("pk", flat=True))
    rows, url, gated_queries = [], "/api/plans/tasks/?limit=3", []
    while url:
        with CaptureQueriesContext(connection) as captured:  # one request each (a request resets the log)
            body = client.get(url).json()
        # The gate's subtree subquery (organizations' paths).
        gated_queries.append(sum('U0."tree_path"' in q["sql"] for q in captured.captured_queries))
        rows += [r["id"] for r in body["items"]]
        url = body["next"] and f"/api/plans/tasks/?limit=3&after={body['next']}"
    assert rows == _offset_rows(client, "/api/plans/tasks/")
    assert set(rows) == gated and len(gated) == 7
    assert body["count"] == 7 and body["count_exact"] is True
    assert gated_queries == [1, 1, 1]
