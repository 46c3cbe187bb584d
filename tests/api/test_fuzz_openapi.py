"""schemathesis against the served OpenAPI document: no request, however odd, gets a server error (5xx)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from duikou.wsgi import application


def _api_document() -> dict:
    import json

    from duikou.api import api

    return json.loads(json.dumps(api.get_openapi_schema(), default=str))


# Only the fuzzing phase, bounded by max_examples: the coverage phase would multiply the run time.
CONFIG = schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}})
# The served document is for signed-in staff only (issue #12): read it from the API object, call the WSGI app.
schema = schemathesis.openapi.from_dict(_api_document(), config=CONFIG)
schema.app = application
schema.location = "/api/openapi.json"


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Calling the WSGI app directly fires request signals that would close the test's database connection
    (Django's own test client disconnects them the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def office_token(db, org):
    """An office user's token, and a few rows made directly (cheap: this runs once per operation)."""
    from duikou.accounts.models import User
    from duikou.core.api_auth import issue_token
    from duikou.plans.models import Plan, Responsibility, Task
    from duikou.programs.models import Program

    program = Program.objects.create(name="福建—万州 对口支援", start_year=2021, end_year=2025)
    plan = Plan.objects.create(
        program=program, title="实施方案", source_sha256="0" * 64, start_year=2021, end_year=2025
    )
    task = Task.objects.create(plan=plan, number="1", path=["一", "1"], title="产业合作", order=0)
    Responsibility.objects.create(
        task=task, organization=org("重庆市万州区"), role="lead", printed_name="万州区"
    )
    return issue_token(user=User.objects.create(username="fuzz-office", role="office_admin"), scope="write")


@schema.parametrize()
@settings(
    max_examples=20,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_no_server_error(case, office_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {office_token}"}, checks=[not_a_server_error])
