"""Fixtures for the attack tests of issue #12: fast hashes, a temporary files folder, a headless Chromium."""

import pytest


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
