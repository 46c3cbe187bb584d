"""The report pages a reporter opens in the load mix: their query counts do not grow with the unit's tasks,
shares or programs (each query of a unit's permission gate is tens of ms at national scale)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duikou.reports import services

from .test_save_queries import more_shares, more_tasks

pytestmark = pytest.mark.django_db
# The report page as a reporter sees it: session, user, unit, report, its rows, tasks, shares, lock, evidence,
# transactions, previous report and its rows, events (was 20 before the rows were read once, 15 while the gate was
# asked of the report read with its unit).
PAGE_QUERIES = 14


def count(client, url):
    client.get(url)  # sessions, content types and templates warmed
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def filled(world, tasks, shares):
    report = services.save_report(
        report=world.report_a,
        user=world.users["reporter_a"],
        version=world.report_a.version,
        progress=[{"task": t.pk, "status": "in_progress", "percent": 30, "text": "推进"} for t in tasks],
        figures=[{"allocation": a.pk, "value": "5", "note": ""} for a in shares],
    )
    return f"/reports/{report.pk}/"


def test_report_page_queries_do_not_grow_with_tasks_and_shares(client, world):
    client.force_login(world.users["reporter_a"])
    few, page_few = count(client, filled(world, [world.task_a], [world.alloc_a]))
    tasks, shares = more_tasks(world, 10), more_shares(world, 6)
    many, page_many = count(client, filled(world, [world.task_a, *tasks], [world.alloc_a, *shares]))
    assert many == few
    assert few <= PAGE_QUERIES, few
    assert len(re.findall(r'name="task-\d+-status"', page_many)) == 12
    assert len(re.findall(r'name="alloc-\d+-value"', page_many)) == 7
    assert 'id="save-report"' in page_many and 'id="submit-report"' in page_many


def test_reports_list_reads_the_units_programs_once(client, world):
    from duikou.programs.models import Program

    client.force_login(world.users["reporter_a"])
    n, page = count(client, "/reports/")
    program_queries = [q for q in _queries(client, "/reports/") if 'FROM "programs_program"' in q]
    assert len(program_queries) == 1, program_queries
    assert f'<option value="{world.program.pk}">{world.program}</option>' in page
    assert Program.objects.restrict(world.users["reporter_a"]).count() == 1


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return [q["sql"] for q in queries.captured_queries]


def test_the_report_page_and_its_submit_never_ask_the_gate_of_the_units_own_report(client, world):
    """The page reads the report with its unit, which settles the gate for the unit's own reporter (the view, the edit
    and submit steps): no query of the gate, on the page nor in the submit; another unit's reporter is still refused."""
    client.force_login(world.users["reporter_a"])
    url = f"/reports/{world.report_a.pk}/"
    client.get(url)
    gate = 'FROM "organizations_organization" U0 WHERE U0."tree_path"'
    page = [q for q in _queries(client, url) if gate in q]
    assert page == []
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{url}submit/")
    assert response.status_code == 302
    assert [q["sql"] for q in queries.captured_queries if gate in q["sql"]] == []
    world.report_a.refresh_from_db()
    assert world.report_a.status == world.report_a.PENDING_HEAD
    client.force_login(world.users["reporter_b"])
    assert client.get(url).status_code == 404
    assert client.post(f"{url}submit/").status_code == 404


def test_a_report_read_with_its_unit_settles_the_gate_without_a_query(world):
    from duikou.core import permissions as perms
    from duikou.reports.models import Report

    report = Report.objects.select_related("organization").get(pk=world.report_a.pk)
    with CaptureQueriesContext(connection) as queries:
        assert perms.can(world.users["reporter_a"], report, perms.CHANGE)
        assert perms.can(world.users[perms.OFFICE_ADMIN], report, perms.CHANGE)
        assert not perms.can(world.users["reporter_b"], report, perms.CHANGE)
    assert (
        len(queries) == 1
    )  # only the other unit's reporter, whom the unit read does not settle, asks the database


def test_remembered_answers_stay_inside_the_block(world):
    from duikou.core import permissions as perms
    from duikou.reports.models import Report

    # Read without its unit: the gate is asked of the database (a report read with it settles it without).
    reporter, report = world.users["reporter_a"], Report.objects.get(pk=world.report_a.pk)
    with CaptureQueriesContext(connection) as queries:
        with perms.remembered():
            assert perms.can(reporter, report, perms.CHANGE) and perms.can(reporter, report, perms.CHANGE)
            assert not perms.can(world.users["reporter_b"], report, perms.CHANGE)
        assert perms.can(reporter, report, perms.CHANGE)
    assert len(queries) == 3  # once in the block per user, and again outside it


def test_report_page_queries_do_not_grow_with_payments_and_history(client, world):
    """The unit's payments of the period and the report's workflow steps are each one query, whatever their number,
    and show what the page shows of them (the payee, who took the step)."""
    from duikou.funds import services as funds

    reporter = world.users["reporter_a"]
    client.force_login(reporter)
    url = f"/reports/{world.report_a.pk}/"
    few, _page = count(client, url)
    for n in range(3):
        funds.record_disbursement(
            user=reporter,
            payer=world.mawei,
            payee=world.wanzhou,
            amount=str(100 + n),
            date=world.report_a.period.start,
            funding_line=world.line,
        )
    services.submit_report(report=world.report_a, user=reporter)
    many, page = count(client, url)
    assert many == few
    assert page.count(f"<td>{world.wanzhou}</td>") >= 3
    assert f"<td>{reporter}</td>" in page


def test_reports_list_reads_a_units_reports_through_the_gate_once(client, world):
    """A unit's own reports are read through the gate once (their ids), then counted and paged by id: the same
    rows, in the same order, over two pages."""
    from duikou.reports.models import Report

    user, report = world.users["reporter_a"], world.report_a
    for month in range(55):
        Report.objects.create(
            program=report.program,
            organization=report.organization,
            period=f"{2030 + month // 12}-{month % 12 + 1:02d}",
        )
    gated = list(
        Report.objects.restrict(user)
        .order_by("-period", "organization__full_name", "pk")
        .values_list("pk", flat=True)
    )
    assert len(gated) > 50
    client.force_login(user)
    shown = []
    for number in (1, 2):
        n, page = count(client, f"/reports/?page={number}")
        rows = page.split('id="reports"')[1].split("</tbody>")[0]
        shown += [int(pk) for pk in re.findall(r'href="/reports/(\d+)/"', rows)]
        assert f"共 {len(gated)} 份" in page
    assert shown == gated
    gate_reads = [
        q for q in _queries(client, "/reports/") if 'FROM "reports_report"' in q and "tree_path" in q
    ]
    assert len(gate_reads) == 1, gate_reads
