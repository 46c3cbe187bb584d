"""The report flow's reads compiled once a process (core.compiled.CompiledObjects) give what their querysets give: the
same rows, the same field values, their select_related objects set, for every user and report of the world."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import CharField
from django.test.utils import CaptureQueriesContext

from duikou.core import permissions as perms
from duikou.core.compiled import Compiled, CompiledObjects, Param
from duikou.programs.models import Program
from duikou.reports import services
from duikou.reports.forms import StartReportForm
from duikou.reports.models import Report

pytestmark = pytest.mark.django_db


def _fields(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if not k.startswith("_")}


def test_compiled_objects_are_the_querysets_own(world):
    query = CompiledObjects(
        Report,
        lambda: Report.objects.select_related("program", "organization").filter(pk=Param("pk")).order_by(),
    )
    for report in Report.objects.all():
        (found,) = query.objects(None, pk=report.pk)
        expected = Report.objects.select_related("program", "organization").get(pk=report.pk)
        assert _fields(found) == _fields(expected) and not found._state.adding
        assert Report.program.is_cached(found) and Report.organization.is_cached(found)
        assert _fields(found.organization) == _fields(expected.organization)
        assert _fields(found.program) == _fields(expected.program)
    assert query.objects(None, pk=0) == []


@pytest.mark.django_db(transaction=True)
def test_compiled_queries_outlive_their_connection_and_are_recorded():
    """Compiled queries run on a cursor kept with the database connection: after the connection is closed (its age
    reached, a failed health check) the next query opens a new one; while queries are recorded (assertNumQueries,
    the bench's floor) each is recorded."""
    query = Compiled(
        ContentType,
        lambda: (
            ContentType.objects.filter(app_label=Param("app", CharField()))
            .order_by("model")
            .values_list("model")
        ),
    )
    expected = list(ContentType.objects.filter(app_label="reports").order_by("model").values_list("model"))
    assert expected and query.rows(None, app="reports") == expected
    connection.close()  # (an in-memory SQLite database stays open: Django ignores the close)
    assert query.rows(None, app="reports") == expected
    with CaptureQueriesContext(connection) as captured:
        assert query.rows(None, app="reports") == expected
    assert len(captured) == 1


def test_start_form_offers_the_programs_the_gate_lets_through(world):
    for user in world.users.values():
        form = StartReportForm(user=user)
        expected = list(Program.objects.restrict(user).order_by("name"))
        assert form.fields["program"].programs == expected, user.username
        assert list(form.fields["program"].queryset) == expected


def test_unit_scope_is_the_unit_tasks_and_shares(world):
    for report in Report.objects.select_related("organization"):
        tasks, allocations = services.unit_scope(report)
        assert [_fields(t) for t in tasks] == [
            _fields(t) for t in services.unit_tasks(report).defer(*services._UNREAD_TASK_FIELDS)
        ]
        assert [(a.pk, _fields(a.target)) for a in allocations] == [
            (a.pk, _fields(a.target))
            for a in services.unit_allocations(report).defer(*services._UNREAD_ALLOCATION_FIELDS)
        ]


def test_unit_scope_of_a_unit_alone_and_of_one_with_units_under_it(world):
    """A unit with no unit under it has its tasks found from its own responsibilities first (one compiled query); one
    with units under it by its subtree's (the other): either gives what unit_tasks gives."""
    from duikou.organizations.models import Organization
    from duikou.plans.models import Responsibility

    def scope_tasks(report):
        tasks, _allocations = services.unit_scope(report)
        expected = services.unit_tasks(report).defer(*services._UNREAD_TASK_FIELDS)
        assert [_fields(t) for t in tasks] == [_fields(t) for t in expected]
        return [t.pk for t in tasks]

    report = Report.objects.select_related("organization").get(pk=world.report_a.pk)
    assert scope_tasks(report) == [world.task_a.pk, world.task_shared.pk]
    office = Organization.objects.create(
        name="马尾区商务局", parent=world.mawei, kind=Organization.DEPARTMENT
    )
    Responsibility.objects.create(
        task=world.task_b, organization=office, role="support", printed_name="商务局"
    )
    report = Report.objects.select_related("organization").get(pk=world.report_a.pk)
    assert services._units(report) == [world.mawei.pk, office.pk]
    assert scope_tasks(report) == [world.task_a.pk, world.task_b.pk, world.task_shared.pk]


def test_a_unit_reporter_reads_only_its_own_reports(client, world):
    """The report read by id (compiled) still goes through the gate: another unit's report is not found."""
    reporter = world.users["reporter_a"]
    client.force_login(reporter)
    for report in Report.objects.all():
        answer = client.get(f"/reports/{report.pk}/")
        assert answer.status_code == (200 if perms.can(reporter, report) else 404)
    assert client.get("/reports/99999999999999999999/").status_code == 404
