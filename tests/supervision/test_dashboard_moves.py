"""The measured bug of issue #14: approving a report that met a unit's split targets left the dashboard exactly as
it was (completion, 目标已达成 0/31, the unit's row). The target as a whole was not yet reached (the other units had
not reported), so every figure the dashboard showed stood still. It now shows the units' shares reached (分解到单位)
in the totals and in each unit's row, from the tallies kept in the same transaction."""

from decimal import Decimal

import pytest

from duikou.analytics.models import TargetTally
from duikou.analytics.services import rebuild
from duikou.reports import services as reports
from duikou.web import stats

pytestmark = pytest.mark.django_db


def _unit_row(data, org):
    return next(r for r in data["units"] if r["organization_id"] == org.pk)


@pytest.mark.parametrize("role", ["office_admin", "reporter_a"])
def test_approving_a_report_that_meets_a_units_share_moves_the_dashboard(world, role, browser_client):
    office, viewer = world.users["office_admin"], world.users[role]
    before = stats.dashboard(viewer)
    assert before["totals"]["allocations"] >= 1 and before["totals"]["allocations_reached"] == 0
    assert _unit_row(before, world.mawei)["allocations_reached"] == 0
    world.report_a.figures.create(target=world.target, allocation=world.alloc_a, value=Decimal(100))
    world.report_a.task_progress.create(task=world.task_a, status="completed", percent=100)
    world.report_a.status = "submitted"
    world.report_a.save()
    reports.approve_report(report=world.report_a, user=office)
    after = stats.dashboard(viewer)
    # The whole target (150) is not reached by 马尾区's 100, but its share (100) is: the dashboard says so.
    assert after["totals"]["reached"] == before["totals"]["reached"]
    assert after["totals"]["allocations_reached"] == before["totals"]["allocations_reached"] + 1
    row = _unit_row(after, world.mawei)
    assert (
        row["allocations_reached"] == 1
        and row["completed"] == _unit_row(before, world.mawei)["completed"] + 1
    )
    assert after["totals"]["completed"] == before["totals"]["completed"] + 1
    page = browser_client(viewer).get("/").content.decode()
    assert "分解到单位：1 / " in page


def test_share_counts_equal_a_rebuild(world):
    world.report_a.figures.create(target=world.target, allocation=world.alloc_a, value=Decimal(100))
    world.report_a.status = "submitted"
    world.report_a.save()
    reports.approve_report(report=world.report_a, user=world.users["office_admin"])
    live = list(
        TargetTally.objects.values_list("target_id", "allocations", "allocations_reached").order_by("pk")
    )
    rebuild()
    assert (
        list(
            TargetTally.objects.values_list("target_id", "allocations", "allocations_reached").order_by("pk")
        )
        == live
    )
    assert (world.target.pk, 2, 1) in live
