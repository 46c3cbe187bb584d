"""What every request costs before its page's own work (issue #17): the queries of a signed-in request (session,
user with its unit, second-factor device) and the navigation, rendered once per process for each role and language."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from duikou.core import permissions as perms
from duikou.core.templatetags import route_urls

pytestmark = pytest.mark.django_db
SMALL_PLAN = Path(__file__).parents[1] / "exchange" / "small_plan.json"


@pytest.fixture
def verified_office(client, make_user, settings):
    """An office admin signed in with the second factor passed, as in production (DUIKOU_OTP_REQUIRED)."""
    settings.DUIKOU_OTP_REQUIRED = True
    user = make_user("fixed-office", perms.OFFICE_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def unit_client(client, make_user, org):
    client.force_login(make_user("fixed-unit", perms.UNIT_REPORTER, org("重庆市万州区")))
    return client


def test_a_plain_page_reads_session_user_and_device_only(verified_office, django_assert_max_num_queries):
    verified_office.get(reverse("accounts:password_change"))
    with django_assert_max_num_queries(3):  # session, user, second-factor device
        page = verified_office.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and f'href="{reverse("plans:tasks")}"' in page.content.decode()


def test_a_unit_reporter_page_reads_session_user_and_unit_only(unit_client, django_assert_max_num_queries):
    unit_client.get(reverse("accounts:password_change"))
    with django_assert_max_num_queries(2):  # session, user with the unit named in the header
        page = unit_client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "万州区" in page.content.decode()


def test_the_session_comes_from_a_shared_cache(unit_client, settings, django_assert_max_num_queries):
    settings.SESSION_ENGINE = "duikou.accounts.cached_sessions"  # what a Redis or file cache gets
    unit_client.get(reverse("accounts:password_change"))  # the session's first read fills the cache
    with django_assert_max_num_queries(1):  # the user with the unit
        page = unit_client.get(reverse("accounts:password_change"))
    assert page.status_code == 200 and "万州区" in page.content.decode()


def test_the_navigation_is_kept_per_role_and_language(client, make_user, org):
    office, unit = (
        make_user("nav-office", perms.OFFICE_ADMIN),
        make_user("nav-unit", perms.UNIT_REPORTER, org("重庆市万州区")),
    )
    pages = {}
    for _ in range(2):  # the second round is served from the kept navigation
        for user in (office, unit):
            client.force_login(user)
            for language in ("zh-hans", "en"):
                client.cookies["django_language"] = language
                pages[user.username, language] = client.get(
                    reverse("accounts:password_change")
                ).content.decode()
    assert f'href="{reverse("web:import")}"' in pages["nav-office", "zh-hans"]
    assert f'href="{reverse("web:import")}"' not in pages["nav-unit", "zh-hans"]
    assert f'href="{reverse("supervision:rules")}"' not in pages["nav-unit", "en"]
    assert "导入方案" in pages["nav-office", "zh-hans"] and "导入方案" not in pages["nav-office", "en"]


def test_the_api_detail_reads_one_query_beyond_the_session(verified_office, django_assert_max_num_queries):
    from duikou.plans.importer import import_plan_data

    raw = SMALL_PLAN.read_bytes()
    plan = import_plan_data(json.loads(raw), source_bytes=raw, source_name="small.json").plan
    verified_office.get(f"/api/plans/{plan.pk}")
    with django_assert_max_num_queries(4):  # session, user, device, the plan
        answer = verified_office.get(f"/api/plans/{plan.pk}")
    assert answer.status_code == 200 and answer.json()["id"] == plan.pk


def test_the_navigation_is_reversed_once_per_process(verified_office, monkeypatch):
    verified_office.get(reverse("accounts:password_change"))  # reverses what this process had not yet
    calls = []
    real = route_urls.reverse
    monkeypatch.setattr(route_urls, "reverse", lambda *a, **k: calls.append(a) or real(*a, **k))
    page = verified_office.get(reverse("accounts:password_change")).content.decode()
    assert calls == []
    for name in ("web:home", "plans:list", "reports:list", "supervision:rules", "accounts:logout"):
        assert f'"{reverse(name)}"' in page


def test_the_redis_cache_keeps_one_client_per_pool():
    from duikou.core.redis_cache import RedisCache

    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client()  # builds no connection until a command runs
    assert cache._cache.get_client(write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(write=False)


def test_the_signed_in_user_is_read_whole_with_its_unit(make_user, org, django_assert_num_queries):
    from duikou.accounts.backends import PasswordBackend
    from duikou.accounts.models import User

    backend = PasswordBackend()
    user = make_user("whole", perms.UNIT_REPORTER, org("重庆市万州区"))
    with django_assert_num_queries(1):
        read = backend.get_user(user.pk)
        unit = read.organization  # read with the user, no query of its own
    fresh = User.objects.select_related("organization").get(pk=user.pk)
    assert [getattr(read, f.attname) for f in User._meta.concrete_fields] == [
        getattr(fresh, f.attname) for f in User._meta.concrete_fields
    ]
    assert [getattr(unit, f.attname) for f in type(unit)._meta.concrete_fields] == [
        getattr(fresh.organization, f.attname) for f in type(unit)._meta.concrete_fields
    ]
    assert not read._state.adding and read.password_changed_at == fresh.password_changed_at
    assert backend.get_user(make_user("no-unit", perms.OFFICE_ADMIN).pk).organization is None
    assert backend.get_user(user.pk + 10**6) is None
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert backend.get_user(user.pk) is None  # a deactivated account is signed out at its next request


@pytest.mark.django_db(transaction=True)
def test_the_health_check_reads_the_socket_of_an_idle_connection(monkeypatch):
    """duikou.core.postgresql: a kept idle connection is usable without a `SELECT 1`; one the server ended is not,
    and the next request's first query gets a new connection (CONN_HEALTH_CHECKS)."""
    import time

    import psycopg
    from django.db import close_old_connections, connection

    if connection.vendor != "postgresql":
        pytest.skip("the PostgreSQL backend's health check")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    raw = connection.connection
    sent = []
    monkeypatch.setattr(
        raw, "cursor", lambda *a, **k: sent.append(a) or psycopg.Connection.cursor(raw, *a, **k)
    )
    assert connection.is_usable() and sent == []  # no query for an idle healthy connection
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    time.sleep(0.2)
    assert not connection.is_usable()
    connection.health_check_done = False  # as at the start of a request
    close_old_connections()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_kept_list_reads_the_data_version_with_the_user(unit_client, django_assert_max_num_queries):
    """A page's data version is the newest change-log id read with the signed-in user (core.versioned.read_at_start):
    a kept list reads the session and the user only."""
    url = reverse("plans:tasks")
    first = unit_client.get(url)
    with django_assert_max_num_queries(2) as captured:  # session, user with its unit and the data's version
        again = unit_client.get(url)
    tokens = re.compile(rb'(X-CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+')
    assert again.status_code == 200 and tokens.sub(b"", again.content) == tokens.sub(b"", first.content)
    assert not [
        q for q in captured.captured_queries if q["sql"].lstrip().startswith('SELECT "core_changelog"')
    ]


def test_the_data_version_read_with_the_user_gives_way_to_the_requests_own_writes(make_user, org):
    """data_version() is the version read at the request's start until the request writes the change log: a page
    made after its own request's write sees it."""
    from django.contrib.contenttypes.models import ContentType

    from duikou.accounts.backends import PasswordBackend
    from duikou.core import versioned
    from duikou.core.actor import acting_as
    from duikou.core.models import ChangeLog
    from duikou.organizations.models import Organization

    user = make_user("versioned", perms.UNIT_REPORTER, org("重庆市万州区"))
    newest = ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    read = PasswordBackend().get_user(user.pk)
    assert read.data_version == newest == versioned.data_version()
    with versioned.read_at_start(read.data_version), acting_as(read):
        ChangeLog.objects.create(
            action=ChangeLog.UPDATE,
            content_type=ContentType.objects.get_for_model(ChangeLog),
            object_id="0",
            object_repr="another's",
        )
        assert versioned.data_version() == newest  # others' writes: the version the request started with
        unit = Organization.objects.get(pk=user.organization_id)
        unit.full_name += "（改）"
        unit.save()  # the request's own write (core.audit)
        mine = ChangeLog.objects.order_by("-pk").values_list("pk", flat=True).first()
        assert mine > newest and versioned.data_version() == mine
    assert versioned.data_version() == mine
