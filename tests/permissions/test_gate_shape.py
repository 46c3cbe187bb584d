"""The gate's SQL shapes (ids read from the other table's own column; one OR of a model's own foreign keys) let
through exactly the rows of its plain shape: one subquery per path, joined from the model, by UNION."""

import pytest
from django.apps import apps
from django.core.exceptions import EmptyResultSet

from duikou.core import permissions as perms

pytestmark = pytest.mark.django_db


def plain_gate(model, user, action):
    """The gate as it was written before its shapes: every path a join from the model, the subtree a subquery."""
    if not perms.allows(user, model, action):
        return set()
    role = perms.role_of(user)
    if role in (perms.OFFICE_ADMIN, *perms.THREE_ADMINS) or (
        role in perms.READ_EVERYTHING_ROLES and action == "view"
    ):
        return set(model._base_manager.values_list("pk", flat=True))
    if not getattr(model, "owner_paths", ()) and not getattr(model, "recipient_paths", ()):
        return set(model._base_manager.values_list("pk", flat=True)) if action == "view" else set()
    paths = perms._paths_for(model, role, action)
    orgs = perms.organization_subtree(user)
    found = set()
    for path in paths:
        found |= set(model._base_manager.filter(**{f"{path}__in": orgs}).values_list("pk", flat=True))
    return found


GATED = [m for m in apps.get_models() if getattr(m, "owner_paths", ()) or getattr(m, "recipient_paths", ())]


@pytest.mark.parametrize("model", GATED, ids=[m._meta.label for m in GATED])
def test_gate_shapes_let_through_the_plain_gates_rows(world, model):
    for user in world.users.values():
        for action in perms.ACTIONS:
            shaped = set(model.objects.restrict(user, action).values_list("pk", flat=True))
            assert shaped == plain_gate(model, user, action), (model._meta.label, user.username, action)


def test_payments_gate_is_one_or_of_its_columns(world):
    from duikou.funds.models import Transaction

    user = world.users["reporter_a"]
    sql = str(Transaction.objects.restrict(user).query)
    assert "UNION" not in sql and "payer_id" in sql and "payee_id" in sql
    # Nested in another query (relabelled aliases), the same rows.
    nested = Transaction.objects.filter(pk__in=Transaction.objects.restrict(user).values("pk"))
    assert set(nested.values_list("pk", flat=True)) == plain_gate(Transaction, user, "view")


def test_a_path_of_keys_to_a_many_to_many_reads_the_last_keys_column_among_its_rows(world):
    """A task reaches its program's recipients as its plan's program_id among the recipients' rows, not joined
    through the programs table (one join fewer for the database to plan); the same rows, for every user."""
    from duikou.plans.models import Task

    sql = str(Task.objects.restrict(world.users[perms.RECIPIENT_VIEWER]).query)
    assert "programs_program_recipients" in sql and '"programs_program"' not in sql
    for user in world.users.values():
        assert set(Task.objects.restrict(user).values_list("pk", flat=True)) == plain_gate(Task, user, "view")


def test_shares_gate_is_one_or_of_its_column_and_the_ids_its_other_path_reaches(world):
    """A target share reaches a unit through its own column and through its program's recipients: one OR on the
    table, no UNION read again by id; the same rows, nested too, for every user."""
    from duikou.targets.models import Allocation

    for user in world.users.values():
        gated = Allocation.objects.restrict(user)
        if perms.role_of(user) in perms.UNIT_ROLES:
            sql = str(gated.query)
            assert "UNION" not in sql and "organization_id" in sql, sql
        nested = Allocation.objects.filter(pk__in=gated.values("pk"))
        assert set(nested.values_list("pk", flat=True)) == plain_gate(Allocation, user, "view"), user.username


def test_one_compiled_gate_per_shape_lets_each_user_through_its_own_rows(world):
    """The gate compiled once for a `Shape` (role, and whether the user has a unit: its subtree's path a parameter)
    gives every user of that shape, of whichever unit, the rows restrict() gives it, for every gated model; the
    users of one role share the one compiled query."""
    from duikou.core.compiled import Compiled

    for model in GATED:
        compiled = Compiled(
            model,
            lambda shape, model=model: model.objects.restrict(shape.stand_in()).order_by().values_list("pk"),
            maxsize=32,
        )
        for user in world.users.values():
            shape = perms.Shape(user)
            found = {pk for (pk,) in compiled.rows(None, shape, **shape.values())}
            assert found == set(model.objects.restrict(user).values_list("pk", flat=True)), (
                model._meta.label,
                user.username,
            )
        shapes = {perms.Shape(user) for user in world.users.values()}
        assert compiled._sql.cache_info().misses == len(shapes), model._meta.label
    reporters = [u for u in world.users.values() if perms.role_of(u) == perms.UNIT_REPORTER]
    assert len({u.organization_id for u in reporters}) > 1  # reporters of two units: one shape


def _sql(queryset) -> str:
    try:
        return str(queryset.query)
    except EmptyResultSet:  # the gate's none()
        return ""


@pytest.mark.parametrize("model", GATED, ids=[m._meta.label for m in GATED])
def test_restrict_writes_the_gate_built_for_each_user_from_its_subqueries_compiled_once_per_role(
    world, model
):
    """restrict() runs the gate's subqueries compiled once per model, role and action (core.permissions._GATES):
    for every user and action, the SQL the gate built for that user alone, and one compiled gate per role."""
    build = perms._compiled_gate
    perms._GATES.clear()
    for user in world.users.values():
        for action in perms.ACTIONS:
            compiled = _sql(model.objects.restrict(user, action))
            perms._compiled_gate = lambda *args, **kwargs: None
            try:
                built = _sql(model.objects.restrict(user, action))
            finally:
                perms._compiled_gate = build
            assert compiled == built, (user.username, action)
    roles = {
        perms.role_of(u)
        for u in world.users.values()
        if u.organization_id and perms._paths_for(model, perms.role_of(u), "view")
    }
    assert {key[1] for key in perms._GATES if key[0] is model and key[2] == "view"} == roles


@pytest.mark.parametrize("model", GATED, ids=[m._meta.label for m in GATED])
def test_a_small_lists_ids_compiled_per_shape_are_the_gated_rows(world, model, monkeypatch):
    """core.lists.gated_small_list_ids (the gate's SQL compiled once per Shape, run with each user's unit) reads the
    rows restrict() lets each user see; a list longer than READ_AFRESH_LIMIT gives None."""
    from duikou.core import lists

    for user in world.users.values():
        gated = set(model.objects.restrict(user, "view").values_list("pk", flat=True))
        ids = lists.gated_small_list_ids(model, user)
        if len(gated) > lists.READ_AFRESH_LIMIT:
            assert ids is None, (model._meta.label, user.username)
            continue
        assert ids is not None and sorted(ids) == sorted(gated), (model._meta.label, user.username)
        if len(gated) > 1:
            monkeypatch.setattr(lists, "READ_AFRESH_LIMIT", len(gated) - 1)
            assert lists.gated_small_list_ids(model, user) is None
            monkeypatch.undo()
