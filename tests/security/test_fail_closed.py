"""Hole 5 and "fail closed": no secret printed in the source is trusted, production refuses to start without one,
the demo makes its own in the data folder, and `duikou deploycheck` (Django's check --deploy) passes with the
production settings the README lists."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

DUIKOU = str(Path(sys.executable).with_name("duikou"))
# The fallback key the source used to carry: a cookie signed with it must mean nothing now.
OLD_PUBLISHED_KEY = "duikou-insecure-development-key-change-me-in-production"
SRC = Path(__file__).resolve().parents[2] / "src" / "duikou"


def _env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUIKOU_")}
    env.update({"DUIKOU_DATA_DIR": str(tmp_path / "data"), "LANG": "C.UTF-8", **extra})
    return env


def test_no_secret_key_in_the_source():
    assert not any(OLD_PUBLISHED_KEY in p.read_text(encoding="utf-8") for p in SRC.rglob("*.py"))


@pytest.mark.django_db
def test_a_messages_cookie_signed_with_the_published_key_is_not_trusted(client, settings):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest, HttpResponse
    from django.test import override_settings

    from duikou.accounts.models import User
    from duikou.core import permissions as perms

    assert settings.SECRET_KEY and settings.SECRET_KEY != OLD_PUBLISHED_KEY
    with override_settings(SECRET_KEY=OLD_PUBLISHED_KEY):
        storage = CookieStorage(HttpRequest())
        forged = storage._encode([_message("您的账户已被系统管理员停用，请立即拨打 400-000-0000 核实")])
        assert HttpResponse() is not None
    user = User.objects.create_user(username="u1", password="Duikou-test-2026", role=perms.OFFICE_ADMIN)
    client.force_login(user)
    client.cookies["messages"] = forged
    page = client.get("/")
    assert page.status_code == 200
    assert "400-000-0000" not in page.content.decode()


def _message(text):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message

    return Message(constants.ERROR, text)


def test_the_demo_makes_its_own_secret_once_outside_git(tmp_path):
    code = "import django.conf as c, django; django.setup(); print(c.settings.SECRET_KEY)"
    env = _env(tmp_path, DJANGO_SETTINGS_MODULE="duikou.settings")
    first = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    key_file = tmp_path / "data" / "secret_key"
    assert first == second and len(first.strip()) >= 50
    assert key_file.read_text().strip() == first.strip()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_production_serve_refuses_to_start_without_a_secret(tmp_path):
    result = subprocess.run(
        [DUIKOU, "serve", "--bind", "127.0.0.1:1"],
        env=_env(tmp_path, DUIKOU_PRODUCTION="1"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "DUIKOU_SECRET_KEY" in result.stderr and "未启动" in result.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


# The production settings the README's production section lists.
PRODUCTION = {
    "DUIKOU_PRODUCTION": "1",
    "DUIKOU_ALLOWED_HOSTS": "duikou.example.gov.cn",
    "DUIKOU_CSRF_TRUSTED_ORIGINS": "https://duikou.example.gov.cn",
}


def test_deploycheck_passes_with_the_documented_production_settings(tmp_path):
    readme = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    for name in (*PRODUCTION, "DUIKOU_SECRET_KEY", "duikou deploycheck"):
        assert name in readme, f"the README's production section should name {name}"
    env = _env(tmp_path, DUIKOU_SECRET_KEY=secrets.token_urlsafe(64), **PRODUCTION)
    result = subprocess.run([DUIKOU, "deploycheck"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "通过" in result.stdout


def test_deploycheck_fails_outside_production(tmp_path):
    result = subprocess.run(
        [DUIKOU, "deploycheck"], env=_env(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    for warning in ("DUIKOU_PRODUCTION", "security.W004", "security.W012", "security.W016"):
        assert warning in result.stderr
