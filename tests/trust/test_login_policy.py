"""Hole 12 and hole 11: lockout by user name AND address (django-axes), never telling whether an account exists;
the password policy; expiry; idle and absolute session age; the first password changed on every path."""

import re
import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.middleware import SEEN_AT, SIGNED_IN_AT
from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.core.api_auth import issue_token
from duikou.core.models import SecurityEvent

from .conftest import is_locked

pytestmark = pytest.mark.django_db


def login(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_an_attacker_elsewhere_cannot_lock_the_office_out(client, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 5
    office = make_user("office", perms.OFFICE_ADMIN)
    for _ in range(5):
        login(client, "office", "guess-guess", address="203.0.113.9")
    assert login(client, "office", office.raw_password, address="203.0.113.9").status_code == 429
    # The office, from its own address, still signs in.
    assert login(Client(), "office", office.raw_password, address="10.0.0.1").status_code == 302
    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.LOCKOUT)
    assert lockouts and {(e.target, e.address, e.outcome) for e in lockouts} == {
        ("office", "203.0.113.9", "failure")
    }


def _normalized(response, typed):
    # Per-response values aside (CSRF tokens, CSP nonces), the pages must be byte-for-byte the same.
    body = response.content.decode().replace(typed, "NAME")
    body = re.sub(r"\b[A-Za-z0-9]{64}\b", "TOKEN", body)
    return response.status_code, re.sub(r'nonce="[^"]+"', "", body)


def test_a_locked_account_and_an_unknown_name_get_the_same_answer(client, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    make_user("realname", perms.UNIT_REPORTER)
    # Before any lock: a wrong password and an unknown name answer alike.
    assert _normalized(login(client, "realname", "wrong-1"), "realname") == _normalized(
        login(client, "ghostname", "wrong-1"), "ghostname"
    )
    for _ in range(3):
        login(client, "realname", "wrong-2")
        login(client, "ghostname", "wrong-2")
    real, ghost = login(client, "realname", "wrong-3"), login(client, "ghostname", "wrong-3")
    assert real.status_code == 429
    assert _normalized(real, "realname") == _normalized(ghost, "ghostname")


def test_spraying_names_locks_each_name_at_that_address(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    names = [f"user{i}" for i in range(15)]
    for name in names:
        for _ in range(3):
            login(client, name, "Spray-2026!")
    assert all(is_locked(name) for name in names)


def test_security_admin_unlocks_from_every_address_and_it_is_logged(client, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = make_user("mawei", perms.UNIT_REPORTER)
    for address in ("10.0.0.5", "10.0.0.6"):
        for _ in range(2):
            login(client, "mawei", "wrong-wrong", address=address)
    assert login(client, "mawei", user.raw_password, address="10.0.0.5").status_code == 429
    secadmin = make_user("sec", perms.SECURITY_ADMIN)
    admin_client = Client()
    admin_client.force_login(secadmin)
    admin_client.post(
        reverse("admin:accounts_user_changelist"), {"action": "unlock", "_selected_action": [user.pk]}
    )
    assert not is_locked("mawei")
    assert login(Client(), "mawei", user.raw_password, address="10.0.0.6").status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.UNLOCK, target="mawei", username="sec").exists()


@pytest.mark.parametrize(
    "password,ok",
    [
        ("pwtest123", False),  # the password of the attack: too short, two kinds
        ("pwtest123456", False),  # long enough, two kinds of character
        ("Password123", False),  # common
        ("9876543210123", False),  # numeric
        ("Xx-mawei-2026", False),  # contains the user name
        ("Kx7-river-Word9", True),
        ("duikou-demo-2026", True),  # lower case, digits, symbols: three kinds
    ],
)
def test_password_policy(password, ok):
    user = User(username="mawei", first_name="马尾区")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_the_change_page_refuses_a_weak_password(client, make_user):
    user = make_user("weak", perms.LEADER)
    client.force_login(user)
    page = client.post(
        reverse("accounts:password_change"),
        {"old_password": user.raw_password, "new_password1": "pwtest123", "new_password2": "pwtest123"},
    )
    assert page.status_code == 200 and "至少" in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(user.raw_password if hasattr(user, "raw_password") else "Duikou-test-2026")


def test_an_expired_password_must_be_changed_on_pages_admin_and_api(client, make_user, settings):
    settings.DUIKOU_PASSWORD_MAX_AGE_DAYS = 90
    user = make_user("old", perms.OFFICE_ADMIN)
    client.force_login(user)
    assert client.get(reverse("web:home")).status_code == 200
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timezone.timedelta(days=91))
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:password_change"))
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:password_change"))
    assert client.get("/api/plans/").status_code == 403
    client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "Duikou-test-2026",
            "new_password1": "Kx7-river-Word9",
            "new_password2": "Kx7-river-Word9",
        },
    )
    assert client.get(reverse("web:home")).status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEvent.PASSWORD_CHANGE, target="old").exists()


def test_the_first_password_change_holds_on_the_api_and_the_admin(make_user):
    """Hole 11: a provisioned account skipped the first password change through the API."""
    user = make_user("fresh", perms.OFFICE_ADMIN)
    token = issue_token(user=user)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    api = Client(headers={"Authorization": f"Bearer {token}"})
    response = api.get("/api/plans/")
    assert response.status_code == 403 and "修改密码" in response.json()["detail"]
    session = Client()
    session.force_login(User.objects.get(pk=user.pk))
    assert session.get("/api/plans/").status_code == 403
    assert session.get("/admin/")["Location"].startswith(reverse("accounts:password_change"))


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"seen": SEEN_AT, "signed_in": SIGNED_IN_AT}[key]] = now - ago
    session.save()


@pytest.fixture(params=["sessions", "cached_sessions"])
def session_engine(request, settings):
    """Sessions in the database (one cache per process) and read through the shared cache (settings.SESSION_ENGINE
    picks cached_sessions for Redis or a file cache): the policy holds alike."""
    settings.SESSION_ENGINE = f"duikou.accounts.{request.param}"
    return request.param


def test_idle_sessions_end(client, make_user, settings, session_engine):
    settings.SESSION_COOKIE_AGE = 30 * 60
    client.force_login(make_user("idle", perms.LEADER))
    assert client.get(reverse("web:home")).status_code == 200
    _age_session(client, seen=29 * 60)
    assert client.get(reverse("web:home")).status_code == 200
    _age_session(client, seen=31 * 60)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))
    assert "_auth_user_id" not in client.session


def test_sessions_end_at_their_absolute_age_even_when_busy(client, make_user, settings, session_engine):
    settings.DUIKOU_SESSION_MAX_SECONDS = 8 * 3600
    client.force_login(make_user("busy", perms.LEADER))
    _age_session(client, seen=10, signed_in=8 * 3600 + 60)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))


def test_a_signed_out_session_is_gone_from_the_cache_too(client, make_user, session_engine):
    client.force_login(make_user("leaving", perms.LEADER))
    cookie = client.cookies["sessionid"].value
    assert client.get(reverse("web:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    replay = Client()
    replay.cookies["sessionid"] = cookie  # the old cookie, as a stolen copy would send it
    assert replay.get(reverse("web:home"))["Location"].startswith(reverse("accounts:login"))


def test_default_policy_settings():
    from duikou import settings as configured

    assert configured.SESSION_COOKIE_AGE == 30 * 60
    assert configured.DUIKOU_PASSWORD_MAX_AGE_DAYS == 90
    assert configured.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.django_db(transaction=True)
def test_a_refreshed_session_is_one_update_outside_a_transaction(
    session_engine, settings, django_assert_num_queries
):
    """The idle clock's refresh (once a minute) writes the existing row by one UPDATE, its data and expiry as Django
    writes them; a session deleted meanwhile (signed out elsewhere) is not written back."""
    from importlib import import_module

    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore
    from django.contrib.sessions.models import Session

    store = import_module(settings.SESSION_ENGINE).SessionStore
    session = store()
    session["who"] = "reporter"
    session.create()
    session[SEEN_AT] = 1234
    with django_assert_num_queries(1):
        session.save()
    row = Session.objects.get(session_key=session.session_key)
    assert DjangoStore(session.session_key).load() == {"who": "reporter", SEEN_AT: 1234}
    assert abs((row.expire_date - session.get_expiry_date()).total_seconds()) < 5
    assert store(session.session_key).load()[SEEN_AT] == 1234  # the cache, for cached_sessions
    Session.objects.filter(session_key=session.session_key).delete()
    session[SEEN_AT] = 5678
    with pytest.raises(UpdateError):
        session.save()
    assert not Session.objects.filter(session_key=session.session_key).exists()
