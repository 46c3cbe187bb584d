"""三员分立 (hole 15) and hole 8: system, security and audit administrators, none able to do another's work; the
superuser only sets them up; the read-only auditor no longer unlocks accounts, and every unlock is logged."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from duikou.accounts import services
from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core.models import SecurityEvent

from .conftest import is_locked, lock_out

pytestmark = pytest.mark.django_db

ADMINS = (perms.SYSTEM_ADMIN, perms.SECURITY_ADMIN, perms.AUDIT_ADMIN)


@pytest.fixture
def people(make_user, org):
    made = {role: make_user(role, role) for role in (*ADMINS, perms.OFFICE_ADMIN, perms.AUDITOR)}
    made["root"] = User.objects.create_superuser("root", password="Root-pass-2026!", role=perms.OFFICE_ADMIN)
    made["unit"] = make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    return made


def locked(user):
    lock_out(user.username)
    assert is_locked(user.username)


def try_unlock(client, actor, victim) -> bool:
    locked(victim)
    client.force_login(actor)
    client.post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock", "_selected_action": [victim.pk]}
    )
    return not is_locked(victim.username)


def try_add_account(client, actor) -> bool:
    client.force_login(actor)
    client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newbie",
            "password1": "Kx7-river-Word9",
            "password2": "Kx7-river-Word9",
            "usable_password": "true",
        },
    )
    return User.objects.filter(username="newbie").exists()


def try_grant_role(actor, victim) -> bool:
    try:
        services.set_role(user=victim, role=perms.UNIT_HEAD, actor=actor)
    except PermissionDenied:
        return False
    return True


def try_read_security_audit(client, actor) -> bool:
    client.force_login(actor)
    return client.get(reverse("admin:core_securityevent_changelist")).status_code == 200


def test_the_read_only_auditor_cannot_unlock_and_unlocks_are_logged(client, people):
    """Hole 8: a read-only auditor unlocked accounts through the admin, unlogged."""
    assert not try_unlock(client, people[perms.AUDITOR], people["unit"])
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.UNLOCK).exists()
    assert try_unlock(client, people[perms.SECURITY_ADMIN], people["unit"])
    (event,) = SecurityEvent.objects.filter(kind=SecurityEvent.UNLOCK)
    assert (event.username, event.target) == (perms.SECURITY_ADMIN, "mawei")


@pytest.mark.parametrize(
    "who,accounts,roles,unlock,audit,organizations",
    [
        (perms.SYSTEM_ADMIN, True, False, False, False, True),
        (perms.SECURITY_ADMIN, False, True, True, False, False),
        (perms.AUDIT_ADMIN, False, False, False, True, False),
        (perms.OFFICE_ADMIN, False, False, False, False, True),
        (perms.AUDITOR, False, False, False, False, False),
        ("root", False, False, False, False, False),
    ],
)
def test_none_can_do_anothers_work(client, people, who, accounts, roles, unlock, audit, organizations):
    from duikou.organizations.models import Organization

    actor = people[who]
    assert try_add_account(client, actor) is accounts
    assert try_grant_role(actor, people["unit"]) is roles
    assert try_unlock(client, actor, people["unit"]) is unlock
    assert try_read_security_audit(client, actor) is audit
    assert perms.allows(actor, Organization, perms.CHANGE) is organizations


@pytest.mark.parametrize("who", [*ADMINS, "root"])
def test_administrators_reach_no_domain_data(people, who):
    from duikou.plans.models import Plan, Task
    from duikou.reports.models import Report

    actor = people[who]
    for model in (Plan, Task, Report):
        for action in perms.ACTIONS:
            assert not perms.allows(actor, model, action), (model, action)


def test_the_superuser_only_sets_up_the_three_administrators(client, people):
    root = people["root"]
    client.force_login(root)
    listed = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert perms.AUDIT_ADMIN in listed and "mawei" not in listed
    assert services.assignable_roles(root) == perms.THREE_ADMINS
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "auditor2",
            "password1": "Qz4-lake-Stone8",
            "password2": "Qz4-lake-Stone8",
            "usable_password": "true",
            "role": perms.AUDIT_ADMIN,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    made = User.objects.get(username="auditor2")
    assert made.role == perms.AUDIT_ADMIN and made.is_staff and not made.is_superuser
    # The security administrator grants domain roles but none of the three.
    with pytest.raises(PermissionDenied):
        services.set_role(user=people["unit"], role=perms.AUDIT_ADMIN, actor=people[perms.SECURITY_ADMIN])
    with pytest.raises(PermissionDenied):
        services.set_role(user=made, role=perms.UNIT_HEAD, actor=people[perms.SECURITY_ADMIN])


def test_system_admin_cannot_change_a_role_and_security_admin_cannot_change_identity(client, people):
    unit = people["unit"]
    client.force_login(people[perms.SYSTEM_ADMIN])
    url = reverse("admin:accounts_user_change", args=[unit.pk])
    form = {
        "username": "mawei",
        "first_name": "改名",
        "last_name": "",
        "email": "",
        "organization": unit.organization_id,
        "is_active": "on",
        "role": perms.OFFICE_ADMIN,
    }
    assert client.post(url, form).status_code == 302
    unit.refresh_from_db()
    assert unit.first_name == "改名" and unit.role == perms.UNIT_REPORTER
    client.force_login(people[perms.SECURITY_ADMIN])
    assert client.post(url, {**form, "first_name": "再改", "role": perms.UNIT_HEAD}).status_code == 302
    unit.refresh_from_db()
    assert unit.first_name == "改名" and unit.role == perms.UNIT_HEAD
    change = SecurityEvent.objects.filter(kind=SecurityEvent.ROLE_CHANGE, target="mawei").last()
    assert change.username == perms.SECURITY_ADMIN and change.detail["role"]["after"] == perms.UNIT_HEAD
    # Setting someone's password is the system administrator's, not the security administrator's.
    assert client.get(reverse("admin:auth_user_password_change", args=[unit.pk])).status_code == 403


def test_audit_admin_reads_the_change_log_but_changes_nothing(client, people):
    client.force_login(people[perms.AUDIT_ADMIN])
    assert client.get(reverse("changes:search")).status_code == 200
    unit = people["unit"]
    response = client.post(
        reverse("admin:accounts_user_change", args=[unit.pk]), {"username": "x", "role": "office_admin"}
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.username == "mawei"


def test_cli_role_and_unlock(capsys, people):
    from django.core.management import call_command

    locked(people["unit"])
    call_command("user", "unlock", "mawei")
    call_command("user", "role", "mawei", "--role", "unit_head")
    out = capsys.readouterr().out.splitlines()
    assert out == ["user mawei unlocked", "user mawei is now 单位负责人"]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.UNLOCK, target="mawei", source="cli").exists()
    with pytest.raises(SystemExit) as exit_:
        call_command("user", "role", "ghost", "--role", "unit_head")
    assert exit_.value.code == 1 and len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("who", [*ADMINS, "root"])
def test_pages_answer_the_administrators_without_error_or_data(client, people, world, who):
    client.force_login(people[who])
    for name in ("web:home", "plans:list", "reports:list", "organizations:list", "changes:search"):
        response = client.get(reverse(name))
        assert response.status_code in (200, 302, 403), (name, response.status_code)
        if response.status_code == 200 and name == "plans:list":
            assert world.plan.title not in response.content.decode()
