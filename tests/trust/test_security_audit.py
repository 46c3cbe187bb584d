"""Hole 9: the security audit records every security event with user, address, time and outcome; account changes
reach the change log; deleting a user keeps the actor's name; QuerySet.update is logged; the log is
append-only and tamper-evident (a hash chain that `duikou audit verify` checks); kept at least six months."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core import security
from duikou.core.actor import acting_as
from duikou.core.models import ChangeLog, SecurityEvent

pytestmark = pytest.mark.django_db


def events(kind):
    return list(SecurityEvent.objects.filter(kind=kind).order_by("seq"))


def test_login_failure_and_logout_are_recorded_with_address_and_outcome(client, make_user):
    user = make_user("mawei", perms.LEADER)
    client.post(
        reverse("accounts:login"), {"username": "mawei", "password": "wrong-wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"}, REMOTE_ADDR="10.1.2.4")
    failed = events(SecurityEvent.LOGIN_FAILED)
    assert [(e.target, e.address, e.outcome) for e in failed] == [
        ("mawei", "10.1.2.3", "failure"),
        ("nobody", "10.1.2.4", "failure"),
    ]
    client.post(
        reverse("accounts:login"),
        {"username": "mawei", "password": user.raw_password},
        REMOTE_ADDR="10.1.2.3",
    )
    (login,) = events(SecurityEvent.LOGIN)
    assert (login.user_id, login.username, login.address, login.outcome) == (
        user.pk,
        "mawei",
        "10.1.2.3",
        "success",
    )
    assert abs((timezone.now() - login.at).total_seconds()) < 60
    client.post(reverse("accounts:logout"), REMOTE_ADDR="10.1.2.3")
    (logout,) = events(SecurityEvent.LOGOUT)
    assert (logout.username, logout.address) == ("mawei", "10.1.2.3")


def test_role_organization_superuser_and_password_changes_are_security_events(make_user, org):
    actor = make_user("secadmin", perms.SECURITY_ADMIN)
    user = make_user("someone", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    with acting_as(actor, source="web", address="10.9.9.9"):
        user = User.objects.get(pk=user.pk)
        user.role = perms.UNIT_HEAD
        user.is_superuser = True
        user.save()
        user.set_password("Another-Pass-2026")
        user.save()
    (change,) = events(SecurityEvent.ROLE_CHANGE)
    assert change.target == "someone" and change.username == "secadmin" and change.address == "10.9.9.9"
    assert change.detail["role"] == {"before": perms.UNIT_REPORTER, "after": perms.UNIT_HEAD}
    assert change.detail["is_superuser"] == {"before": False, "after": True}
    (password,) = events(SecurityEvent.PASSWORD_CHANGE)
    assert password.target == "someone"
    # The account's change reaches the change log too, without the password hash.
    logged = ChangeLog.objects.filter(content_type__model="user", object_id=str(user.pk), action="update")
    role_entry = next(e for e in logged if "role" in e.changed_fields)
    assert role_entry.before["role"] == perms.UNIT_REPORTER and role_entry.after["role"] == perms.UNIT_HEAD
    assert role_entry.username == "secadmin"
    assert all("password" not in (e.after or {}) for e in logged)


def test_deleting_a_user_keeps_the_actors_name_in_past_entries(make_user, office_admin, client):
    from duikou.organizations.models import Organization

    clerk = make_user("clerk", perms.OFFICE_ADMIN)
    with acting_as(clerk, source="web"):
        made = Organization.objects.create(name="测试单位", full_name="测试单位")
    entry = ChangeLog.objects.get(content_type__model="organization", object_id=str(made.pk), action="create")
    with acting_as(office_admin):
        User.objects.filter(pk=clerk.pk).delete()
    entry = ChangeLog.objects.get(pk=entry.pk)
    assert entry.user_id is None or not User.objects.filter(pk=entry.user_id).exists()
    assert entry.username == "clerk"
    client.force_login(office_admin)
    page = client.get(
        reverse("changes:object", args=["organizations", "organization", made.pk])
    ).content.decode()
    assert "clerk" in page
    assert events(SecurityEvent.ACCOUNT_DELETE)[0].target == "clerk"


def test_queryset_update_on_an_audited_model_is_in_the_change_log(make_user):
    from duikou.organizations.models import Organization

    a = Organization.objects.create(name="甲", full_name="甲单位")
    b = Organization.objects.create(name="乙", full_name="乙单位")
    with acting_as(make_user("bulk", perms.OFFICE_ADMIN)):
        count = Organization.objects.filter(pk__in=[a.pk, b.pk]).update(name="改名")
    assert count == 2
    entries = ChangeLog.objects.filter(
        action="update", content_type__model="organization", object_id__in=[a.pk, b.pk]
    )
    assert sorted((e.object_id, e.before["name"], e.after["name"], e.username) for e in entries) == [
        (str(a.pk), "甲", "改名", "bulk"),
        (str(b.pk), "乙", "改名", "bulk"),
    ]


def test_refused_access_is_recorded(client, make_user, org):
    reporter = make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    client.force_login(reporter)
    assert client.get(reverse("changes:search"), REMOTE_ADDR="10.0.0.7").status_code == 403
    (refused,) = events(SecurityEvent.ACCESS_DENIED)
    assert (refused.username, refused.address, refused.outcome) == ("mawei", "10.0.0.7", "failure")
    assert refused.detail["path"] == reverse("changes:search") and refused.detail["status"] == 403


def test_export_of_unit_data_is_recorded(client, office_admin):
    client.force_login(office_admin)
    response = client.get(reverse("organizations:list") + "?export=xlsx")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    (export,) = events(SecurityEvent.EXPORT)
    assert export.username == "office" and "export=xlsx" in export.detail["path"]


def test_the_log_cannot_be_changed_or_deleted_through_the_orm_or_admin(client, make_user):
    from django.core.exceptions import ValidationError

    event = security.record(SecurityEvent.LOGIN, username="x")
    with pytest.raises(ValidationError):
        SecurityEvent.objects.filter(pk=event.pk).update(outcome="failure")
    with pytest.raises(ValidationError):
        SecurityEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValidationError):
        event.delete()
    event.outcome = "failure"
    with pytest.raises(ValidationError):
        event.save()
    auditor = make_user("audit", perms.AUDIT_ADMIN)
    auditor.is_staff = True
    auditor.save()
    client.force_login(auditor)
    url = reverse("admin:core_securityevent_change", args=[event.pk])
    assert client.get(reverse("admin:core_securityevent_changelist")).status_code == 200
    assert client.post(url, {"outcome": "failure"}).status_code == 403
    assert (
        client.post(reverse("admin:core_securityevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert SecurityEvent.objects.get(pk=event.pk).outcome == "success"


def test_only_the_audit_administrator_reads_the_security_audit(client, make_user):
    for role in (perms.OFFICE_ADMIN, perms.AUDITOR, perms.SYSTEM_ADMIN, perms.SECURITY_ADMIN):
        user = make_user(f"u-{role}", role)
        user.is_staff = True
        user.save()
        client.force_login(user)
        assert client.get(reverse("admin:core_securityevent_changelist")).status_code == 403, role


def _verify(capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify")
    assert exit_.value.code == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    return err


@pytest.mark.parametrize("commercial", [False, True], ids=["sha256", "sm3"])
def test_verify_names_the_first_changed_or_deleted_entry(capsys, settings, commercial):
    settings.DUIKOU_COMMERCIAL_CRYPTO = commercial
    made = [security.record(SecurityEvent.LOGIN, username=f"user{i}", target=f"user{i}") for i in range(6)]
    assert {e.algorithm for e in made} == {"sm3" if commercial else "sha256"}
    assert all(len(e.hash) == 64 for e in made)
    call_command("audit", "verify")
    assert capsys.readouterr().out.strip() == "audit chain intact: 6 entries"

    table = connection.ops.quote_name(SecurityEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = %s WHERE id = %s", ["mallory", made[2].pk])
    err = _verify(capsys)
    assert f"第 {made[2].seq} 条" in err and "被修改" in err
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET username = %s WHERE id = %s", ["user2", made[2].pk])
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [made[4].pk])
    err = _verify(capsys)
    assert f"第 {made[5].seq} 条" in err and f"缺少第 {made[4].seq} 至 {made[4].seq} 条" in err


def test_sm3_and_sha256_chains_differ_and_mix(settings):
    first = security.record(SecurityEvent.LOGIN, username="a")
    settings.DUIKOU_COMMERCIAL_CRYPTO = True
    second = security.record(SecurityEvent.LOGIN, username="b")
    assert (first.algorithm, second.algorithm) == ("sha256", "sm3")
    assert second.prev_hash == first.hash
    from gmssl import func, sm3

    assert second.hash == sm3.sm3_hash(func.bytes_to_list(security._payload(second)))
    assert security.verify_chain().ok


def test_retention_purge_refuses_entries_younger_than_six_months_and_keeps_the_chain(
    capsys, monkeypatch, settings
):
    settings.DUIKOU_AUDIT_RETENTION_DAYS = 30  # below the floor: six months hold all the same
    now = timezone.now()
    for days_ago in (400, 300, 30):
        monkeypatch.setattr(security.timezone, "now", lambda d=days_ago: now - dt.timedelta(days=d))
        security.record(SecurityEvent.LOGIN, username=f"ago{days_ago}")
    monkeypatch.undo()
    too_young = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "purge", "--before", too_young)
    assert exit_.value.code == 1 and "183" in capsys.readouterr().err
    assert SecurityEvent.objects.count() == 3

    cutoff = (timezone.localdate() - dt.timedelta(days=200)).isoformat()
    call_command("audit", "purge", "--before", cutoff)
    assert capsys.readouterr().out.strip() == f"2 audit entries before {cutoff} purged"
    assert list(SecurityEvent.objects.order_by("seq").values_list("username", flat=True))[0] == "ago30"
    assert security.verify_chain().ok
    # Removing what is now the first entry is still found.
    first = SecurityEvent.objects.order_by("seq").first()
    table = connection.ops.quote_name(SecurityEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [first.pk])
    report = security.verify_chain()
    assert not report.ok and report.broken_seq == first.seq + 1


def test_exports_from_the_command_line_are_recorded(world, tmp_path, capsys):
    out = tmp_path / "plan.json"
    call_command("export", "plan", str(world.plan.pk), "-o", str(out))
    assert out.exists()
    (export,) = events(SecurityEvent.EXPORT)
    assert export.source == "cli" and export.username.startswith("cli:")
    assert export.detail["command"] == "export" and export.detail["output"] == str(out)


def test_the_security_audit_page_is_the_audit_administrators_and_verifies(client, make_user):
    security.record(SecurityEvent.LOGIN_FAILED, outcome="failure", username="", target="intruder")
    for role in (perms.OFFICE_ADMIN, perms.AUDITOR, perms.SECURITY_ADMIN, perms.SYSTEM_ADMIN):
        client.force_login(make_user(f"p-{role}", role))
        assert client.get(reverse("changes:security")).status_code == 403
    client.force_login(make_user("auditadmin", perms.AUDIT_ADMIN))
    page = client.get(reverse("changes:security"), {"user": "intruder"}).content.decode()
    assert "intruder" in page and "登录失败" in page
    table = connection.ops.quote_name(SecurityEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET target = %s WHERE target = %s", ["someone-else", "intruder"])
    checked = client.post(reverse("changes:security")).content.decode()
    assert "审计链在第 1 条断开" in checked
    assert SecurityEvent.objects.filter(kind=SecurityEvent.AUDIT_VERIFY, outcome="failure").exists()
