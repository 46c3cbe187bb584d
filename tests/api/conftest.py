"""API fixtures: users with tokens, and a small imported plan to read and change."""

import json
from pathlib import Path

import pytest
from django.test import Client

from duikou.core import permissions as perms
from duikou.core.api_auth import issue_token

SMALL_PLAN = json.loads(
    (Path(__file__).parents[1] / "exchange" / "small_plan.json").read_text(encoding="utf-8")
)


@pytest.fixture
def plan(db):
    from duikou.plans.importer import import_plan_data

    data = json.loads(json.dumps(SMALL_PLAN))
    return import_plan_data(data, source_bytes=json.dumps(data).encode(), source_name="small.json").plan


@pytest.fixture
def api_client():
    """A client whose requests carry `Authorization: Bearer <token>` for the given user."""

    def make(user):
        token = issue_token(user=user, scope="write")
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def office(make_user):
    return make_user("api-office", perms.OFFICE_ADMIN)
