"""The gate itself: for each model and role, exactly which rows of the world `restrict` lets through."""

import pytest

from duikou.core import permissions as perms

pytestmark = pytest.mark.django_db

OFFICE, AUDITOR, LEADER, RECIPIENT = perms.OFFICE_ADMIN, perms.AUDITOR, perms.LEADER, perms.RECIPIENT_VIEWER

# model path, action, role → names of world rows expected (None: every row of the world).
EXPECTED = [
    ("plans.Task", "view", "reporter_a", {"task_a", "task_shared"}),
    ("plans.Task", "view", "reporter_b", {"task_b", "task_shared"}),
    ("plans.Task", "view", RECIPIENT, {"task_a", "task_b", "task_shared"}),
    ("plans.Task", "change", "reporter_a", set()),  # progress moves through approved reports (hole 2 of #12)
    ("plans.Task", "change", RECIPIENT, set()),
    ("plans.Task", "change", AUDITOR, set()),
    ("plans.Task", "view", AUDITOR, {"task_a", "task_b", "task_shared"}),
    ("targets.Allocation", "view", "reporter_a", {"alloc_a"}),
    ("targets.Allocation", "view", LEADER, {"alloc_a", "alloc_b"}),
    ("targets.Allocation", "change", "reporter_a", set()),
    ("reports.Report", "view", "reporter_a", {"report_a"}),
    ("reports.Report", "view", "head_a", {"report_a"}),
    ("reports.Report", "change", "reporter_b", {"report_b"}),
    ("reports.Report", "view", RECIPIENT, set()),
    ("reports.Report", "view", OFFICE, {"report_a", "report_b"}),
    ("reports.Report", "delete", "reporter_a", set()),
    ("funds.Transaction", "view", "reporter_a", {"txn"}),
    ("funds.Transaction", "view", "reporter_b", set()),
    ("funds.Transaction", "view", RECIPIENT, {"txn"}),
    ("funds.Transaction", "change", RECIPIENT, {"txn"}),
    ("funds.Transaction", "delete", RECIPIENT, set()),
    ("projects.Project", "view", RECIPIENT, {"project"}),
    ("projects.Project", "change", "reporter_a", {"project"}),
    ("projects.Project", "view", "reporter_b", set()),
    ("projects.Project", "change", RECIPIENT, set()),
]


@pytest.mark.parametrize(
    "model_path,action,role,expected", EXPECTED, ids=[f"{m}-{a}-{r}" for m, a, r, _ in EXPECTED]
)
def test_restrict(world, model_path, action, role, expected):
    from django.apps import apps

    model = apps.get_model(model_path)
    named = {name: getattr(world, name) for name in vars(world) if isinstance(getattr(world, name), model)}
    visible = set(model.objects.restrict(world.users[role], action).values_list("pk", flat=True))
    assert {name for name, obj in named.items() if obj.pk in visible} == expected


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    from duikou.plans.models import Task

    assert not Task.objects.restrict(AnonymousUser()).exists()
    user = world.users["reporter_a"]
    user.is_active = False
    assert not Task.objects.restrict(user).exists()


def test_unknown_action_is_a_programming_error(world):
    from duikou.plans.models import Task

    with pytest.raises(ValueError):
        Task.objects.restrict(world.users["reporter_a"], "publish")


def test_every_registered_model_admin_uses_the_gate():
    from django.contrib import admin

    from duikou.core.admin import RestrictedAdmin

    loose = [
        f"{m._meta.label}: {type(a).__name__}"
        for m, a in admin.site._registry.items()
        if m._meta.app_label not in {"auth", "accounts"} and not isinstance(a, RestrictedAdmin)
    ]
    assert not loose, f"admin classes that bypass the gate: {loose}"


def test_every_domain_model_has_an_admin():
    from django.apps import apps
    from django.contrib import admin

    from duikou.core.models import AuditedModel

    missing = [
        m._meta.label
        for m in apps.get_models()
        if issubclass(m, AuditedModel)
        and m._meta.app_label
        in {
            "organizations",
            "programs",
            "plans",
            "targets",
            "funds",
            "projects",
            "dispatches",
            "reports",
            "supervision",
            "assessments",
        }
        and m not in admin.site._registry
    ]
    assert not missing, f"models without an admin page: {missing}"


def test_user_admin_is_kept_by_the_system_admin_and_read_by_the_audit_admin(client, world, make_user):
    """三员分立: accounts are the system administrator's; the office and 督查 no longer keep or read them."""
    from django.urls import reverse

    from duikou.core import permissions as perms

    url = reverse("admin:accounts_user_changelist")
    client.force_login(make_user("auditadmin", perms.AUDIT_ADMIN))
    assert client.get(url).status_code == 200
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    for user in (world.users[AUDITOR], world.users[OFFICE]):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(make_user("sysadmin", perms.SYSTEM_ADMIN))
    assert client.get(reverse("admin:accounts_user_add")).status_code == 200
