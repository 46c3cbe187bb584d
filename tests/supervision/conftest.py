import json

import pytest
from django.test import Client
from permissions.world import world  # noqa: F401  the shared two-unit world fixture

from duikou.core.api_auth import issue_token


class Api:
    """A token-carrying client speaking JSON."""

    def __init__(self, user):
        self.client = Client(headers={"Authorization": f"Bearer {issue_token(user=user, scope='write')}"})

    def get(self, url):
        return self.client.get(url)

    def post(self, url, body=None):
        return self.client.post(url, json.dumps(body or {}), content_type="application/json")

    def patch(self, url, body):
        return self.client.patch(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def api():
    return Api


@pytest.fixture
def browser_client():
    """A signed-in page client for a user."""

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make
