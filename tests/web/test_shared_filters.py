"""Every model with a list page and an API list is filtered by one definition (its app's filters.py): the page,
its .xlsx export and the API accept the same parameters and give the same rows for the same values."""

import io

import pytest
from django.test import Client
from django.urls import resolve, reverse
from openpyxl import load_workbook

from duikou.api import api as ninja_api
from duikou.core.api_auth import issue_token
from duikou.core.filtering import SEARCH, Flag
from duikou.reports.filters import REPORT_FILTERS

pytestmark = pytest.mark.django_db

# (page, API list) — every list page of the site whose model the API lists too.
PAIRS = [
    ("plans:list", "/api/plans/"),
    ("plans:tasks", "/api/plans/tasks/"),
    ("targets:list", "/api/targets/"),
    ("funds:list", "/api/funds/"),
    ("projects:list", "/api/projects/"),
    ("dispatches:list", "/api/dispatches/"),
    ("programs:list", "/api/programs/"),
    ("programs:pairings", "/api/programs/pairings/"),
    ("organizations:list", "/api/organizations/"),
    ("reports:list", "/api/reports/"),
]
PAGING = {"limit", "offset", "after"}
OPERATORS = ("__lte", "__gte", "__isnull", "__icontains")
API_PAGE = 1000


@pytest.fixture
def more(world, org):
    """A second program with a plan, a task, a target on it, a project and a dispatch: something to narrow."""
    import datetime as dt

    from duikou.dispatches.models import Dispatch
    from duikou.plans.models import Plan, Responsibility, Task
    from duikou.programs.models import Program
    from duikou.projects.models import Project
    from duikou.targets.models import Target

    hangzhou, sichuan = org("浙江省杭州市"), org("四川省凉山彝族自治州")
    program = Program.objects.create(
        name="浙江—四川 东西部协作", start_year=2022, end_year=2026, is_public=True, description="东西部协作"
    )
    program.donors.add(hangzhou)
    program.recipients.add(sichuan)
    plan = Plan.objects.create(
        program=program, title="协作方案", source_sha256="1" * 64, start_year=2022, end_year=2026
    )
    task = Task.objects.create(
        plan=plan, number="1", path=["一", "1"], title="劳务协作", order=0, due_date=dt.date(2024, 12, 31)
    )
    Responsibility.objects.create(task=task, organization=hangzhou, role="lead", printed_name="杭州市")
    target = Target.objects.create(
        plan=plan,
        task=task,
        text="转移就业 1000 人",
        indicator="转移就业",
        value=1000,
        unit=Target.PERSON,
        year=2024,
    )
    Project.objects.create(
        program=program,
        plan=plan,
        name="凉山职业培训中心",
        recipient=sichuan,
        implementer=hangzhou,
        sector="就业",
    )
    Dispatch.objects.create(
        program=program,
        target=target,
        person_name="王老师",
        from_organization=hangzhou,
        to_organization=sichuan,
        field=Dispatch.FIELDS[-1][0],
        start_date=dt.date(2024, 2, 1),
    )
    return world


def _definition(url):
    """The filters the page reads: its list view's, or the report list's (a plain view)."""
    view = resolve(url).func
    return view.view_class.filters if hasattr(view, "view_class") else REPORT_FILTERS


def _page_rows(response) -> set[int]:
    queryset = (
        response.context["paginator"].object_list
        if "paginator" in response.context
        else response.context["page"].paginator.object_list
    )
    return set(queryset.values_list("pk", flat=True))


def _api_rows(api, path: str, params: dict) -> tuple[int, set[int]]:
    response = api.get(path, {**params, "limit": API_PAGE})
    assert response.status_code == 200, (path, params, response.content[:300])
    body = response.json()
    return body["count"], {item["id"] for item in body["items"]}


def _samples(flt, queryset) -> list[str]:
    """Values to try, taken from the rows themselves (so every filter is tried with values that match)."""
    if flt.type is Flag:
        return ["true", "false"]
    if isinstance(flt.choices, list) and flt.choices:
        return [str(v) for v, _label in flt.choices]
    if callable(flt.choices):
        return [v for v, _label in flt.options(queryset)][:3]
    if isinstance(flt.lookup, str):
        path = flt.lookup
        for operator in OPERATORS:
            path = path.removesuffix(operator)
        values = {v for v in queryset.order_by().values_list(path, flat=True).distinct() if v is not None}
        return [str(v) for v in sorted(values, key=str)[:3]]
    return []


def _search_samples(fields, queryset) -> list[str]:
    for path in fields:
        for value in queryset.order_by().values_list(path, flat=True)[:20]:
            if value and len(str(value)) >= 2:
                return [str(value)[:2]]
    return []


@pytest.mark.parametrize(("page_name", "api_path"), PAIRS)
def test_page_export_and_api_take_the_same_filters_and_give_the_same_rows(
    more, client_for, page_name, api_path
):
    world = more
    office = world["users"]["office"]
    page = client_for(office)
    api = Client(headers={"Authorization": f"Bearer {issue_token(user=office, scope='write')}"})
    url = reverse(page_name)
    first = page.get(url)
    definition = _definition(url)
    everything = _page_rows(first)
    queryset = (
        first.context["paginator"] if "paginator" in first.context else first.context["page"].paginator
    ).object_list

    # The same parameters: the API's query parameters are exactly the names (and aliases) the page reads.
    parameters = ninja_api.get_openapi_schema()["paths"][api_path]["get"]["parameters"]
    assert {p["name"] for p in parameters} - PAGING == definition.names(), page_name

    narrowed = 0
    cases = [(name, _samples(f, queryset)) for f in definition for name in f.names]
    if definition.search:
        cases.append((SEARCH, _search_samples(definition.search, queryset)))
    for name, values in cases:
        assert values, f"{page_name}: no value to try ?{name}= with"
        for i, value in enumerate(values):
            response = page.get(url, {name: value})
            assert response.status_code == 200
            shown = _page_rows(response)
            count, listed = _api_rows(api, api_path, {name: value})
            assert count == len(shown), (page_name, name, value)
            assert listed <= shown and (count > API_PAGE or listed == shown), (page_name, name, value)
            narrowed += bool(shown) and shown != everything
            if i == 0 and "paginator" in response.context and count <= 200:
                # The export is the page's list too: same rows (counted in the workbook).
                exported = page.get(url, {name: value, "export": "xlsx"})
                sheet = load_workbook(io.BytesIO(exported.content)).active
                assert sheet.max_row - 1 == count or (count == 0 and sheet.max_row <= 1), (name, value)
    # The world's rows let filters narrow: a test where every filter kept all rows (or none) would prove little.
    assert narrowed, page_name


def test_a_filter_contributed_by_another_app_reaches_page_and_api(world, client_for):
    """supervision adds ?light= to the tasks' one definition: both the task page and /api/plans/tasks/ take it."""
    from duikou.plans.filters import TASK_FILTERS

    assert "light" in TASK_FILTERS.names()
    office = world["users"]["office"]
    api = Client(headers={"Authorization": f"Bearer {issue_token(user=office, scope='write')}"})
    page = client_for(office)
    for light in ("green", "yellow", "red", "done"):
        shown = _page_rows(page.get(reverse("plans:tasks"), {"light": light}))
        assert _api_rows(api, "/api/plans/tasks/", {"light": light}) == (len(shown), shown)


def test_bad_values_are_a_422_in_the_api_and_no_rows_on_the_page(world, client_for):
    office = world["users"]["office"]
    api = Client(headers={"Authorization": f"Bearer {issue_token(user=office, scope='write')}"})
    response = api.get("/api/plans/tasks/", {"unit": "abc"})
    assert response.status_code == 422 and "unit" in response.content.decode()
    page = client_for(office).get(reverse("plans:tasks"), {"unit": "abc"})
    assert page.status_code == 200 and not _page_rows(page)


def test_a_search_across_a_many_valued_relation_lists_each_row_once(world, client_for):
    """马尾区 printed under two aliases that both match: one row on the page and in the API (a pk subquery, not a
    join that repeats the row once per alias)."""
    from duikou.organizations.models import OrganizationAlias

    mawei = world["mawei"]
    OrganizationAlias.objects.create(organization=mawei, alias="马尾开发区甲")
    OrganizationAlias.objects.create(organization=mawei, alias="马尾开发区乙")
    office = world["users"]["office"]
    api = Client(headers={"Authorization": f"Bearer {issue_token(user=office, scope='write')}"})
    ids = [
        item["id"]
        for item in api.get("/api/organizations/", {"q": "马尾开发区", "limit": 100}).json()["items"]
    ]
    assert ids == [mawei.pk]
    page = client_for(office).get(reverse("organizations:list"), {"q": "马尾开发区"})
    assert [item["row"].pk for item in page.context["table"]] == [mawei.pk]


def test_one_definition_refuses_a_name_twice_and_a_late_filter():
    from duikou.core.filtering import Filter, Filters, Id

    with pytest.raises(ValueError):
        Filters([Filter("plan", "方案", "plan_id", type=Id), Filter("x", "x", "x", aliases=("plan",))])
    spec = Filters([Filter("plan", "方案", "plan_id", type=Id)])
    with pytest.raises(ValueError):
        spec.add(Filter("other", "其他", "other_id", aliases=("plan",)))
    spec.schema("Late")
    with pytest.raises(RuntimeError):  # the API was built without it: page and API would differ
        spec.add(Filter("late", "迟到", "late_id"))


@pytest.mark.parametrize("page", [name for name, _api in PAIRS if name != "reports:list"])  # not a list view
def test_a_small_lists_choices_read_by_id_are_its_rows_choices(world, more, page):
    """The choices of a list read by its ids (DistinctChoices.among, compiled once: RestrictedListView's small list)
    are the ones read from its rows: the same values, labels and order."""
    from duikou.core.filtering import DistinctChoices

    view = resolve(reverse(page)).func.view_class
    model = view.model
    ids = list(model.objects.values_list("pk", flat=True))
    among = [flt for flt in view.filters if isinstance(flt.choices, DistinctChoices)]
    for flt in among:
        assert flt.options(None, model=model, ids=ids) == flt.options(model.objects.all())
    if among:
        assert any(flt.options(model.objects.all()) for flt in among)
