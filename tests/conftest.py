"""Shared fixtures: the test database carries the administrative divisions; one user per role."""

import os
from pathlib import Path

import pytest

from duikou.core import permissions as perms


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Seed the administrative-division tree once per test database (every test rolls back over it)."""
    from duikou.organizations.services import seed_divisions

    with django_db_blocker.unblock():
        seed_divisions()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """API rate-limit counts live in the cache: each test starts with none (user ids repeat across tests)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _chinese_by_default(monkeypatch):
    """Commands answer in English under LANG=en_* (a usual developer locale) and leave that language active for the
    thread; tests expect the Chinese default unless they ask for English themselves."""
    from django.utils import translation

    monkeypatch.delenv("DUIKOU_LANG", raising=False)
    if os.environ.get("LANG", "").lower().startswith("en"):
        monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _jobs_in_the_request(settings, tmp_path):
    """Queued work (core/jobs.py) runs inside the request that starts it (django-tasks' immediate backend), so
    pages answer as soon as it is done; tests/exchange/test_queue.py runs the database queue and its worker. Job
    files go to the test's own folder (job ids repeat across parallel workers' databases)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.DUIKOU_JOBS_DIR = tmp_path / "jobs"
    # The dashboard's snapshot is refreshed on the first view after any change (not at most once a minute), so a
    # test sees each change it makes; tests/web/test_figures.py checks the interval.
    settings.DUIKOU_DASHBOARD_REFRESH_SECONDS = 0
    # Kept answers are not reused after others' changes either (core.versioned): tests/web/test_kept_pages.py and
    # test_figures.py check the interval.
    settings.DUIKOU_REUSE_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_hashes_and_own_files(settings, tmp_path):
    """Test passwords use a fast hasher (Argon2 is slow on purpose: about 0.2 s a user, most of the suite's time when
    every test makes its users); evidence files go to the test's own folder, so parallel workers never share one.
    tests/accounts/test_login.py checks that production keeps Argon2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    """Administrators need a TOTP code in production (DUIKOU_OTP_REQUIRED, on by default); tests of other matters
    sign them in with force_login alone. tests/trust/test_second_factor.py turns it back on."""
    settings.DUIKOU_OTP_REQUIRED = False


@pytest.fixture(autouse=True)
def _divisions_present(request):
    """Transactional tests (browser, live server) empty every table when they end: seed again if so."""
    if not {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    ) and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db" if _wants_transaction(request) else "db")
    from duikou.organizations.models import Organization
    from duikou.organizations.services import seed_divisions

    if not Organization.objects.filter(division_code="110000").exists():
        seed_divisions()


def _wants_transaction(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return (
        "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


@pytest.fixture(scope="module")
def divisions_back_after_flush(django_db_blocker):
    """Transactional tests empty every table when they end; the rest of the suite expects the divisions seeded."""
    yield
    from duikou.organizations.services import seed_divisions

    with django_db_blocker.unblock():
        seed_divisions()


@pytest.fixture
def site(request):
    """pytest-django's live server; its media handler cannot start with MEDIA_URL None (duikou serves no media)."""
    from django.test import override_settings

    with override_settings(MEDIA_URL="/no-media-served/"):
        yield request.getfixturevalue("live_server")


@pytest.fixture
def browser(monkeypatch):
    """Debian's Chromium, headless (tests/headless.py)."""
    from headless import ARGS, CHROMIUM

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls beside it are plain synchronous code.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def org(db):
    """Look up a seeded region by its full name (重庆市万州区)."""
    from duikou.organizations.models import Organization

    def find(full_name: str) -> Organization:
        return Organization.objects.get(full_name=full_name)

    return find


@pytest.fixture
def make_user(db):
    from duikou.accounts.models import User

    def make(username: str, role: str, organization=None, password: str = "Duikou-test-2026"):
        user = User.objects.create_user(
            username=username, password=password, role=role, organization=organization
        )
        user.raw_password = password
        return user

    return make


@pytest.fixture
def office_admin(make_user):
    return make_user("office", perms.OFFICE_ADMIN)
