"""Every page as every role: who gets in, who gets a 404/403, and that each sees only its own rows."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def page_urls(world):
    plan, sales = world["plan"], world["sales"]
    return {
        "home": reverse("web:home"),
        "plans": reverse("plans:list"),
        "tasks": reverse("plans:tasks"),
        "search": reverse("plans:search") + "?q=消费",
        "plan": reverse("plans:detail", args=[plan.pk]),
        "matrix": reverse("plans:matrix", args=[plan.pk]),
        "targets": reverse("targets:list") + f"?plan={plan.pk}",
        "target": reverse("targets:detail", args=[sales.pk]),
        "funds": reverse("funds:list"),
        "schedule": reverse("funds:schedule", args=[plan.pk]),
        "projects": reverse("projects:list"),
        "dispatches": reverse("dispatches:list"),
        "programs": reverse("programs:list"),
        "pairings": reverse("programs:pairings"),
        "program": reverse("programs:detail", args=[plan.program_id]),
        "organizations": reverse("organizations:list"),
        "unit": reverse("organizations:detail", args=[world["mawei"].pk]),
    }


# role → pages it may not open (404: the object is outside what it may see)
HIDDEN = {
    "office": set(),
    "leader": set(),
    "auditor": set(),
    "mawei": set(),
    "fuqing": {"unit", "target"},
    "guyuan": {"unit"},
}


@pytest.mark.parametrize("role", sorted(HIDDEN))
def test_every_page_as_every_role(world, client_for, role):
    client = client_for(world["users"][role])
    for name, url in page_urls(world).items():
        response = client.get(url)
        expected = 404 if name in HIDDEN[role] else 200
        assert response.status_code == expected, (role, name, url)
        if expected == 200:
            assert "对口支援协作管理平台" in response.content.decode()


def test_anonymous_is_sent_to_login(world, client):
    for name, url in page_urls(world).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("accounts:login")), name


def test_a_unit_sees_only_its_own_tasks(world, client_for):
    body = client_for(world["users"]["fuqing"]).get(reverse("plans:tasks")).content.decode()
    assert "加强教育领域协作" in body
    assert "推动消费帮扶" not in body
    body = (
        client_for(world["users"]["mawei"])
        .get(reverse("plans:detail", args=[world["plan"].pk]))
        .content.decode()
    )
    assert "推动消费帮扶" in body and "参加闽宁协作联席会议" in body
    assert "加强教育领域协作" not in body


def test_import_is_for_the_office_only(world, client_for):
    for role in ("mawei", "leader", "auditor", "guyuan"):
        assert client_for(world["users"][role]).get(reverse("web:import")).status_code == 403, role
    assert client_for(world["users"]["office"]).get(reverse("web:import")).status_code == 200


def test_plan_tree_marks_overdue_and_filters(world, client_for):
    client = client_for(world["users"]["office"])
    url = reverse("plans:detail", args=[world["plan"].pk])
    body = client.get(url).content.decode()
    # Task 1 was due 2023-07-31 and is not done: red; task 2 is due in 2099.
    task1 = world["plan"].tasks.get(number="1").pk
    task2 = world["plan"].tasks.get(number="2").pk
    assert f'class="task overdue" id="task-{task1}"' in body
    assert f'class="task" id="task-{task2}"' in body
    overdue_only = client.get(url + "?status=overdue").content.decode()
    assert "参加闽宁协作联席会议" in overdue_only and "推动消费帮扶" not in overdue_only
    by_unit = client.get(url + f"?unit={world['minhou'].pk}").content.decode()
    assert "推动消费帮扶" in by_unit and "加强教育领域协作" not in by_unit
    section = world["plan"].sections.get(number="二")
    by_section = client.get(url + f"?section={section.pk}").content.decode()
    assert "加强教育领域协作" in by_section and "推动消费帮扶" not in by_section


def test_matrix_marks_lead_and_support(world, client_for):
    response = client_for(world["users"]["office"]).get(reverse("plans:matrix", args=[world["plan"].pk]))
    rows = {row["organization"].full_name: row["cells"] for row in response.context["matrix"]}
    assert rows["福建省福州市马尾区"] == ["lead", "support", ""]
    assert rows["福建省福州市闽侯县"] == ["support", "lead", ""]
    assert rows["福建省福州市福清市"] == ["", "", "lead"]


def test_unit_page_gathers_everything_of_the_unit(world, client_for):
    from duikou.organizations.models import Organization, OrganizationAlias

    for alias in ("马尾开发区", "马尾<区>"):
        OrganizationAlias.objects.create(organization=world["mawei"], alias=alias)
    other = Organization.objects.exclude(pk=world["mawei"].pk).first()
    OrganizationAlias.objects.create(organization=other, alias="另一单位")
    response = client_for(world["users"]["office"]).get(
        reverse("organizations:detail", args=[world["mawei"].pk])
    )
    body = response.content.decode()
    assert "别名：马尾开发区、马尾&lt;区&gt;</p>" in body  # its own, in the order added, escaped
    assert response.context["summary"]["tasks"] == 2
    assert response.context["summary"]["lead"] == 1
    assert {a.target.indicator for a in response.context["allocations"]} == {
        "帮助宁夏销售农副产品",
        "选派专业技术人员",
    }
    assert "西吉县冷链物流中心" in body and "林医生" in body
    assert "1,200.00" in body  # 12,000,000 yuan disbursed, shown in 万元


def test_search_finds_plans_and_tasks(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.get(reverse("plans:search"), {"q": "销售渠道"})
    assert [t.title for t in response.context["tasks"]] == ["推动消费帮扶"]
    response = client.get(reverse("plans:search"), {"q": "榕委振兴组"})
    assert [p.pk for p in response.context["plans"]] == [world["plan"].pk]
    # A unit does not find tasks it has no part in.
    response = client_for(world["users"]["fuqing"]).get(reverse("plans:search"), {"q": "销售渠道"})
    assert response.context["tasks"] == []


def test_pairing_graph_has_both_sides(world, client_for):
    response = client_for(world["users"]["office"]).get(
        reverse("programs:detail", args=[world["plan"].program_id])
    )
    graph = response.context["graph"]
    names = {n["name"] for n in graph["nodes"]}
    assert {"福建省福州市马尾区", "宁夏回族自治区固原市西吉县"} <= names
    assert len(graph["links"]) == 2
    assert "vendor/echarts/echarts.min.js" in response.content.decode()


def test_language_switch_to_english(world, client_for):
    client = client_for(world["users"]["office"])
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("web:home")})
    assert response.status_code == 302
    body = client.get(reverse("web:home")).content.decode()
    assert '<html lang="en">' in body
