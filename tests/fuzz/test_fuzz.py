"""Fuzzing: random plan JSON into the importer, random requests to every URL; no server error, nothing half-written."""

import random
import string

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from duikou.core.errors import InputError
from duikou.plans.models import Plan, Task

pytestmark = pytest.mark.django_db

text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=True), text)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)
task = st.fixed_dictionaries(
    {
        "number": st.one_of(st.none(), text),
        "path": st.lists(text, max_size=3),
        "title": st.one_of(st.none(), text),
        "text": st.one_of(st.none(), text),
        "lead_units": st.lists(text, max_size=3),
        "support_units": st.lists(text, max_size=2),
        "deadline": st.one_of(st.none(), text),
        "due": st.one_of(st.none(), text, st.dates().map(str)),
    }
)
plan = st.fixed_dictionaries(
    {
        "schema": st.sampled_from(["duikou.plan/1", "duikou.plan/2", ""]),
        "title": st.one_of(st.none(), text),
        "doc_number": st.one_of(st.none(), text),
        "issuer": st.one_of(st.none(), text),
        "issued_on": st.one_of(st.none(), text, st.dates().map(str)),
        "period": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"start_year": st.integers(1900, 2200), "end_year": st.integers(1900, 2200)}
            ),
        ),
        "donors": st.lists(text, max_size=2),
        "recipients": st.lists(text, max_size=2),
        "pairings": st.lists(st.fixed_dictionaries({"donor": text, "recipient": text}), max_size=2),
        "funding": st.lists(
            st.fixed_dictionaries(
                {
                    "source": text,
                    "year": st.integers(1900, 2200),
                    "amount_yuan": st.one_of(st.integers(-5, 10**16), st.floats(), text),
                }
            ),
            max_size=2,
        ),
        "targets": st.lists(json_values, max_size=2),
        "tasks": st.lists(task, max_size=4),
    },
    optional={"extra": json_values},
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.one_of(plan, json_values))
def test_plan_importer_accepts_or_refuses_cleanly(data):
    from duikou.plans.importer import import_plan_data

    plans, tasks = Plan.objects.count(), Task.objects.count()
    raw = repr(data).encode()
    try:
        result = import_plan_data(
            data if isinstance(data, dict) else {"value": data}, source_bytes=raw, source_name="fuzz.json"
        )
    except InputError as exc:
        assert "fuzz.json" in str(exc), "the message names the file"
        assert (Plan.objects.count(), Task.objects.count()) == (plans, tasks), "a refused import stored rows"
    else:
        assert result.plan.pk is not None
        assert Task.objects.filter(plan=result.plan).count() == len(data.get("tasks", []))


def all_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from all_patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def concrete(pattern: str, rng: random.Random) -> str:
    import re

    def fill(match):
        kind = match.group(1) or "str"
        return {"int": str(rng.choice([1, 2, 999999, 0])), "slug": "x-y", "path": "a/b"}.get(
            kind, rng.choice(["1", "plans", "%E4%B8%AD"])
        )

    url = re.sub(r"<(?:(\w+):)?\w+>", fill, pattern)
    url = re.sub(r"[\^\$]", "", url)
    return "/" + url.lstrip("/")


def junk(rng: random.Random) -> str:
    return "".join(rng.choice(string.printable + "中文〔〕—") for _ in range(rng.randrange(0, 40)))


def test_random_requests_to_every_url_give_no_server_error(office_admin, org):
    from duikou.scale.generator import generate

    generate("city", seed=21)
    client = Client(raise_request_exception=False)
    client.force_login(office_admin)
    rng = random.Random(7)
    failures = []
    patterns = [p for p in all_patterns() if not p.startswith("admin/")] + ["admin/", "admin/plans/task/"]
    for pattern in patterns:
        for _ in range(3):
            url = concrete(pattern, rng)
            params = {junk(rng)[:8] or "q": junk(rng) for _ in range(rng.randrange(4))}
            for method in ("get", "post"):
                if method == "get":
                    response = client.get(url, params)
                else:
                    files = {"file": __import__("io").BytesIO(rng.randbytes(rng.randrange(0, 2000)))}
                    response = client.post(url, {**params, **files})
                if response.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {params!r} -> {response.status_code}")
    assert not failures, "\n".join(failures[:20])
