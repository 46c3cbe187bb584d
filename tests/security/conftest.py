"""Fixtures for the attack tests of issue #12: fast hashes, a temporary files folder, a headless Chromium."""

from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser(monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def site(request):
    """pytest-django's live server (its media handler needs some MEDIA_URL; duikou serves no media)."""
    from django.test import override_settings

    with override_settings(MEDIA_URL="/no-media-served/"):
        yield request.getfixturevalue("live_server")


@pytest.fixture
def world(org, make_user):
    """The two-unit world of the permission tests (马尾区 leads task_a and task_shared, 鼓楼区 supports task_shared)."""
    from permissions.world import build_world

    return build_world(org, make_user)


@pytest.fixture
def api_as():
    """A client whose requests carry a fresh API token of the given user."""
    from django.test import Client

    from duikou.core.api_auth import issue_token

    def make(user):
        return Client(headers={"Authorization": f"Bearer {issue_token(user=user, scope='write')}"})

    return make
