"""The API's lists read as their schema's output (core.rest.RowShape): byte for byte the JSON the schema gives."""

import datetime as dt
import json

import pytest

from duikou.api import api
from duikou.core import permissions as perms
from duikou.core import rest
from duikou.plans.models import Task

LISTS = sorted(
    path
    for path, ops in api.get_openapi_schema()["paths"].items()
    if "get" in ops and ops["get"]["operationId"].endswith("_list")
)


@pytest.fixture
def through_the_schema(monkeypatch):
    """Pages read as objects and validated and dumped by their schema, as before the row shape."""
    from django.core.cache import cache

    original = rest.Paging.paginate_queryset

    def unshaped(self, queryset, *args, **kwargs):
        queryset.shape = None
        return original(self, queryset, *args, **kwargs)

    def switch():
        cache.clear()  # answers kept from the shaped pages are not the schema's
        monkeypatch.setattr(rest.Paging, "paginate_queryset", unshaped)

    return switch


@pytest.fixture
def varied(plan):
    """Tasks whose dates, progress and lights differ (due, overdue, completed, cancelled) and whose times carry
    microseconds."""
    today = dt.date.today()
    tasks = list(plan.tasks.order_by("order"))
    tasks[0].due_date, tasks[0].status, tasks[0].progress = today - dt.timedelta(days=3), Task.IN_PROGRESS, 40
    tasks[1].status, tasks[1].completed_on, tasks[1].progress = Task.COMPLETED, today, 100
    tasks[2].due_date, tasks[2].status = None, Task.CANCELLED
    for task in tasks:
        task.save()
    return plan


def _bodies(client, paths):
    return {path: client.get(path).content for path in paths}


def test_every_list_answers_what_its_schema_gives(office, make_user, varied, api_client, through_the_schema):
    lead = varied.tasks.get(number="3").responsibilities.get(printed_name="马尾区").organization
    clients = [api_client(office), api_client(make_user("shape-unit", perms.UNIT_REPORTER, lead))]
    shaped = []
    items = rest.RowShape.items

    def counted(self, rows, *args):
        shaped.append(self.model)
        return items(self, rows, *args)

    paths = [f"{path}?limit={limit}" for path in LISTS for limit in (2, 100)]
    paths += ["/api/plans/tasks/?limit=1&offset=1", "/api/plans/tasks/?status=completed"]
    with pytest.MonkeyPatch.context() as spy:
        spy.setattr(rest.RowShape, "items", counted)
        fast = [_bodies(client, paths) for client in clients]
    through_the_schema()
    slow = [_bodies(client, paths) for client in clients]
    assert fast == slow
    # Not compared empty: the plan's lists have rows, and the task list is one the shape serves.
    tasks = json.loads(fast[0]["/api/plans/tasks/?limit=100"])["items"]
    assert [t["light"] for t in tasks] == ["red", "done", "done"]
    assert {t["completed_on"] for t in tasks} == {None, dt.date.today().isoformat()}
    assert Task in shaped and len(set(shaped)) > 5


def test_cursor_pages_of_a_shaped_list_are_those_of_the_schema(
    office, varied, api_client, through_the_schema
):
    client = api_client(office)

    def pages():
        found, url = [], "/api/plans/tasks/?limit=1"
        while url:
            body = client.get(url)
            found.append(body.content)
            after = body.json()["next"]
            url = after and f"/api/plans/tasks/?limit=1&after={after}"
        return found

    fast = pages()
    through_the_schema()
    assert pages() == fast and len(fast) == 3


def test_a_schema_reading_more_than_columns_is_not_shaped():
    from duikou.plans.api import TaskRead
    from duikou.programs.api import ProgramRead
    from duikou.programs.models import Program

    assert rest.RowShape.of(Task, TaskRead) is not None
    # A program's read lists its recipients (a relation): read off the object, through the schema.
    assert rest.RowShape.of(Program, ProgramRead) is None
