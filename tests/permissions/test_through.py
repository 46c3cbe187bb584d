"""The gate's shortcut for one unit's rows (`through`) gives exactly what restrict() then filter() gives, for
every role, side and unit, including units outside the user's subtree where the shortcut must not apply."""

import datetime as dt
from collections import Counter

import pytest

from duikou.core import permissions as perms
from duikou.funds.models import FundingLine, Transaction
from duikou.plans.models import Responsibility
from duikou.projects.models import Project
from duikou.targets.models import Allocation
from permissions.world import ROLES

SIDES = [
    (Transaction, "payer"),
    (Transaction, "payee"),
    (Responsibility, "organization"),
    (Allocation, "organization"),
    (FundingLine, "source_organization"),
    (Project, "implementer"),
    (Project, "recipient"),
    (Project, "proposed_by"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_through_equals_restrict_then_filter(world, role):
    user = world.users[role]
    checked = 0
    for model, path in SIDES:
        for org in (world.mawei, world.gulou, world.wanzhou):
            for action in (perms.VIEW, perms.CHANGE):
                fast = set(model.objects.through(user, path, org, action).values_list("pk", flat=True))
                slow = set(
                    model.objects.restrict(user, action).filter(**{path: org}).values_list("pk", flat=True)
                )
                assert fast == slow, f"{model.__name__}.{path}={org.name} {action} as {role}"
                checked += bool(slow)
    assert checked  # the world gives every role something to see through at least one side


@pytest.mark.django_db
def test_the_unit_pages_compiled_lists_are_what_the_gate_gives(world):
    """The unit page's lists are compiled once per gate key (organizations.views._gate_key) and run for any unit: for
    every role and unit, in one process (each compiled query then serves the next viewer and unit that share its key),
    they are the rows `through` gives, and a reporter of one unit is never answered with another's gate."""
    from duikou.dispatches.models import Dispatch
    from duikou.organizations import views

    lists = [
        (views._TASKS, *views._ASSIGNED, views._TASK_COLUMNS, ("task__plan__issued_on", "task__order", "pk")),
        (
            views._SHARE_ROWS,
            *views._SHARES,
            views._SHARE_COLUMNS,
            ("target__plan__issued_on", "target__order", "pk"),
        ),
        (
            views._FUNDING_LINES,
            FundingLine,
            "source_organization",
            ("plan_id", "plan__title", "source", "year", "amount"),
            ("-year", "pk"),
        ),
    ]
    # 马尾区 sends someone to 万州区: one row for the sender, the receiver and whoever sees either.
    Dispatch.objects.create(
        program=world.program,
        person_name="林医生",
        from_organization=world.mawei,
        to_organization=world.wanzhou,
        start_date=dt.date(2025, 3, 1),
    )
    seen = mixed = 0
    for role in [r for r in ROLES if r != "anonymous"]:
        user = world.users[role]
        for org in (world.mawei, world.gulou, world.wanzhou):
            for compiled, model, path, columns, order in lists:
                got = views._seen(compiled, views._gate_key(user, org, (model, path)), org)
                expected = model.objects.through(user, path, org).order_by(*order).values_list(*columns)[:50]
                assert got == list(expected), f"{model.__name__}.{path}={org.name} as {role}"
                seen += len(got)
            # Payments and projects: one statement of every side's first rows (a row may come on two sides).
            for compiled, columns, order in [
                (views._PAYMENTS, views.PAYMENT_COLUMNS, ("-date", "-pk")),
                (views._PROJECTS, views.PROJECT_COLUMNS, ("-pk",)),
            ]:
                key = views._gate_key(user, org, *compiled.paths)
                # Some sides through the gate and some not (two statements, organizations.views._Sides.rows).
                mixed += 0 < sum(key[1:]) < len(compiled.paths)
                got = views._seen(compiled, key, org)
                expected = [
                    row
                    for model, path in compiled.paths
                    for row in model.objects.through(user, path, org)
                    .order_by(*order)
                    .values_list(*columns)[:50]
                ]
                assert Counter(got) == Counter(expected), f"{compiled.paths}={org.name} as {role}"
                seen += len(got)
            count = views._seen(views._SHARE_COUNT, views._gate_key(user, org, views._SHARES), org)
            assert (count[0][0] if count else 0) == Allocation.objects.through(
                user, "organization", org
            ).count()
            sides = [(Dispatch, "from_organization"), (Dispatch, "to_organization")]
            people = views._seen(views._DISPATCHES, views._gate_key(user, org, *sides), org)
            expected = Dispatch.objects.through(user, *sides[0][1:], org) | Dispatch.objects.through(
                user, *sides[1][1:], org
            )
            assert people == list(expected.order_by("-start_date", "pk").values_list(*views.DISPATCH_COLUMNS))
            seen += len(people)
    assert seen and mixed


@pytest.mark.django_db
def test_the_unit_pages_gated_lists_serve_every_unit_of_a_role(world, make_user):
    """A list through the gate is compiled once per role (organizations.views._gate_key: the gate's Shape), the
    viewer's subtree its parameter: reporters of two units, each on the other's page, get what their own gate gives."""
    from duikou.organizations import views

    first, second = (
        world.users["reporter_a"],
        make_user("wanzhou_reporter", perms.UNIT_REPORTER, world.wanzhou),
    )
    keys, seen = {}, 0
    for user, org in ((first, world.wanzhou), (second, world.mawei), (first, world.mawei)):
        key = keys[user, org] = views._gate_key(user, org, *views._PROJECTS.paths)
        expected = [
            row
            for model, path in views._PROJECTS.paths
            for row in model.objects.through(user, path, org)
            .order_by("-pk")
            .values_list(*views.PROJECT_COLUMNS)[:50]
        ]
        got = views._seen(views._PROJECTS, key, org)
        assert Counter(got) == Counter(expected), f"{user} on {org.name}"
        seen += len(got)
    assert keys[first, world.wanzhou][0] == keys[second, world.mawei][0]  # one compiled query for both
    assert seen
