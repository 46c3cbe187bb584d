"""Signing in: Chinese login page, lockout after repeated failures, CSRF on forms, expiring sessions, Argon2."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from duikou.accounts.models import User
from duikou.core import permissions as perms

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_is_chinese_and_signs_in(client, make_user, org):
    user = make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    page = client.get(reverse("accounts:login")).content.decode()
    assert "登录对口支援协作管理平台" in page and "用户名" in page and "密码" in page
    response = login(client, "mawei", user.raw_password)
    assert response.status_code == 302
    assert client.get(reverse("reports:list")).status_code == 200


def test_lockout_after_repeated_failures(client, make_user, settings):
    """django-axes locks the user name at this address; the right password is refused while locked."""
    settings.AXES_FAILURE_LIMIT = 3
    user = make_user("office2", perms.OFFICE_ADMIN)
    for _ in range(2):
        assert "用户名或密码不正确" in login(client, "office2", "wrong-password").content.decode()
    locked = login(client, "office2", "wrong-password")
    assert locked.status_code == 429 and "登录失败次数过多" in locked.content.decode()
    page = login(client, "office2", user.raw_password)
    assert page.status_code == 429 and "登录失败次数过多" in page.content.decode()
    assert "_auth_user_id" not in client.session
    # When the cool-off has passed, the right password works again.
    from axes.models import AccessAttempt

    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timezone.timedelta(minutes=1)
    )
    assert login(client, "office2", user.raw_password).status_code == 302


def test_admin_login_is_locked_too(client, make_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = make_user("office3", perms.OFFICE_ADMIN)
    for _ in range(2):
        client.post(reverse("admin:login"), {"username": "office3", "password": "nope-nope"})
    client.post(reverse("admin:login"), {"username": "office3", "password": user.raw_password})
    assert "_auth_user_id" not in client.session


def test_forms_need_the_csrf_token(make_user, org):
    user = make_user("mawei", perms.UNIT_REPORTER, org("福建省福州市马尾区"))
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(
            reverse("accounts:login"), {"username": "mawei", "password": user.raw_password}
        ).status_code
        == 403
    )
    strict.force_login(user)
    assert strict.post(reverse("projects_workflow:propose"), {"name": "x"}).status_code == 403


def test_sessions_expire_and_passwords_use_argon2():
    assert django_settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    from duikou import (
        settings as configured,  # the tests here swap in a fast hasher; production's is this one
    )

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_hash_is_stored(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = User.objects.create_user("argon", password="Duikou-test-2026", role=perms.AUDITOR)
    assert user.password.startswith("argon2$")
