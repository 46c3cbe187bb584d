"""The lists' fast paths give what the slow ones gave: cells built in Python equal their templates, page annotations
from SQL compiled once equal the ORM's, and a list's queries do not grow with its rows."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _rendered(template, context):
    """A template's output without the file's closing newline (the cell markup is the rest)."""
    return render_to_string(template, context).removesuffix("\n")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cells_built_in_python_equal_their_templates(world, language):
    from duikou.core.lists import progress_html
    from duikou.supervision.lights import LIGHTS
    from duikou.targets.models import Target
    from duikou.targets.tables import LIGHT_CELL, value_html

    with translation.override(language):
        for value in (None, 0, 0.0, 0.123, 0.4999, 0.5, Decimal("0.2"), Decimal("1.75"), 1.0, 3, -0.2):
            assert progress_html(None, value) == _rendered("web/_progress_cell.html", {"value": value})
        for target in Target.objects.all():
            for value in (None, target.value, Decimal("1234.5"), Decimal("0"), 7):
                expected = _rendered("targets/_value_cell.html", {"row": target, "value": value})
                assert value_html(target, value) == expected
        for light in [code for code, _label in LIGHTS] + [None]:

            class Row:
                pass

            row = Row()
            row.light = light
            assert LIGHT_CELL(row, None) == _rendered("supervision/_light_cell.html", {"row": row})


def test_a_list_row_shows_escaped_values_links_and_dashes(world, client_for):
    from duikou.plans.models import Task

    task = Task.objects.filter(plan=world["plan"]).order_by("order").last()
    Task.objects.filter(pk=task.pk).update(title="<b>推进</b> & 落实", due_date=None)
    body = client_for(world["users"]["office"]).get(reverse("plans:tasks")).content.decode()
    assert "&lt;b&gt;推进&lt;/b&gt; &amp; 落实" in body and "<b>推进</b>" not in body
    assert f'<a href="{reverse("supervision:task", args=[task.pk])}">' in body
    assert 'data-label="截止日期">—</td>' in body  # a missing date shows as —
    assert 'class="overdue"' in body  # the overdue task of the plan (due 2023-07-31, not completed)


def _view(view_class, user, path="/"):
    request = RequestFactory().get(path)
    request.user = user
    request.htmx = None
    view = view_class()
    view.setup(request)
    return view


@pytest.mark.parametrize(
    "view_path",
    ["plans.views.TaskListView", "targets.views.TargetListView", "organizations.views.OrganizationListView"],
)
def test_page_annotations_from_compiled_sql_equal_the_orm(world, view_path):
    from django.utils.module_loading import import_string

    from duikou.core import lists

    view_class = import_string(f"duikou.{view_path}")
    view = _view(view_class, world["users"]["office"])
    names = view.annotation_names()
    pks = list(view.model.objects.order_by("-pk").values_list("pk", flat=True)[:7])
    assert names and pks
    for page in (pks, pks[:1], list(reversed(pks[:3])), [*pks[:2], 10**9]):  # an id gone since: no row
        orm = view.annotate(view.model._base_manager.filter(pk__in=page)).order_by().values_list("pk", *names)
        assert sorted(view.annotation_values(page)) == sorted(orm)
    assert view_class in lists._ANNOTATION_SQL  # compiled once, then reused
    # The rows a page shows carry the same values (those it shows: not the light's steps, "_grace"…).
    shown = [n for n in names if not n.startswith("_")]
    rows = list(view.model.objects.filter(pk__in=pks))
    view.annotate_rows(rows)
    expected = {
        row[0]: row[1:]
        for row in view.annotate(view.model._base_manager.filter(pk__in=pks)).values_list("pk", *shown)
    }
    assert shown and {row.pk: tuple(getattr(row, n) for n in shown) for row in rows} == expected


def test_page_annotations_are_compiled_once_whatever_the_page(world):
    from duikou.core import lists
    from duikou.plans.views import TaskListView

    view = _view(TaskListView, world["users"]["office"])
    pks = list(view.model.objects.values_list("pk", flat=True))
    view.annotation_values(pks[:1])
    compiled = lists._ANNOTATION_SQL[TaskListView]
    before = compiled._sql.cache_info()
    with CaptureQueriesContext(connection) as captured:
        for page in (pks, pks[:3], pks[-2:]):
            view.annotation_values(page)
    after = compiled._sql.cache_info()
    assert (after.misses, after.hits - before.hits) == (before.misses, 3)  # no page compiled it again
    assert len(captured.captured_queries) == 3  # one query a page, whatever its length


LISTS = [
    "plans:tasks",
    "targets:list",
    "funds:list",
    "projects:list",
    "dispatches:list",
    "organizations:list",
]


def _queries(client, url):
    client.get(url)  # caches warm (the compiled annotations, the data version)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_a_lists_queries_do_not_grow_with_its_rows(world, client_for, plan_data):
    """Each list's query count with a few rows equals its count with a full page of them (no query per row)."""
    from duikou.dispatches.models import Dispatch
    from duikou.plans.importer import import_plan_data
    from duikou.projects.models import Project

    client = client_for(world["users"]["office"])
    few = {name: _queries(client, reverse(name)) for name in LISTS}

    data = dict(plan_data, title="闽宁协作第二批任务", doc_number="榕委振兴组〔2023〕9号")
    data["tasks"] = [
        dict(plan_data["tasks"][i % len(plan_data["tasks"])], number=str(i + 1), path=["一", str(i + 1)])
        for i in range(60)
    ]
    data["targets"] = [
        dict(t, indicator=f"{t['indicator']}{i}") for i in range(25) for t in plan_data["targets"]
    ]
    data["funding"] = [dict(f, year=2023 + i) for i, f in enumerate(plan_data["funding"] * 5)]
    raw = json.dumps(data, ensure_ascii=False).encode()
    plan = import_plan_data(json.loads(raw), source_bytes=raw, source_name="more.json").plan
    for i in range(55):
        Project.objects.create(
            program=plan.program,
            plan=plan,
            name=f"项目{i}",
            recipient=world["xiji"],
            implementer=world["mawei"],
        )
        Dispatch.objects.create(
            program=plan.program,
            target=world["person_target"],
            person_name=f"人员{i}",
            from_organization=world["mawei"] if i % 2 else world["minhou"],
            to_organization=world["xiji"],
            field=Dispatch.DOCTOR,
            start_date=dt.date(2023, 3, 1),
        )
    many = {name: _queries(client, reverse(name)) for name in LISTS}
    assert many == few


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_choice_labels_equal_get_display(world, language):
    from duikou.core.lists import resolve_attr
    from duikou.dispatches.models import Dispatch
    from duikou.plans.models import Task

    with translation.override(language):
        task = Task.objects.filter(plan=world["plan"]).first()
        for status, _label in [*Task.STATUSES, ("no-such-status", "")]:
            task.status = status
            assert resolve_attr(task, "status") == task.get_status_display()
        assert resolve_attr(task, "plan.status") == task.plan.get_status_display()
        dispatch = Dispatch.objects.first()
        assert resolve_attr(dispatch, "field") == dispatch.get_field_display()


def test_kept_counts_and_summaries_follow_the_data_and_each_users_gate(
    world, client_for, make_user, monkeypatch
):
    """A list's count, its choices read from the rows and its summaries are kept while the data does not change:
    the second view reads none of them again, a change shows on the next view, and each user keeps their own."""
    from duikou.core import lists
    from duikou.core import permissions as perms
    from duikou.plans.models import Task
    from duikou.projects.models import Project

    # The test world's lists are small enough to be read afresh (READ_AFRESH_LIMIT): here they count as large.
    monkeypatch.setattr(lists, "READ_AFRESH_LIMIT", 0)
    office = client_for(world["users"]["office"])
    url = reverse("plans:tasks")
    first = office.get(url)
    total = first.context["paginator"].count
    assert total == Task.objects.count()
    with CaptureQueriesContext(connection) as again:
        assert office.get(url).context["paginator"].count == total
    assert not [q for q in again.captured_queries if "COUNT(" in q["sql"] or "DISTINCT" in q["sql"]]

    task = Task.objects.filter(plan=world["plan"]).first()
    Task.objects.create(plan=task.plan, section=task.section, number="9", title="新增任务", order=99)
    assert office.get(url).context["paginator"].count == total + 1  # the change moved the data version

    # A unit sees only its own tasks: its count and choices are its own, not the office's kept ones.
    unit = make_user("mawei2", perms.UNIT_REPORTER, world["mawei"])
    mine = client_for(unit).get(url)
    expected = Task.objects.restrict(unit, "view").count()
    assert mine.context["paginator"].count == expected < total + 1
    plans = next(f for f in mine.context["filters"] if f["filter"].name == "plan")["options"]
    assert {int(v) for v, _label in plans} == set(
        Task.objects.restrict(unit, "view").values_list("plan_id", flat=True)
    )

    projects = client_for(world["users"]["office"])
    before = {r["status"]: r["count"] for r in projects.get(reverse("projects:list")).context["by_status"]}
    Project.objects.create(
        program=world["plan"].program,
        plan=world["plan"],
        name="新项目",
        status=Project.UNDER_WAY,
        recipient=world["xiji"],
    )
    after = {r["status"]: r["count"] for r in projects.get(reverse("projects:list")).context["by_status"]}
    label = dict(Project.STATUSES)[Project.UNDER_WAY]
    assert after[label] == before.get(label, 0) + 1


def test_the_dispatch_lists_default_order_has_its_index():
    """The dispatch list's first page (newest first, then id) reads an index, made by a migration."""
    from duikou.dispatches.models import Dispatch

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Dispatch._meta.db_table)
    index = constraints["dispatch_newest_first"]
    assert index["index"] and index["columns"] == ["start_date", "id"]
    if connection.vendor == "postgresql":
        assert index["orders"] == ["DESC", "ASC"]


@pytest.mark.parametrize(
    ("name", "params", "who"),
    [
        ("organizations:list", {}, "office"),
        ("organizations:list", {"page": 2}, "office"),
        ("plans:tasks", {"sort": "-light"}, "office"),
        ("plans:tasks", {}, "mawei"),
        ("targets:list", {"sort": "-allocation_count"}, "office"),
    ],
)
def test_a_kept_page_has_the_rows_and_order_of_the_sorted_query(world, client_for, name, params, who):
    """A page's ids are kept with the data's version and its rows read by id (sorted by an annotation: units by
    their task count, tasks by light; or a unit's own tasks): the same rows in the same order as the sorted query
    gives, view after view."""
    from django.urls import resolve

    client = client_for(world["users"][who])
    url = reverse(name)
    view = _view(
        resolve(url).func.view_class,
        world["users"][who],
        url + "?" + "&".join(f"{k}={v}" for k, v in params.items()),
    )
    queryset, _finish = view.prepared()
    page = int(params.get("page", 1))
    expected = list(queryset.values_list("pk", flat=True)[(page - 1) * 50 : page * 50])
    for _ in range(2):  # computed, then kept
        shown = [item["row"].pk for item in client.get(url, params).context["table"]]
        assert shown == expected and shown


# What web/_table.html and web/list_body.html wrote for a column's header and a filter's options, before
# core.lists built them in Python.
_HEADER_TEMPLATE = (
    '<th class="{{ column.css }}">{% if column.sort %}<a href="?{% if query_without_sort %}{{ query_without_sort }}'
    '&amp;{% endif %}sort={% if sort == column.name %}-{% endif %}{{ column.name }}" hx-get="?{% if query_without_sort %}'
    '{{ query_without_sort }}&amp;{% endif %}sort={% if sort == column.name %}-{% endif %}{{ column.name }}" '
    'hx-target="#list-body" hx-push-url="true">{{ label }}{% if sort == column.name %} ▲{% elif sort == "-"|add:column.name %}'
    " ▼{% endif %}</a>{% else %}{{ label }}{% endif %}</th>"
)
_OPTIONS_TEMPLATE = (
    '{% for value, label in options %}<option value="{{ value }}"{% if value == selected %} selected{% endif %}>'
    "{{ label }}</option>{% endfor %}"
)


def test_headers_and_options_built_in_python_equal_their_templates():
    from django.template import Context, Template

    from duikou.core.lists import Column, header_html, options_html

    header = Template(_HEADER_TEMPLATE)
    for column in (
        Column("title", "任务", sort="title"),
        Column("units", "单位"),
        Column("n", "x", css='num"<'),
    ):
        for label in ("任务", "<b>A&B</b>"):
            for sort in ("", "title", "-title", "n", "-n"):
                for query in ("", "plan=3&q=%3Ca%3E", 'q=<"x">'):
                    context = {"column": column, "label": label, "sort": sort, "query_without_sort": query}
                    assert header_html(column, label, sort, query) == header.render(Context(context))
    options = [("1", "A&B"), ("2", '<"x">'), ("", "空")]
    for selected in ("", "1", "2", "3"):
        expected = Template(_OPTIONS_TEMPLATE).render(Context({"options": options, "selected": selected}))
        assert options_html(options, selected) == expected


def test_a_rows_link_is_reverse_under_any_prefix(world):
    from django.urls import clear_script_prefix, set_script_prefix

    from duikou.core.rows import object_url

    try:
        for prefix in ("/", "/duikou/", "/"):
            set_script_prefix(prefix)
            for name in ("supervision:task", "plans:detail"):
                for pk in (1, 42, 2**40):
                    assert object_url(name, pk) == reverse(name, args=[pk])
    finally:
        clear_script_prefix()
        set_script_prefix("/")


@pytest.mark.parametrize("params", [{}, {"status": "not_started"}, {"sort": "-light"}])
def test_a_units_small_list_reads_through_the_gate_once(world, client_for, params):
    """A list of at most READ_AFRESH_LIMIT rows reads its ids through the gate once, then its count, its filters'
    choices and its page by those ids: the same rows, count and choices as the gated list gives."""
    from duikou.plans.models import Task

    user = world["users"]["mawei"]
    gated = Task.objects.restrict(user, "view")
    expected = gated
    if "status" in params:
        expected = expected.filter(status=params["status"])
    client = client_for(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("plans:tasks"), params)
    # The gate's subtree subquery (organizations' paths).
    through_gate = [q for q in captured.captured_queries if 'U0."tree_path"' in q["sql"]]
    assert len(through_gate) == 1
    assert response.context["paginator"].count == expected.count() > 0
    assert {item["row"].pk for item in response.context["table"]} == set(
        expected.values_list("pk", flat=True)
    )
    plans = next(f for f in response.context["filters"] if f["filter"].name == "plan")["options"]
    assert {int(v) for v, _label in plans} == set(gated.values_list("plan_id", flat=True))
    units = next(f for f in response.context["filters"] if f["filter"].name == "unit")["options"]
    assert {int(v) for v, _label in units} == set(
        gated.filter(responsibilities__isnull=False).values_list(
            "responsibilities__organization_id", flat=True
        )
    )


@pytest.mark.parametrize("sort", ["", "-title", "due_date"])
def test_a_small_lists_pages_are_the_gated_lists_rows_in_order(world, client_for, monkeypatch, sort):
    """A small list's pages, read by id from SQL compiled once per order and page (small_page_reader), are the gated
    list's rows in the page's order, page after page."""
    from duikou.plans.models import Task
    from duikou.plans.views import TaskListView

    monkeypatch.setattr(TaskListView, "paginate_by", 1)
    user = world["users"]["mawei"]
    order = {"": ["plan__issued_on", "order"], "-title": ["-title"], "due_date": ["due_date"]}[sort]
    expected = list(Task.objects.restrict(user, "view").order_by(*order, "pk").values_list("pk", flat=True))
    assert len(expected) > 1
    client = client_for(user)
    shown = []
    for number in range(1, len(expected) + 1):
        response = client.get(reverse("plans:tasks"), {"page": number, **({"sort": sort} if sort else {})})
        shown += [item["row"].pk for item in response.context["table"]]
    assert shown == expected
