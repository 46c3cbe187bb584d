"""Intrusion prevention: the API answers 429 to a caller past its rate, per caller; a caller without a token is
counted by its own address (a forged X-Forwarded-For does not give a new allowance)."""

import pytest

from duikou.core import permissions as perms


@pytest.mark.django_db
def test_the_api_limits_each_caller(client, make_user, settings):
    from django.test import Client

    from duikou.core.api_auth import issue_token

    settings.DUIKOU_API_RATE = "5/m"
    one = make_user("one", perms.OFFICE_ADMIN)
    two = make_user("two", perms.OFFICE_ADMIN)
    first = Client(headers={"Authorization": f"Bearer {issue_token(user=one)}"})
    codes = [first.get("/api/plans/").status_code for _ in range(7)]
    assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
    second = Client(headers={"Authorization": f"Bearer {issue_token(user=two)}"})
    assert second.get("/api/plans/").status_code == 200  # another caller has its own allowance


def test_a_forged_forwarded_for_header_is_not_the_callers_address(rf):
    from duikou.core.api_throttle import ApiRateThrottle

    request = rf.get("/api/plans/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert ApiRateThrottle().get_cache_key(request).endswith("203.0.113.9")
