"""The plan check's warnings come after the plan page, as their own fragment: the tree never waits for them."""

import json
from pathlib import Path

import pytest
from django.urls import reverse

from duikou.core import permissions as perms

SMALL_PLAN = json.loads(
    (Path(__file__).parents[1] / "exchange" / "small_plan.json").read_text(encoding="utf-8")
)


def _import(data):
    from duikou.plans.importer import import_plan_data

    return import_plan_data(data, source_bytes=json.dumps(data).encode(), source_name="p.json").plan


@pytest.mark.django_db
def test_a_split_that_does_not_add_up_is_warned_in_the_fragment(client, make_user):
    data = json.loads(json.dumps(SMALL_PLAN))
    data["targets"][0]["allocations"][1]["value"] = 50_000_000  # 1.2亿 + 0.5亿 ≠ 2亿
    plan = _import(data)
    client.force_login(make_user("office-f", perms.OFFICE_ADMIN))
    page = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert f'hx-get="{reverse("plans:findings", args=[plan.pk])}"' in page and "检查发现" not in page
    fragment = client.get(
        reverse("plans:findings", args=[plan.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "检查发现 1 处问题" in fragment and "<html" not in fragment
    whole = client.get(reverse("plans:findings", args=[plan.pk])).content.decode()
    assert "检查发现 1 处问题" in whole and plan.title in whole


@pytest.mark.django_db
def test_a_plan_that_adds_up_has_an_empty_fragment_and_others_plans_are_404(client, make_user, org):
    plan = _import(json.loads(json.dumps(SMALL_PLAN)))
    client.force_login(make_user("office-g", perms.OFFICE_ADMIN))
    fragment = client.get(reverse("plans:findings", args=[plan.pk]), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "检查发现" not in fragment.content.decode()
    outsider = make_user("far-away", perms.UNIT_REPORTER, org("重庆市万州区"))
    client.force_login(outsider)
    assert client.get(reverse("plans:findings", args=[plan.pk])).status_code == 404
