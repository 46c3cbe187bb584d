"""Hole 14: a unit does not see other units' allocations or figures — not on the dispatches page, not one by one
and not summed on a target's page or in the targets list."""

import datetime as dt
from decimal import Decimal

import pytest

from duikou.core import permissions as perms


@pytest.fixture
def figures(world):
    """鼓楼区 reported 47 (approved) against its share of the target; 马尾区 reported 31 (approved)."""
    from duikou.reports.models import Report, TargetFigure
    from duikou.targets.models import Target

    for report, allocation, value in (
        (world.report_b, world.alloc_b, "47"),
        (world.report_a, world.alloc_a, "31"),
    ):
        Report.objects.filter(pk=report.pk).update(status=Report.APPROVED)
        TargetFigure.objects.create(
            report=report, target=world.target, allocation=allocation, value=Decimal(value)
        )
    person = Target.objects.create(
        plan=world.plan, indicator="选派专业技术人员", value=Decimal(12), unit=Target.PERSON, order=2
    )
    world.alloc_a.__class__.objects.create(
        target=person, organization=world.mawei, printed_name="马尾区", value=Decimal(7), order=1
    )
    world.alloc_a.__class__.objects.create(
        target=person, organization=world.gulou, printed_name="鼓楼区", value=Decimal(5), order=2
    )
    from duikou.dispatches.models import Dispatch

    Dispatch.objects.create(
        program=world.program,
        target=person,
        person_name="王医生",
        from_organization=world.gulou,
        to_organization=world.wanzhou,
        field=Dispatch.FIELDS[0][0],
        start_date=dt.date(2025, 3, 1),
    )
    Dispatch.objects.create(
        program=world.program,
        target=person,
        person_name="李老师",
        from_organization=world.mawei,
        to_organization=world.wanzhou,
        field=Dispatch.FIELDS[0][0],
        start_date=dt.date(2025, 3, 1),
    )
    return person


@pytest.mark.django_db
def test_a_targets_page_shows_a_unit_only_its_own_figures(client, world, figures):
    client.force_login(world.users["reporter_a"])
    page = client.get(f"/targets/{world.target.pk}/")
    assert page.context["target"].achieved == 31  # its own figure, not 31 + 47
    assert [a.organization for a in page.context["allocations"]] == [world.mawei]
    assert "鼓楼区" not in page.content.decode()
    listing = client.get("/targets/")
    shown = {t.pk: t.achieved for t in listing.context["page"].object_list}
    assert shown[world.target.pk] == 31
    client.force_login(world.users[perms.OFFICE_ADMIN])
    office = client.get(f"/targets/{world.target.pk}/")
    assert office.context["target"].achieved == 78 and "鼓楼区" in office.content.decode()


@pytest.mark.django_db
def test_the_dispatches_page_shows_a_unit_only_its_own_allocations(client, world, figures):
    client.force_login(world.users["reporter_a"])
    html = client.get("/dispatches/").content.decode()
    assert "选派专业技术人员" in html
    assert "鼓楼区" not in html and "王医生" not in html
    client.force_login(world.users[perms.OFFICE_ADMIN])
    assert "鼓楼区" in client.get("/dispatches/").content.decode()
