"""Figures on the pages: achieved to date from approved reports, dashboard aggregates, fund execution; no N+1."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from duikou.reports.achieved import achieved_by_target, latest_approved_figures, unit_figures
from duikou.web import stats

pytestmark = pytest.mark.django_db


def test_achieved_is_the_latest_approved_figure_of_each_unit(world):
    sales = world["sales"]
    # 马尾区: 2023-06 approved (60M) beats 2023-05 (40M); the submitted 2023-07 (99M) does not count. 闽侯县: 30M.
    assert latest_approved_figures(target_ids=[sales.pk]) == {
        (sales.pk, world["mawei"].pk): Decimal("60000000"),
        (sales.pk, world["minhou"].pk): Decimal("30000000"),
    }
    assert achieved_by_target(target_ids=[sales.pk]) == {sales.pk: Decimal("90000000")}
    # One unit's figures, the compiled query the unit page runs: the same rule, each unit its own figure.
    for unit, figure in (("mawei", Decimal("60000000")), ("minhou", Decimal("30000000"))):
        assert unit_figures(world[unit].pk, [sales.pk, world["sales"].pk + 10_000]) == {sales.pk: figure}
    assert unit_figures(world["mawei"].pk, []) == {}


def test_target_pages_show_progress(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.get(reverse("targets:list"), {"plan": world["plan"].pk})
    rows = {item["row"].indicator: item["row"] for item in response.context["table"]}
    assert float(rows["帮助宁夏销售农副产品"].progress) == pytest.approx(90 / 750)
    assert rows["帮助宁夏销售农副产品"].reached is False
    assert rows["选派专业技术人员"].achieved is None
    detail = client.get(reverse("targets:detail", args=[world["sales"].pk]))
    shares = {a.printed_name: a for a in detail.context["allocations"]}
    assert shares["马尾区"].achieved == Decimal("60000000")
    assert float(shares["马尾区"].progress) == pytest.approx(60 / 90)
    assert 'role="progressbar"' in detail.content.decode()


def test_dashboard_counts(world):
    data = stats.dashboard(world["users"]["office"])
    (row,) = [r for r in data["programs"] if r["program"] == world["plan"].program]
    assert (row["tasks"], row["completed"], row["overdue"]) == (3, 0, 1)
    assert (row["targets"], row["reached"]) == (2, 0)
    assert row["planned"] == Decimal("62000000") and row["disbursed"] == Decimal(
        "12000000"
    )  # commitments not counted
    assert row["execution"] == pytest.approx(12 / 62)
    units = {u["organization__full_name"]: u for u in data["units"]}
    assert units["福建省福州市马尾区"]["tasks"] == 2 and units["福建省福州市马尾区"]["overdue"] == 1
    assert units["福建省福州市马尾区"]["disbursed"] == Decimal("12000000")


def test_dashboard_when_a_task_is_done_and_a_target_reached(world):
    from duikou.reports.models import Report, TargetFigure

    task = world["plan"].tasks.get(number="1")
    task.status = task.COMPLETED
    task.save()
    report = Report.objects.create(
        program=world["plan"].program, organization=world["mawei"], period="2023-12", status=Report.APPROVED
    )
    TargetFigure.objects.create(report=report, target=world["sales"], value=800_000_000)
    (row,) = stats.dashboard(world["users"]["office"])["programs"]
    assert (row["completed"], row["overdue"], row["reached"]) == (1, 0, 1)


def test_dashboard_for_a_unit_counts_only_its_own(world):
    data = stats.dashboard(world["users"]["fuqing"])
    assert data["totals"]["tasks"] == 1
    assert [u["organization__full_name"] for u in data["units"]] == ["福建省福州市福清市"]


def test_dashboard_queries_do_not_grow_with_the_data(world, client_for, django_assert_max_num_queries):
    import json

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from duikou.plans.importer import import_plan_data

    client = client_for(world["users"]["office"])

    def counted(work) -> int:
        with CaptureQueriesContext(connection) as captured:
            work()
        return len(captured.captured_queries)

    # The page, once the queue has computed the snapshot (here inside the first request), and the refresh itself:
    # the lights (counts, red tasks, every program's light) in a fixed number of queries.
    client.get(reverse("web:home"))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("web:home"))
    page = len(small.captured_queries)  # read now: the next request clears the connection's query log
    refresh = counted(stats.refresh_snapshot)
    for n in range(3):  # three more plans under new programs
        data = json.loads(json.dumps(world["plan_data"]))
        data["title"] = f"第{n}号方案"
        data["donors"] = [["厦门市", "泉州市", "漳州市"][n]]
        raw = json.dumps(data, ensure_ascii=False).encode()
        import_plan_data(data, source_bytes=raw, source_name=f"{n}.json")
    client.get(reverse("web:home"))
    with django_assert_max_num_queries(page):
        client.get(reverse("web:home"))
    assert counted(stats.refresh_snapshot) <= refresh


def test_fund_schedule_table(world, client_for):
    response = client_for(world["users"]["office"]).get(reverse("funds:schedule", args=[world["plan"].pk]))
    assert response.context["years"] == [2023, 2024]
    (row,) = response.context["rows"]
    assert [line.disbursed for line in row["cells"]] == [Decimal("12000000"), Decimal(0)]
    assert response.context["chart"] == {
        "years": ["2023", "2024"],
        "planned": [3000.0, 3200.0],
        "disbursed": [1200.0, 0.0],
    }
    assert "echarts.min.js" in response.content.decode()


def test_dispatches_against_person_targets(world, client_for):
    response = client_for(world["users"]["office"]).get(reverse("dispatches:list"))
    (target,) = response.context["person_targets"]
    assert target.sent == 1 and target.value == 12
    (share,) = target.shares
    assert share.sent == 1 and share.progress == pytest.approx(1 / 12)
    (unit,) = response.context["units"]
    assert unit["name"] == "福建省福州市马尾区" and unit["total"] == 1


def test_dashboard_reuses_its_figures_until_the_data_changes(world, client_for):
    """The figures (lights over every task included) are cached on the data's version: a view with nothing
    changed reuses them; a task changed shows on the very next view (the #14 complaint stays fixed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from duikou.plans.models import Plan, Task

    office, mawei = world["users"]["office"], world["users"]["mawei"]
    with CaptureQueriesContext(connection) as first_queries:
        first = stats.dashboard(office)
    with CaptureQueriesContext(connection) as again_queries:
        again = stats.dashboard(office)
    assert len(again_queries.captured_queries) < len(first_queries.captured_queries) / 2
    assert again["light_counts"] == first["light_counts"] and again["totals"] == first["totals"]
    assert [r["light"] for r in again["units"]] == [r["light"] for r in first["units"]]

    # Another user's view is not the office's: a unit reporter counts only the tasks it may see.
    from duikou.core.permissions import VIEW

    theirs = Task.objects.restrict(mawei, VIEW).filter(plan__status=Plan.PUBLISHED).count()
    assert (
        sum(stats.dashboard(mawei)["light_counts"].values()) == theirs < sum(first["light_counts"].values())
    )

    task = Task.objects.filter(plan=world["plan"]).exclude(status__in=Task.CLOSED).order_by("pk").first()
    task.status = Task.COMPLETED
    task.save()
    after = stats.dashboard(office)
    assert after["light_counts"]["done"] == first["light_counts"]["done"] + 1
    assert after["totals"]["completed"] == first["totals"]["completed"] + 1
    assert client_for(office).get(reverse("web:home")).context["light_counts"] == after["light_counts"]


def _complete_a_task(world):
    from duikou.plans.models import Task

    task = Task.objects.filter(plan=world["plan"]).exclude(status__in=Task.CLOSED).order_by("pk").first()
    task.status = Task.COMPLETED
    task.save()


def test_the_dashboard_serves_the_last_figures_while_the_queue_computes_new_ones(world, client_for, settings):
    """No view counts the whole country's lights: a change is shown by the queue's refresh, asked once however
    many views come meanwhile; the page says when its figures were computed."""
    import threading

    from duikou.core import jobs
    from duikou.core.models import Job
    from duikou.web.models import DashboardSnapshot

    office = world["users"]["office"]
    client = client_for(office)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = client.get(reverse("web:home"))
    assert "总览数据正在计算" in first.content.decode()  # nothing computed yet: the queue has it
    assert jobs.work(threading.Event(), once=True) == 1
    before = stats.dashboard(office)
    snapshot = DashboardSnapshot.objects.get()
    page = client.get(reverse("web:home")).content.decode()
    assert f"数据更新于 {timezone.localtime(snapshot.computed_at):%Y-%m-%d %H:%M}" in page
    assert Job.objects.filter(kind="web.refresh_dashboard").count() == 1  # fresh figures ask for nothing

    _complete_a_task(world)
    for _view in range(3):
        stale = stats.dashboard(office)
        assert stale["light_counts"] == before["light_counts"] and stale["snapshot"]["refreshing"]
    assert Job.objects.filter(kind="web.refresh_dashboard", status=Job.QUEUED).count() == 1
    assert jobs.work(threading.Event(), once=True) == 1
    after = stats.dashboard(office)
    assert after["light_counts"]["done"] == before["light_counts"]["done"] + 1
    assert after["totals"]["completed"] == before["totals"]["completed"] + 1
    assert not after["snapshot"]["refreshing"]


def test_the_snapshot_is_refreshed_at_most_once_in_the_interval(world, settings):
    from duikou.core.models import Job

    office = world["users"]["office"]
    before = stats.dashboard(office)  # computed now (the immediate backend)
    settings.DUIKOU_DASHBOARD_REFRESH_SECONDS = 60
    _complete_a_task(world)
    assert stats.dashboard(office)["light_counts"] == before["light_counts"]
    assert Job.objects.filter(kind="web.refresh_dashboard").count() == 1
    settings.DUIKOU_DASHBOARD_REFRESH_SECONDS = 0
    assert stats.dashboard(office)["light_counts"]["done"] == before["light_counts"]["done"] + 1


def test_the_snapshot_equals_the_figures_computed_for_the_office(world):
    """The queue's figures (computed with no user, from the tallies) are those the office's rows through the gate
    give when computed as for a user who sees a part (stats._whole_figures with everything=False)."""
    from duikou.programs.models import Program

    _complete_a_task(world)
    office = world["users"]["office"]
    snapshot = stats.whole_snapshot()["figures"]
    direct = stats._whole_figures(office, False, set(Program.objects.values_list("pk", flat=True)))
    for key in ("totals", "units", "light_counts"):
        assert snapshot[key] == direct[key]
    assert snapshot["red_tasks"] == direct["red_tasks"]


def test_a_units_figures_are_recomputed_at_most_once_in_the_interval(world, settings, client_for):
    """A unit's figures (its own slice, computed in the request) are reused for the interval under a stream of
    others' writes, and the page says since when."""
    mawei = world["users"]["mawei"]
    settings.DUIKOU_REUSE_SECONDS = 60
    before = stats.dashboard(mawei)
    _complete_a_task(world)  # by no one of 马尾区
    again = stats.dashboard(mawei)
    assert again["light_counts"] == before["light_counts"]
    assert again["snapshot"]["computed_at"] == before["snapshot"]["computed_at"]
    page = client_for(mawei).get(reverse("web:home")).content.decode()
    assert f"数据更新于 {timezone.localtime(before['snapshot']['computed_at']):%Y-%m-%d %H:%M}" in page
    settings.DUIKOU_REUSE_SECONDS = 0
    after = stats.dashboard(mawei)
    assert after["light_counts"] != before["light_counts"]
    assert after["light_counts"]["done"] == before["light_counts"]["done"] + 1


def test_a_units_own_change_shows_on_its_next_view_within_the_interval(world, settings):
    """A unit's figures are not reused after a change by the unit itself (core.versioned.changed_since): a reporter
    sees the task their unit completed at once."""
    from duikou.core.actor import acting_as

    mawei = world["users"]["mawei"]
    settings.DUIKOU_REUSE_SECONDS = 600
    before = stats.dashboard(mawei)
    with acting_as(mawei):
        _complete_a_task(world)
    after = stats.dashboard(mawei)
    assert after["light_counts"]["done"] == before["light_counts"]["done"] + 1
    assert after["snapshot"]["computed_at"] > before["snapshot"]["computed_at"]


@pytest.mark.parametrize("reuse_seconds", [60, 600])
def test_a_units_kept_tables_are_redrawn_for_its_own_writes_not_for_others(
    world, settings, client_for, reuse_seconds
):
    """A unit's tables are kept rendered for the figures they show (when they were computed, which programs): after
    others' writes a view served the kept figures draws no table again; after its own unit's write, within any
    reuse interval (DUIKOU_REUSE_SECONDS), it shows the change at once; a program renamed shows its new name."""
    from duikou.core.actor import acting_as

    mawei = world["users"]["mawei"]
    settings.DUIKOU_REUSE_SECONDS = reuse_seconds
    client = client_for(mawei)

    def view():
        response = client.get(reverse("web:home"))
        done = int(re.search(r'id="count-done">(\d+)<', response.content.decode()).group(1))
        return response.context["tables_key"], done, response.content.decode()

    before_key, before_done, _page = view()
    _complete_a_task(world)  # by no one of 马尾区
    others_key, others_done, _page = view()
    assert (others_key, others_done) == (before_key, before_done)
    with acting_as(mawei):
        _complete_a_task(world)
    own_key, own_done, _page = view()
    assert own_key != before_key
    assert own_done == before_done + 2  # both tasks: the figures are computed afresh
    program = world["plan"].program
    program.name = "闽宁协作（更名）"
    program.save()
    renamed_key, _done, page = view()
    assert renamed_key != own_key and "闽宁协作（更名）" in page


def test_a_units_tables_are_not_drawn_again_for_figures_computed_afresh_alike(world, settings, client_for):
    """After a write of its own unit a unit's figures are computed afresh; when they come out the same (the write moved
    none of them) the tables' key is the same (the tables kept for those figures are served); when they differ, not."""
    from django.contrib.contenttypes.models import ContentType

    from duikou.core.actor import acting_as
    from duikou.core.models import ChangeLog

    mawei = world["users"]["mawei"]
    settings.DUIKOU_REUSE_SECONDS = 600
    client = client_for(mawei)

    def view():
        response = client.get(reverse("web:home"))
        page = response.content.decode()
        tables = page[page.index('<section id="lights"') :]
        return response.context["tables_key"], response.context["snapshot"]["computed_at"], tables

    before_key, before_at, before = view()
    ChangeLog.objects.create(  # a write of 马尾区's that moves none of its figures
        action=ChangeLog.UPDATE,
        content_type=ContentType.objects.get_for_model(ChangeLog),
        object_id="0",
        object_repr="test",
        request_id="test",
        user=mawei,
    )
    again_key, again_at, again = view()
    assert again_at > before_at  # computed afresh
    assert (again_key, again) == (before_key, before)
    with acting_as(mawei):
        _complete_a_task(world)
    moved_key, _at, moved = view()
    assert moved_key != before_key and moved != before


def test_a_units_kept_figures_ask_once_whether_it_wrote_since(world, settings):
    """The figures and the page's figures of a unit, computed together, are served after others' writes asking the
    change log once whether the unit wrote since (core.versioned.changed_since), not once each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mawei = world["users"]["mawei"]
    settings.DUIKOU_REUSE_SECONDS = 600
    before = stats.dashboard(mawei)
    _complete_a_task(world)  # by no one of 马尾区
    with CaptureQueriesContext(connection) as queries:
        again = stats.dashboard(mawei)
    assert again["snapshot"]["computed_at"] == before["snapshot"]["computed_at"]  # both parts kept
    asked = [q["sql"] for q in queries.captured_queries if '"core_changelog"."id" >' in q["sql"]]
    assert len(asked) == 1


def test_dashboard_names_thirty_unreported_units_and_counts_the_rest(world, client_for):
    """未报 / 迟报 on the dashboard: the first 30 units by name as links, then how many there are in all."""
    import datetime as dt

    from duikou.organizations.models import Organization
    from duikou.plans.models import Responsibility
    from duikou.reports.models import Report
    from duikou.supervision import lights

    plan = world["plan"]
    task = plan.tasks.get(number="1")
    extra = [
        Organization.objects.create(name=f"测试县{n:02d}", full_name=f"测试县{n:02d}") for n in range(40)
    ]
    Responsibility.objects.bulk_create(
        Responsibility(task=task, organization=o, role=Responsibility.SUPPORT, printed_name=o.name)
        for o in extra
    )
    (status,) = [s for s in lights.reporting_statuses([plan.program]) if s["program"] == plan.program]
    late = Report.objects.create(
        program=plan.program, organization=extra[0], period=str(status["period"]), status=Report.SUBMITTED
    )
    Report.objects.filter(pk=late.pk).update(submitted_at=timezone.now() + dt.timedelta(days=400))
    page = client_for(world["users"]["office"]).get(reverse("web:home")).content.decode()
    section = page[page.index('id="reporting"') : page.index("</ul>", page.index('id="reporting"'))]
    unreported = re.findall(r'class="unreported">([^<]+)</a>', section)
    assert len(unreported) == 30
    assert len(status["missing"]) > 40  # the extra units and the plan's own
    assert f"等 {len(status['missing']) - 1} 个单位" in section  # one of them handed in, late
    assert re.findall(r'class="late">([^<]+)</a>', section) == ["测试县00"]


def test_a_program_the_unit_comes_to_see_is_listed_on_its_next_view(world, settings, client_for):
    """The programs a unit sees are kept on the data's version, not reused for the interval: a task of a new program
    given to the unit lists that program, with its figures, on the unit's next view."""
    from duikou.plans.models import Plan, Responsibility, Task
    from duikou.programs.models import Program

    mawei = world["users"]["mawei"]
    settings.DUIKOU_REUSE_SECONDS = 600
    before = stats.dashboard(mawei)
    assert stats.dashboard(mawei)["snapshot"]["computed_at"] == before["snapshot"]["computed_at"]  # kept
    program = Program.objects.create(name="闽宁协作（新增）", start_year=2021, end_year=2025)
    plan = Plan.objects.create(
        program=program,
        title="新增方案",
        status=Plan.PUBLISHED,
        source_sha256="1" * 64,
        source_content=b"x",
        start_year=2021,
        end_year=2025,
    )
    task = Task.objects.create(plan=plan, order=0, number="1", title="新增任务")
    Responsibility.objects.create(
        task=task, organization=world["mawei"], role=Responsibility.LEAD, printed_name="马尾区"
    )
    after = stats.dashboard(mawei)
    assert program not in [row["program"] for row in before["programs"]]
    (row,) = [row for row in after["programs"] if row["program"] == program]
    # The figures are a version older at most the interval: the new program's row is listed, its counts follow.
    page = client_for(mawei).get(reverse("web:home")).content.decode()
    assert "闽宁协作（新增）" in page
    settings.DUIKOU_REUSE_SECONDS = 0
    (row,) = [row for row in stats.dashboard(mawei)["programs"] if row["program"] == program]
    assert row["tasks"] == 1


def test_a_units_reporting_lists_are_the_programs_narrowed_to_its_units(world, org, make_user):
    """未报 and 迟报 for a unit (members read among its units in the query) are the program's lists, narrowed to the
    units it sees."""
    from duikou.core import permissions as perms
    from duikou.organizations.models import Organization
    from duikou.programs.models import Program
    from duikou.supervision import lights

    programs = list(Program.objects.order_by("pk"))
    seen_missing = seen_others = False
    for user in (world["users"]["mawei"], make_user("fuzhou-head", perms.UNIT_HEAD, org("福建省福州市"))):
        units = Organization.objects.restrict(user, perms.VIEW).values("pk")
        mine = set(units.values_list("pk", flat=True))
        narrowed = lights.reporting_statuses(programs, units=units)
        for whole, part in zip(lights.reporting_statuses(programs), narrowed, strict=True):
            assert part["missing"] == [o for o in whole["missing"] if o.pk in mine]
            assert part["late"] == [o for o in whole["late"] if o.pk in mine]
            assert (part["period"], part["due"]) == (whole["period"], whole["due"])
            seen_missing |= bool(part["missing"])
            seen_others |= len(whole["missing"]) > len(part["missing"])
    assert seen_missing and seen_others  # some of the units' own, and others' left out
