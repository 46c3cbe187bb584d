"""Hole 12 (tokens): API tokens are hashed at rest, expire, carry a scope (read / write), die with a password
change, and their issue and revoke are in the security audit."""

import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core.api_auth import hash_token, issue_token
from duikou.core.models import SecurityEvent

pytestmark = pytest.mark.django_db


def bearer(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def office(make_user):
    return make_user("office", perms.OFFICE_ADMIN)


def test_a_token_is_stored_as_its_hash_only(office):
    token = issue_token(user=office)
    office.refresh_from_db()
    assert office.api_token == hash_token(token) and token not in office.api_token


def test_tokens_expire(office, settings):
    settings.DUIKOU_API_TOKEN_DAYS = 30
    token = issue_token(user=office)
    office.refresh_from_db()
    assert abs((office.api_token_expires_at - timezone.now()).days - 30) <= 1
    assert bearer(token).get("/api/organizations/?limit=1").status_code == 200
    User.objects.filter(pk=office.pk).update(
        api_token_expires_at=timezone.now() - timezone.timedelta(seconds=1)
    )
    assert bearer(token).get("/api/organizations/?limit=1").status_code == 401


def test_a_read_token_cannot_write(office):
    from duikou.organizations.models import Organization

    unit = Organization.objects.create(name="测试单位", full_name="测试单位")
    read = issue_token(user=office, scope="read")
    assert bearer(read).get(f"/api/organizations/{unit.pk}").status_code == 200
    refused = bearer(read).patch(
        f"/api/organizations/{unit.pk}", json.dumps({"name": "改名"}), content_type="application/json"
    )
    assert refused.status_code == 403 and "read" in refused.json()["detail"]
    unit.refresh_from_db()
    assert unit.name == "测试单位"
    write = issue_token(user=office, scope="write")
    assert bearer(read).get("/api/organizations/?limit=1").status_code == 401  # the new token replaced it
    changed = bearer(write).patch(
        f"/api/organizations/{unit.pk}", json.dumps({"name": "改名"}), content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    unit.refresh_from_db()
    assert unit.name == "改名"


def test_a_password_change_revokes_the_token(office, client):
    token = issue_token(user=office, scope="write")
    assert bearer(token).get("/api/organizations/?limit=1").status_code == 200
    client.force_login(office)
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": office.raw_password,
            "new_password1": "Kx7-river-Word9",
            "new_password2": "Kx7-river-Word9",
        },
    )
    assert bearer(token).get("/api/organizations/?limit=1").status_code == 401
    revoked = SecurityEvent.objects.get(kind=SecurityEvent.TOKEN_REVOKE, target="office")
    assert revoked.detail == {"reason": "password_change"}


def test_issue_and_revoke_are_logged_from_the_cli_and_the_security_admin(office, make_user, capsys, client):
    call_command("token", "create", "office", "--scope", "write", "--days", "7")
    token = capsys.readouterr().out.strip()
    issued = SecurityEvent.objects.get(kind=SecurityEvent.TOKEN_ISSUE, target="office")
    assert issued.detail["scope"] == "write" and issued.source == "cli"
    secadmin = make_user("sec", perms.SECURITY_ADMIN)
    client.force_login(secadmin)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "revoke_api_token", "_selected_action": [office.pk]},
    )
    assert bearer(token).get("/api/organizations/?limit=1").status_code == 401
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.TOKEN_REVOKE, target="office", username="sec"
    ).exists()


def test_bad_days_is_one_line_exit_1(office, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("token", "create", "office", "--days", "5000")
    assert exit_.value.code == 1 and "--days" in capsys.readouterr().err
