"""The body of a list page, a plan page, its matrix, a program page and a unit page is kept with the data's version
(core.versioned.kept_body), and so is an API list's answer (core.rest.kept_list): a second view serves the same markup
without the queries that made it, a change shows on the next view, and each viewer's gate and language keeps its own;
the page around it (the shell, a header with the user's links) is made at every view."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

LISTS = [
    "plans:tasks",
    "targets:list",
    "funds:list",
    "projects:list",
    "dispatches:list",
    "organizations:list",
]


def _page(response) -> str:
    """The page without what changes at every view: the CSRF token (masked anew) and the CSP nonce."""
    assert response.status_code == 200
    body = re.sub(r'value="[A-Za-z0-9]{64}"', 'value=""', response.content.decode())
    body = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', '"X-CSRFToken": ""', body)
    return re.sub(r'nonce="[^"]*"', 'nonce=""', body)


def _rows_read(captured, *tables: str) -> list[str]:
    """The queries that read rows of these tables (not a gate's subquery through them, which reads ids as U0)."""
    return [
        q["sql"] for q in captured.captured_queries if any(f'SELECT "{t}"."id"' in q["sql"] for t in tables)
    ]


def _urls(world):
    return [reverse(name) for name in LISTS] + [
        reverse("plans:detail", args=[world["plan"].pk]),
        reverse("plans:detail", args=[world["plan"].pk]) + "?status=overdue",
        reverse("targets:list") + f"?plan={world['plan'].pk}",
        reverse("plans:tasks") + "?sort=-due_date&status=overdue",
        *_details(world),
    ]


def _details(world):
    """The matrix, the program page and a unit's page (its tasks, shares, funds, projects and people)."""
    return [
        reverse("plans:matrix", args=[world["plan"].pk]),
        reverse("programs:detail", args=[world["plan"].program_id]),
        reverse("organizations:detail", args=[world["mawei"].pk]),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_kept_body_is_the_page_made_afresh(world, client_for, language):
    """Served kept, a page is byte for byte the page made afresh, in both languages; its table's queries are not run."""
    from django.core.cache import cache

    client = client_for(world["users"]["office"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in _urls(world):
        cache.clear()
        made = client.get(url)
        with CaptureQueriesContext(connection) as captured:
            kept = client.get(url)
        assert _page(kept) == _page(made), url
        tables = (
            "plans_task",
            "plans_responsibility",
            "programs_pairing",
            "targets_target",
            "targets_allocation",
            "funds_fundingline",
            "projects_project",
            "dispatches_dispatch",
        )
        assert not _rows_read(captured, *tables), url
        # The list's own table fetched by htmx is the kept body's table.
        if url.split("?")[0] in {reverse(name) for name in LISTS}:
            table = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-body").content.decode()
            assert f'<div id="list-body">{table}</div>' in kept.content.decode(), url


def test_a_kept_body_shows_a_change_on_the_next_view(world, client_for):
    from duikou.plans.models import Task

    client = client_for(world["users"]["office"])
    urls = [reverse("plans:tasks"), reverse("plans:detail", args=[world["plan"].pk]), *_details(world)]
    # The program page lists the plan, the others the task.
    for url in urls:
        assert "参加闽宁协作联席会议" in client.get(url).content.decode() or "/programs/" in url
    task = Task.objects.get(plan=world["plan"], title="参加闽宁协作联席会议")
    task.title = "参加闽宁协作联席会议（改）"
    task.save()
    plan = world["plan"]
    plan.title = f"{plan.title}（修订）"
    plan.save()
    for url in urls:
        body = client.get(url).content.decode()
        if "/programs/" in url:
            assert f"{plan.title}</a>" in body, url
        else:
            assert "参加闽宁协作联席会议（改）" in body, url


def test_each_gate_and_language_keeps_its_own_body(world, client_for, make_user):
    from duikou.core import permissions as perms

    other = make_user(
        "mawei-other", perms.UNIT_REPORTER, world["mawei"]
    )  # before the views (a new user is data)
    client = client_for(world["users"]["office"])
    urls = [
        reverse("plans:tasks"),
        reverse("plans:detail", args=[world["plan"].pk]),
        reverse("plans:matrix", args=[world["plan"].pk]),
    ]
    for url in urls:
        body = client.get(url).content.decode()
        assert "推动消费帮扶" in body and "参加闽宁协作联席会议" in body
    # 马尾区 leads the first task only and supports none of the others' (its page is its own, not the office's).
    client_for(world["users"]["mawei"])
    mine = {url: client.get(url).content.decode() for url in urls}
    assert all("参加闽宁协作联席会议" in body and "加强教育领域协作" not in body for body in mine.values())
    # Another reporter of the same unit reads what the first one does: the body made for them serves it.
    client_for(other)
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            again = client.get(url)
        assert not _rows_read(captured, "plans_task"), url
        assert _main(again.content.decode()) == _main(mine[url]), url
    # 福清市 (a unit head) reads its own task, not 马尾区's body nor the office's.
    client_for(world["users"]["fuqing"])
    theirs = client.get(urls[0]).content.decode()
    assert "加强教育领域协作" in theirs and "推动消费帮扶" not in theirs
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(urls[0]).content.decode()
    assert 'data-label="Deadline"' in english and 'data-label="截止日期"' not in english


def test_an_api_list_is_kept_for_each_callers_scope(world, make_user):
    """The API's task list answers the same page from what it kept, refreshed after a change; a caller whose gate
    differs (a unit's reporter) is answered for its own scope, not from the office's."""
    from django.test import Client

    from duikou.core.api_auth import issue_token
    from duikou.plans.models import Task

    def caller(user):
        return Client(headers={"Authorization": f"Bearer {issue_token(user=user, scope='read')}"})

    office, mawei = caller(world["users"]["office"]), caller(world["users"]["mawei"])
    url = "/api/plans/tasks/?limit=50"
    made = office.get(url)
    with CaptureQueriesContext(connection) as captured:
        kept = office.get(url)
    assert kept.status_code == 200 and kept["Content-Type"] == made["Content-Type"]
    assert kept.json() == made.json() and not _rows_read(captured, "plans_task")
    titles = {t["title"] for t in made.json()["items"]}
    assert {"加强教育领域协作", "参加闽宁协作联席会议"} <= titles
    # 马尾区 sees its own tasks: its answer is its own.
    mine = {t["title"] for t in mawei.get(url).json()["items"]}
    assert "参加闽宁协作联席会议" in mine and "加强教育领域协作" not in mine
    task = Task.objects.get(plan=world["plan"], title="参加闽宁协作联席会议")
    task.title = "参加闽宁协作联席会议（改）"
    task.save()
    assert "参加闽宁协作联席会议（改）" in {t["title"] for t in office.get(url).json()["items"]}
    # Bad parameters are refused as before, and not kept.
    assert office.get("/api/plans/tasks/?limit=0").status_code == 422
    assert office.get("/api/plans/tasks/?limit=0").status_code == 422


def _main(page: str) -> str:
    """The page's main part (its header and body), without the site's shell (whose user label differs)."""
    return page.split('<main class="site-main">', 1)[1].split("</main>", 1)[0]


def test_the_funds_chart_runs_from_a_file_without_a_nonce(world, client_for):
    """A kept body carries no per-request nonce: the chart is drawn by funds/funds_chart.js from its box's data."""
    client = client_for(world["users"]["office"])
    for url in (reverse("funds:list"), reverse("funds:schedule", args=[world["plan"].pk])):
        body = client.get(url).content.decode()
        assert (
            'data-chart="funds-chart-data" data-planned="计划" data-disbursed="已到账" data-unit="万元"'
            in body
        )
        assert '<script id="funds-chart-data" type="application/json">' in body
        assert "/static/funds/funds_chart.js" in body and "echarts.min.js" in body
        assert "echarts.init" not in body  # no inline script left in the page
    assert client.get("/static/funds/funds_chart.js").status_code == 200


def test_a_kept_body_serves_a_while_after_others_changes_never_after_the_viewers_units(
    world, client_for, make_user, settings
):
    """Within DUIKOU_REUSE_SECONDS a body made before another unit's change is served again (under a stream of reports
    each view would otherwise make it afresh); a change by anyone of the viewer's own unit shows on the next view, and
    with the interval 0 every change does. The API's list of the same rows follows the same rule."""
    from django.test import Client

    from duikou.core import permissions as perms
    from duikou.core.actor import acting_as
    from duikou.core.api_auth import issue_token
    from duikou.plans.models import Task

    settings.DUIKOU_REUSE_SECONDS = 60
    # Made before the views: a new user is data.
    colleague = make_user("mawei-2", perms.UNIT_REPORTER, world["mawei"])
    token = issue_token(user=world["users"]["mawei"], scope="read")
    client = client_for(world["users"]["mawei"])
    api = Client(headers={"Authorization": f"Bearer {token}"})
    url = reverse("plans:tasks")
    api_url = "/api/plans/tasks/?limit=50"

    def seen(title: str) -> tuple[bool, bool]:
        """Whether the page's list and the API's show the title."""
        listed = {task["title"] for task in api.get(api_url).json()["items"]}
        return title in client.get(url).content.decode(), title in listed

    assert seen("参加闽宁协作联席会议") == (True, True)
    task = Task.objects.get(plan=world["plan"], title="参加闽宁协作联席会议")

    def retitle(title: str, user) -> None:
        task.title = title
        with acting_as(user):
            task.save()

    retitle("联席会议（办公室改）", world["users"]["office"])
    assert seen("参加闽宁协作联席会议") == (True, True) and seen("联席会议（办公室改）") == (False, False)
    retitle("联席会议（本单位改）", colleague)
    assert seen("联席会议（本单位改）") == (True, True)
    retitle("联席会议（福清改）", world["users"]["fuqing"])
    assert seen("联席会议（福清改）") == (False, False)
    settings.DUIKOU_REUSE_SECONDS = 0
    assert seen("联席会议（福清改）") == (True, True)


def test_a_kept_answer_serves_only_the_code_that_made_it(world, client_for, monkeypatch, tmp_path):
    """After a deploy no kept body made by the old code is served (the cache outlives the processes that filled it):
    the code's digest is part of every key, and it moves with any code, template or catalogue, not with bytecode."""
    from duikou.core import versioned

    package = tmp_path / "duikou"
    (package / "web" / "templates").mkdir(parents=True)
    (package / "views.py").write_text("x = 1\n", encoding="utf-8")
    page = package / "web" / "templates" / "page.html"
    page.write_text("<p>一</p>", encoding="utf-8")
    first = versioned.code_digest(package)
    (package / "views.cpython-311.pyc").write_bytes(b"\0")
    assert versioned.code_digest(package) == first
    page.write_text("<p>二</p>", encoding="utf-8")
    assert versioned.code_digest(package) != first

    client = client_for(world["users"]["mawei"])
    url = reverse("plans:tasks")
    client.get(url)
    with CaptureQueriesContext(connection) as kept:
        client.get(url)
    monkeypatch.setattr(versioned, "code_stamp", lambda: "another deploy")
    with CaptureQueriesContext(connection) as made:
        client.get(url)
    assert not _rows_read(kept, "plans_task") and _rows_read(made, "plans_task")
