"""The gate's shortcut for one unit's rows (`through`) gives exactly what restrict() then filter() gives, for
every role, side and unit, including units outside the user's subtree where the shortcut must not apply."""

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
