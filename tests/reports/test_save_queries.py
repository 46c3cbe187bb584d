"""Saving a report writes its task progress in a number of queries that does not grow with the unit's tasks, and
still logs every row (a load of reporters saving reports made one SELECT, INSERT and change-log INSERT per task)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from duikou.core import permissions as perms
from duikou.core.models import ChangeLog
from duikou.plans.models import Responsibility, Task
from duikou.reports import services
from duikou.reports.models import TaskProgress

pytestmark = pytest.mark.django_db


def more_tasks(world, n):
    tasks = []
    for i in range(n):
        task = Task.objects.create(plan=world.plan, order=10 + i, number=f"9.{i}", title=f"任务{i}")
        Responsibility.objects.create(task=task, organization=world.mawei, role="lead", printed_name="马尾区")
        tasks.append(task)
    return tasks


def more_shares(world, n):
    from decimal import Decimal

    from duikou.targets.models import Allocation, Target

    shares = []
    for i in range(n):
        target = Target.objects.create(plan=world.plan, indicator=f"指标{i}", value=Decimal(10), order=10 + i)
        shares.append(
            Allocation.objects.create(target=target, organization=world.mawei, printed_name="马尾区", value=5)
        )
    return shares


def save(world, report, tasks, shares=(), percent=40):
    with CaptureQueriesContext(connection) as queries:
        report = services.save_report(
            report=report,
            user=world.users["reporter_a"],
            version=report.version,
            summary="本月",
            progress=[
                {"task": t.pk, "status": "in_progress", "percent": percent, "text": f"进展{t.pk}"}
                for t in tasks
            ],
            figures=[{"allocation": a.pk, "value": str(a.pk), "note": "说明"} for a in shares],
        )
    return report, len(queries)


def test_query_count_does_not_grow_with_the_tasks(world):
    few, few_shares = [world.task_a, world.task_shared], [world.alloc_a]
    save(world, world.report_a, few, few_shares)  # caches warmed (content types)
    many, many_shares = few + more_tasks(world, 12), few_shares + more_shares(world, 9)
    # Reports of the same unit for new periods: every row new.
    reports = [
        services.start_report(
            program=world.program, organization=world.mawei, period=period, user=world.users["reporter_a"]
        )
        for period in ("2025-02", "2025-03")
    ]
    _report, queries_few = save(world, reports[0], few, few_shares)
    other, queries_many = save(world, reports[1], many, many_shares)
    assert queries_many == queries_few
    figures = dict(other.figures.values_list("allocation_id", "value"))
    assert figures == {a.pk: a.pk for a in many_shares}
    stored = dict(TaskProgress.objects.filter(report=other).values_list("task_id", "text"))
    assert stored == {t.pk: f"进展{t.pk}" for t in many}
    logged = ChangeLog.objects.filter(content_type__model="taskprogress", action=ChangeLog.CREATE)
    assert (
        logged.filter(
            object_id__in=[str(p) for p in other.task_progress.values_list("pk", flat=True)]
        ).count()
        == 14
    )


def test_a_changed_row_is_saved_and_logged_an_unchanged_one_is_not(world):
    report, _n = save(world, world.report_a, [world.task_a, world.task_shared])
    before = ChangeLog.objects.filter(action=ChangeLog.UPDATE, content_type__model="taskprogress").count()
    report = services.save_report(
        report=report,
        user=world.users["reporter_a"],
        version=report.version,
        progress=[
            {
                "task": world.task_a.pk,
                "status": "in_progress",
                "percent": 40,
                "text": f"进展{world.task_a.pk}",
            },
            {"task": world.task_shared.pk, "status": "completed", "percent": 10, "text": "完成"},
            {"task": world.task_shared.pk, "status": "completed", "percent": 10, "text": "完成了"},
        ],
    )
    rows = {p.task_id: (p.status, p.percent, p.text) for p in report.task_progress.all()}
    assert rows == {
        world.task_a.pk: ("in_progress", 40, f"进展{world.task_a.pk}"),
        world.task_shared.pk: ("completed", 100, "完成了"),  # the last row of a task given twice wins
    }
    updates = ChangeLog.objects.filter(action=ChangeLog.UPDATE, content_type__model="taskprogress")
    assert {e.object_id for e in updates.order_by("id")[before:]} == {
        str(report.task_progress.get(task=world.task_shared).pk)
    }


def test_a_draft_leaves_the_target_tallies_alone_until_approved(world):
    from duikou.analytics import services as analytics
    from duikou.analytics.models import TargetTally

    reporter, head, office = world.users["reporter_a"], world.users["head_a"], world.users[perms.OFFICE_ADMIN]
    with CaptureQueriesContext(connection) as queries:
        report = services.save_report(
            report=world.report_a,
            user=reporter,
            version=world.report_a.version,
            figures=[{"allocation": world.alloc_a.pk, "value": "30", "note": ""}],
        )
        report = services.submit_report(report=report, user=reporter)
        report = services.submit_report(report=report, user=head)
    assert not [q for q in queries.captured_queries if "analytics_targettally" in q["sql"]]
    before = TargetTally.objects.get(target_id=world.target.pk).achieved
    services.approve_report(report=report, user=office)
    assert TargetTally.objects.get(target_id=world.target.pk).achieved == before + 30
    live = list(TargetTally.objects.order_by("target_id").values())
    analytics.rebuild()
    assert list(TargetTally.objects.order_by("target_id").values()) == live


def test_figures_changed_cleared_and_kept(world):
    shares = [world.alloc_a, *more_shares(world, 2)]
    report, _n = save(world, world.report_a, [], shares)
    report = services.save_report(
        report=report,
        user=world.users["reporter_a"],
        version=report.version,
        figures=[
            {"allocation": shares[0].pk, "value": "7", "note": ""},  # changed
            {"allocation": shares[1].pk, "value": "", "note": ""},  # cleared
            {"allocation": shares[2].pk, "value": str(shares[2].pk), "note": "说明"},  # unchanged
            {"allocation": shares[1].pk, "value": "", "note": ""},
        ],
    )
    assert dict(report.figures.values_list("allocation_id", "value")) == {
        shares[0].pk: 7,
        shares[2].pk: shares[2].pk,
    }
    # Cleared, then given again in a later save: a new figure.
    report = services.save_report(
        report=report,
        user=world.users["reporter_a"],
        version=report.version,
        figures=[{"allocation": shares[1].pk, "value": "3", "note": ""}],
    )
    assert report.figures.get(allocation=shares[1]).value == 3
