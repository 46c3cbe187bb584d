"""The detail pages (plan, matrix, program, unit, dashboard) build their long tables in Python (template tags) instead
of an included template per row: the HTML is the templates' own, character for character, on generated data and in
both languages; and the number of queries of each page does not grow with its rows."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from duikou.organizations.models import Organization
from duikou.organizations.views import TASK_FIELDS
from duikou.plans.models import Plan, Responsibility, Task, attach_task_figures
from duikou.programs.models import Pairing, Program
from duikou.scale.generator import generate
from duikou.supervision import lights
from duikou.supervision.models import LightRule
from duikou.web import stats

pytestmark = pytest.mark.django_db

# The markup the pages had as templates before the tags built it (plans/_task.html, the loops of plan_matrix.html,
# program_detail.html and dashboard.html, web/_progress_cell.html and supervision/_light.html).
LIGHT = (
    '{% load i18n %}<span class="light light-{{ light }}" data-light="{{ light }}" title="{% if light == \'red\' %}'
    "{% trans '红灯：逾期或本期未报' %}{% elif light == 'yellow' %}{% trans '黄灯：临近到期或进度滞后' %}"
    "{% elif light == 'green' %}{% trans '绿灯：正常推进' %}{% else %}{% trans '已办结' %}{% endif %}\">"
    "{% if light == 'red' %}{% trans \"红灯\" %}{% elif light == 'yellow' %}{% trans \"黄灯\" %}"
    '{% elif light == \'green\' %}{% trans "绿灯" %}{% else %}{% trans "办结" %}{% endif %}</span>\n'
)
PROGRESS = (
    '{% load duikou_web %}{% if value is None %}<span class="meta">{{ _("暂无数据") }}</span>{% else %}'
    '<div class="progress{% if value < 0.5 %} low{% endif %}" role="progressbar" aria-valuenow="{{ value|bar_width }}"'
    ' aria-valuemin="0" aria-valuemax="100"><span class="{{ value|bar_class }}"></span><em>{{ value|percent }}</em>'
    "</div>{% endif %}\n"
)
TASK = (
    "{% load i18n %}\n"
    '<div class="task{% if task.is_overdue %} overdue{% endif %}" id="task-{{ task.pk }}">\n'
    '  <strong>{{ task.number }}</strong> <a href="/supervision/tasks/{{ task.pk }}/">{{ task.title }}</a>\n'
    '  <span class="badge {{ task.status }}">{{ task.get_status_display }}</span>{% if task.light %} LIGHT{% endif %}\n'
    '  {% if task.is_overdue %}<span class="badge overdue">{% trans "已逾期" %}</span>{% endif %}\n'
    '  <div class="units">\n'
    '    {% for r in task.responsibilities.all %}<a class="badge {{ r.role }}" href="{% url \'organizations:detail\' '
    'r.organization_id %}" title="{{ r.organization.full_name }}">{{ r.get_role_display }} · {{ r.printed_name }}</a>'
    " {% endfor %}\n"
    "  </div>\n"
    '  <div class="meta">{% trans "完成时限" %}：{{ task.deadline|default:"—" }}{% if task.due_date %}（{{ task.due_date }}）'
    '{% endif %} · {% trans "进度" %} {{ task.progress }}%</div>\n'
    '  {% if task.text and task.text != task.title %}<details><summary>{% trans "内容" %}</summary>'
    "{{ task.text|linebreaksbr }}</details>{% endif %}\n"
    "</div>\n"
)
MARKS = (
    '{% load i18n %}{% for mark in cells %}<td class="mark {{ mark }}">{% if mark == "lead" %}{% trans "牵" %}'
    '{% elif mark == "support" %}{% trans "配" %}{% endif %}</td>{% endfor %}'
)
PAIRINGS = (
    "{% for p in items %}<tr><td><a href=\"{% url 'organizations:detail' p.donor_id %}\">{{ p.donor.full_name }}</a>"
    "</td><td><a href=\"{% url 'organizations:detail' p.recipient_id %}\">{{ p.recipient.full_name }}</a></td>"
    '<td class="meta">{{ p.donor_printed }} → {{ p.recipient_printed }}</td><td>{{ p.start_date|default:"" }}'
    "{% if p.end_date %}–{{ p.end_date }}{% endif %}</td></tr>{% endfor %}"
)
PLANS = (
    "{% for plan in plans %}<li><a href=\"{% url 'plans:detail' plan.pk %}\">{{ plan.title }}</a> "
    '<span class="meta">{{ plan.doc_number }} {{ plan.issued_on|default:"" }}</span></li>{% endfor %}'
)
PROGRAM_ROWS = (
    "{% load duikou_web %}{% for r in programs %}<tr><td><a href=\"{% url 'programs:detail' r.program.pk %}\">"
    '{{ r.program.name }}</a> LIGHT(r.light)</td><td class="num">{{ r.tasks }}</td><td class="num">{{ r.completed }}'
    '</td>\n<td class="num{% if r.overdue %} overdue{% endif %}">{% if r.overdue %}<a href="{% url \'plans:tasks\' %}'
    '?status=overdue">{{ r.overdue }}</a>{% else %}0{% endif %}</td><td>PROGRESS(r.completion)</td>\n'
    '<td class="num">{{ r.reached }} / {{ r.targets }}</td><td class="num">{{ r.planned|wan }}</td><td class="num">'
    "{{ r.disbursed|wan }}</td><td>PROGRESS(r.execution)</td></tr>\n{% endfor %}"
)
UNIT_ROWS = (
    "{% load duikou_web %}{% for u in units %}<tr><td><a href=\"{% url 'organizations:detail' u.organization_id %}\">"
    '{{ u.organization__full_name }}</a> LIGHT(u.light)</td><td class="num">{{ u.tasks }}</td><td class="num">'
    '{{ u.lead }}</td><td class="num">{{ u.completed }}</td><td class="num{% if u.overdue %} overdue{% endif %}">'
    '{{ u.overdue }}</td>\n<td>PROGRESS(u.completion)</td><td class="num unit-shares">{{ u.allocations_reached }} / '
    '{{ u.allocations }}</td><td class="num">{{ u.disbursed|wan }}</td></tr>\n{% endfor %}'
)
UNIT_TASKS = (
    '{% load i18n supervision_tags %}{% for t in tasks %}<tr{% if t.is_overdue %} class="overdue"{% endif %}><td>'
    "<a href=\"{% url 'plans:detail' t.plan_id %}\">{{ t.plan.title|truncatechars:30 }}</a></td><td>{{ t.number }}</td>"
    '<td><a href="/supervision/tasks/{{ t.pk }}/">{{ t.title }}</a></td>\n<td><span class="badge {{ t.my_role.role }}">'
    "{{ t.my_role.get_role_display }}</span></td><td>{{ t.deadline }}</td><td>{{ t.get_status_display }}"
    '{% if t.is_overdue %} · {% trans "已逾期" %}{% endif %}</td><td>{% light t.light %}</td></tr>\n{% endfor %}'
)
UNIT_SHARES = (
    "{% load supervision_tags %}{% for a in allocations %}<tr><td>{{ a.target.plan.title|truncatechars:30 }}</td><td>"
    '<a href="{% url \'targets:detail\' a.target_id %}">{{ a.target.indicator }}</a></td>\n<td class="num">'
    '{% include "value.html" with row=a.target value=a.target.value %}</td><td class="num">{% include "value.html" '
    'with row=a.target value=a.value %}</td>\n<td class="num">{% include "value.html" with row=a.target '
    'value=a.achieved %}</td><td>{% include "progress.html" with value=a.progress %}</td><td>{% light a.light %}</td>'
    "</tr>\n{% endfor %}"
)
VALUE = "{% load duikou_web %}{% if value is None %}—{% else %}{{ row|quantity:value }}{% endif %}\n"
# The unit page's other tables as its template wrote them (organization_detail.html's loops), before unit_tags did.
UNIT_FUNDING_LINES = (
    "{% load duikou_web %}{% for l in funding_lines %}<tr><td><a href=\"{% url 'funds:schedule' l.plan_id %}\">"
    '{{ l.plan.title|truncatechars:30 }}</a></td><td>{{ l.source }}</td><td class="num">{{ l.year }}</td>'
    '<td class="num">{{ l.amount|wan }}</td></tr>{% endfor %}'
)
UNIT_PAYMENTS = (
    "{% load duikou_web %}{% for t in transactions %}<tr><td>{{ t.date }}</td><td>{{ t.kind_label }}</td><td>"
    '{{ t.payer.full_name }}</td><td>{{ t.payee.full_name }}</td><td class="num">{{ t.amount|wan }}</td><td>'
    "{{ t.receipt_status_label }}</td><td>{{ t.description }}</td></tr>\n{% endfor %}"
)
UNIT_PROJECTS = (
    "{% load duikou_web %}{% for p in projects %}<tr><td>{{ p.name }}</td><td>{{ p.status_label }}</td><td>"
    '{{ p.recipient.full_name }}</td><td>{{ p.implementer.full_name|default:"—" }}</td><td>{{ p.place }}</td>'
    '<td class="num">{{ p.budget|wan }}</td></tr>\n{% endfor %}'
)
UNIT_PEOPLE = (
    "{% for d in dispatches %}<tr><td>{{ d.person_name }}</td><td>{{ d.field_label }}</td><td>"
    "{{ d.from_organization.full_name }}</td><td>{{ d.to_organization.full_name }}</td><td>{{ d.start_date }}"
    "{% if d.end_date %}–{{ d.end_date }}{% endif %}</td></tr>\n{% endfor %}"
)
UNIT_SUBDIVISIONS = (
    "{% for c in children %}<li><a href=\"{% url 'organizations:detail' c.pk %}\">{{ c.full_name }}</a> "
    '<span class="meta">{{ c.task_count }}</span></li>{% endfor %}'
)
UNIT_LINKS = (
    '{% for o in orgs %}<a href="{% url \'organizations:detail\' o.pk %}" class="unreported">{{ o.name }}</a>'
    "{% if not forloop.last %}、{% endif %}{% endfor %}"
)


def old(source: str, **context) -> str:
    """The old markup rendered as the template engine did, the includes as includes."""
    source = source.replace(
        " LIGHT{% endif %}", ' {% include "light.html" with light=task.light %}{% endif %}'
    )
    for name in ("r.light", "u.light"):
        source = source.replace(f"LIGHT({name})", f'{{% include "light.html" with light={name} %}}')
    for name in ("r.completion", "r.execution", "u.completion"):
        source = source.replace(f"PROGRESS({name})", f'{{% include "progress.html" with value={name} %}}')
    from django.template import engines
    from django.template.loaders.locmem import Loader  # noqa: F401  (the engine below reads templates from memory)

    engine = engines["django"].engine
    local = type(engine)(
        dirs=[],
        app_dirs=False,
        libraries=engine.libraries,
        builtins=["django.templatetags.i18n"],
        loaders=[
            (
                "django.template.loaders.locmem.Loader",
                {"light.html": LIGHT, "progress.html": PROGRESS, "value.html": VALUE},
            )
        ],
    )
    return local.from_string(source).render(Context(context))


def new(source: str, **context) -> str:
    return Template(source).render(Context(context))


@pytest.fixture
def city(settings):
    generate("city", seed=2)
    # Lights of every colour: the plans issued on several days, tasks due around today at several progresses.
    today = dt.date.today()
    for i, plan in enumerate(Plan.objects.order_by("pk")):
        Plan.objects.filter(pk=plan.pk).update(issued_on=today - dt.timedelta(days=30 + 200 * (i % 3)))
    for i, task in enumerate(Task.objects.order_by("pk")):
        Task.objects.filter(pk=task.pk).update(
            due_date=None if i % 7 == 0 else today + dt.timedelta(days=(i % 40) - 10),
            progress=(i * 13) % 101,
            text=task.title if i % 5 == 0 else f"{task.text}\n第二段 <b>{i}</b> & 说明",
        )
    Task.objects.filter(pk__in=list(Task.objects.values_list("pk", flat=True))[::6]).update(
        status=Task.COMPLETED
    )
    # Missing reports would make every unit's tasks red: a long grace lets the other lights show.
    for program in Program.objects.all():
        LightRule.objects.update_or_create(program=program, defaults={"report_grace_days": 5000})


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_tags_write_the_templates_markup(city, language):
    from duikou.core.rows import label_rows  # noqa: F401  (the unit page's labels: see the page test below)

    with translation.override(language):
        tasks = attach_task_figures(
            Task.objects.filter(plan__in=Plan.objects.order_by("pk")[:4])
            .prefetch_related("responsibilities__organization")
            .order_by("plan_id", "order")
        )
        assert {t.light for t in tasks} == set(lights.RANK)  # every badge is compared
        assert any(t.is_overdue for t in tasks) and any(t.text != t.title for t in tasks)
        expected = "".join(old(TASK, task=t) for t in tasks)
        assert new("{% load plan_tags %}{% task_cards tasks %}", tasks=tasks) == expected

        cells = ["lead", "", "support", "", "lead"]
        assert new("{% load plan_tags %}{% matrix_cells cells %}", cells=cells) == old(MARKS, cells=cells)

        for value in [*lights.RANK, "", None]:
            assert new("{% load supervision_tags %}{% light value %}", value=value) == old(LIGHT, light=value)

        from duikou.programs.views import pairing_rows

        program = Program.objects.order_by("pk").first()
        Pairing.objects.filter(program=program, pk__in=Pairing.objects.values("pk")[:40]).update(
            start_date=dt.date(2021, 1, 1)
        )
        Pairing.objects.filter(program=program, pk__in=Pairing.objects.values("pk")[:20]).update(
            end_date=dt.date(2025, 12, 31)
        )
        models = list(
            Pairing.objects.filter(program=program).select_related("donor", "recipient").order_by("pk")
        )
        rows = pairing_rows(Pairing.objects.filter(program=program).order_by("pk"))
        assert new("{% load program_tags %}{% pairing_rows items %}", items=rows) == old(
            PAIRINGS, items=models
        )
        plans = list(Plan.objects.order_by("pk"))
        Plan.objects.filter(pk=plans[0].pk).update(issued_on=None)
        plans = list(Plan.objects.order_by("pk"))
        assert new("{% load program_tags %}{% plan_items plans %}", plans=plans) == old(PLANS, plans=plans)

        figures = stats.dashboard(_office())
        assert figures["programs"] and figures["units"]
        for r in figures["programs"][:1]:
            r["completion"], r["execution"] = None, 0.3  # no data, and a low bar
        got = new("{% load dashboard_tags %}{% program_rows programs %}", programs=figures["programs"])
        assert got == old(PROGRAM_ROWS, programs=figures["programs"])
        got = new("{% load dashboard_tags %}{% unit_rows units %}", units=figures["units"])
        assert got == old(UNIT_ROWS, units=figures["units"])
        from duikou.core.rows import label_rows
        from duikou.targets.models import Allocation

        responsibilities = label_rows(
            Responsibility.objects.select_related("task__plan").order_by("task__plan_id", "task__order")[:60],
            "role",
        )
        for r in responsibilities:
            r.task.my_role = r
        unit_tasks = attach_task_figures(label_rows([r.task for r in responsibilities], "status"))
        assert any(t.is_overdue for t in unit_tasks) and len({t.my_role.role for t in unit_tasks}) == 2
        # The page's rows of values (organizations.views.TASK_FIELDS), written as the template wrote the instances.
        rows = [
            SimpleNamespace(
                **{f: getattr(t, f) for f in TASK_FIELDS if f not in ("plan_title", "role")},
                plan_title=t.plan.title,
                role=t.my_role.role,
                light=t.light,
            )
            for t in unit_tasks
        ]
        got = new("{% load unit_tags %}{% unit_task_rows tasks %}", tasks=rows)
        assert got == old(UNIT_TASKS, tasks=unit_tasks)
        shares = list(Allocation.objects.select_related("target__plan__program").order_by("pk")[:40])
        for i, a in enumerate(shares):
            a.achieved = None if i % 3 == 0 else a.value * (i % 4) / 2
            a.progress = a.progress_of(a.achieved)
        lights.commitment_lights(shares)
        got = new("{% load unit_tags %}{% unit_share_rows allocations %}", allocations=shares)
        assert got == old(UNIT_SHARES, allocations=shares)
        orgs = list(Organization.objects.order_by("pk")[:5])
        got = new('{% load dashboard_tags %}{% unit_links orgs "unreported" %}', orgs=orgs)
        assert got == old(UNIT_LINKS, orgs=orgs)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_unit_pages_tables_are_the_templates_markup(city, client, language):
    """Funds, payments, projects, people sent and subdivisions: the page's rows of values written by unit_tags are
    what the template's loops wrote over model instances, on generated data with markup in it, in both languages."""
    from types import SimpleNamespace

    from django.db.models import Count, Q

    from duikou.core.rows import label_rows
    from duikou.dispatches.models import Dispatch
    from duikou.funds.models import FundingLine, Transaction
    from duikou.projects.models import Project

    busiest = Transaction.objects.values("payer_id").annotate(n=Count("pk")).order_by("-n")[0]["payer_id"]
    unit = Organization.objects.get(pk=busiest)
    # Text that must be escaped, a project with no implementer, people sent to and from it with and without an end.
    Transaction.objects.filter(pk__in=Transaction.objects.filter(payer=unit).values("pk")[:5]).update(
        description='拨付 <b>"第一批"</b> & 余款'
    )
    Project.objects.filter(pk__in=Project.objects.order_by("-pk").values("pk")[:3]).update(
        recipient=unit, implementer=None, place="<某地> & 'x'"
    )
    FundingLine.objects.filter(pk__in=FundingLine.objects.values("pk")[:3]).update(source_organization=unit)
    FundingLine.objects.filter(pk=FundingLine.objects.values("pk")[:1]).update(source='自筹 <甲> & "乙"')
    other = Organization.objects.exclude(pk=unit.pk).order_by("pk").first()
    program = Program.objects.order_by("pk").first()
    for i in range(4):
        Dispatch.objects.create(
            program=program,
            person_name=f"张<{i}>",
            from_organization=unit if i % 2 else other,
            to_organization=other if i % 2 else unit,
            start_date=dt.date(2023, 1 + i, 1),
            end_date=dt.date(2024, 6, 30) if i < 2 else None,
        )
    from duikou.analytics.models import UnitRollup

    region = (
        Organization.objects.filter(
            pk__in=UnitRollup.objects.filter(tasks__gt=0).values("organization_id"),
            parent__kind=Organization.REGION,
        )
        .select_related("parent")
        .order_by("pk")
        .first()
        .parent
    )
    client.force_login(_office())
    with translation.override(language):
        response = client.get(reverse("organizations:detail", args=[unit.pk]), HTTP_ACCEPT_LANGUAGE=language)
        body, context = response.content.decode(), response.context
        funding_lines = list(
            FundingLine.objects.filter(source_organization=unit)
            .select_related("plan")
            .order_by("-year", "pk")
        )
        sides = [
            Transaction.objects.select_related("payer", "payee").filter(**{s: unit})
            for s in ("payer", "payee")
        ]
        transactions = label_rows(
            sorted(
                {t.pk: t for side in sides for t in side}.values(), key=lambda t: (t.date, t.pk), reverse=True
            )[:50],
            "kind",
            "receipt_status",
        )
        projects = label_rows(
            Project.objects.filter(Q(implementer=unit) | Q(recipient=unit) | Q(proposed_by=unit))
            .select_related("recipient", "implementer")
            .order_by("-pk")[:50],
            "status",
        )
        dispatches = label_rows(
            Dispatch.objects.filter(Q(from_organization=unit) | Q(to_organization=unit))
            .select_related("from_organization", "to_organization")
            .order_by("-start_date", "pk")[:50],
            "field",
        )
        assert (
            len(funding_lines) >= 3 and len(transactions) > 5 and any(p.implementer is None for p in projects)
        )
        assert {(d.end_date is None, d.from_organization_id == unit.pk) for d in dispatches} >= {
            (True, True),
            (False, False),
        }
        for tag, rows, old_source, old_rows in [
            (
                "funding_line_rows",
                context["funding_lines"],
                UNIT_FUNDING_LINES,
                {"funding_lines": funding_lines},
            ),
            ("payment_rows", context["transactions"], UNIT_PAYMENTS, {"transactions": transactions}),
            ("project_rows", context["projects"], UNIT_PROJECTS, {"projects": projects}),
            ("dispatch_rows", context["dispatches"], UNIT_PEOPLE, {"dispatches": dispatches}),
        ]:
            got = new(f"{{% load unit_tags %}}{{% {tag} rows %}}", rows=rows)
            assert got == old(old_source, **old_rows), tag
            assert got in body, tag
        assert "&lt;b&gt;&quot;第一批&quot;&lt;/b&gt; &amp; 余款" in body

        response = client.get(
            reverse("organizations:detail", args=[region.pk]), HTTP_ACCEPT_LANGUAGE=language
        )
        children = response.context["children"]
        assert children
        got = new("{% load unit_tags %}{% subdivision_items children %}", children=children)
        shown = [SimpleNamespace(pk=pk, full_name=name, task_count=n) for pk, name, n in children]
        assert got == old(UNIT_SUBDIVISIONS, children=shown)
        assert got in response.content.decode()


def _office():
    from duikou.accounts.models import User
    from duikou.core import permissions as perms

    return User.objects.get_or_create(username="office-detail", defaults={"role": perms.OFFICE_ADMIN})[0]


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_detail_pages_queries_do_not_grow_with_their_rows(city, client):
    """Each page asks the same number of queries for a plan, program or unit with twice the rows."""
    from duikou.accounts.models import User
    from duikou.core import permissions as perms

    busiest = (
        Responsibility.objects.values("organization_id")
        .order_by("organization_id")
        .first()["organization_id"]
    )
    unit = User.objects.create(username="unit-detail", role=perms.UNIT_REPORTER, organization_id=busiest)
    office = User.objects.create(username="leader-detail", role=perms.LEADER)
    plan = Task.objects.filter(responsibilities__organization_id=busiest).order_by("pk").first().plan
    program = plan.program
    # Fewer pairings than the page shows at most (200), so that added ones show.
    keep = list(Pairing.objects.filter(program=program).order_by("pk").values_list("pk", flat=True)[:40])
    Pairing.objects.filter(program=program).exclude(pk__in=keep).delete()
    client.force_login(office)
    pages = [
        reverse("plans:detail", args=[plan.pk]),
        reverse("plans:matrix", args=[plan.pk]),
        reverse("programs:detail", args=[program.pk]),
        reverse("web:home"),
    ]
    before = {url: _queries(client, url) for url in pages}
    client.force_login(unit)
    unit_page = reverse("organizations:detail", args=[busiest])
    before_unit = _queries(client, unit_page)
    # Twice the tasks in the plan (each with its units), twice the pairings in the program.
    units = list(Organization.objects.exclude(pk=busiest).order_by("-pk")[:100])
    for i, task in enumerate(list(Task.objects.filter(plan=plan).order_by("order"))):
        copy = Task.objects.create(
            plan=plan,
            section=task.section,
            number=f"{task.number}-{i}",
            title=f"{task.title}（续）",
            text="续",
            order=1000 + i,
            due_date=task.due_date,
            path=task.path,
        )
        Responsibility.objects.create(
            task=copy, organization_id=busiest, role=Responsibility.LEAD, printed_name="甲"
        )
        Responsibility.objects.create(
            task=copy, organization=units[i % 30], role=Responsibility.SUPPORT, printed_name="乙"
        )
    pairings = Pairing.objects.filter(program=program)
    had, base = pairings.count(), list(pairings.select_related("donor").order_by("pk"))
    Pairing.objects.bulk_create(
        [
            Pairing(
                program=program,
                donor=base[i % 40].donor,
                recipient=unit,
                level=base[i % 40].level,
                order=500 + i,
            )
            for i, unit in enumerate(units)
        ],
        ignore_conflicts=True,
    )
    assert pairings.count() > had + 50
    assert pairings.count() < 200
    client.force_login(office)
    assert {url: _queries(client, url) for url in pages} == before
    client.force_login(unit)
    assert _queries(client, unit_page) == before_unit


def test_the_dashboards_cached_tables_follow_the_data(world, client_for):
    """The tables are kept rendered for the same figures: the same page again, and a change on the next view."""
    import re

    def done_count(body: str) -> int:
        return int(re.search(r'id="count-done">(\d+)<', body).group(1))

    for user in (world["users"]["office"], world["users"]["mawei"]):
        client = client_for(user)
        first = client.get(reverse("web:home")).content.decode()
        again = client.get(reverse("web:home")).content.decode()

        def strip(body: str) -> str:  # the CSRF tokens change with every page
            return re.sub(r'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', "", body)

        assert strip(again) == strip(first)
        task = Task.objects.filter(plan=world["plan"]).exclude(status__in=Task.CLOSED).order_by("pk").first()
        task.status = Task.COMPLETED
        task.save()
        after = client.get(reverse("web:home")).content.decode()
        assert done_count(after) == done_count(first) + 1


def test_the_unit_pages_kept_lists_follow_the_data_and_the_viewer(world, client_for):
    """The unit page keeps its lists for the next view on the data's version: a payment recorded shows on the next
    view, and a user whose gate shows less never gets the lists kept for one who sees more."""
    from duikou.funds.models import Transaction

    mawei = world["mawei"]
    url = reverse("organizations:detail", args=[mawei.pk])
    client = client_for(world["users"]["mawei"])
    assert "第二笔拨付说明" not in client.get(url).content.decode()
    assert "第二笔拨付说明" not in client.get(url).content.decode()  # kept
    Transaction.objects.create(
        funding_line=None,
        project=world["plan"].program.projects.first(),
        amount=1_000_000,
        date=dt.date(2023, 9, 1),
        payer=mawei,
        payee=world["xiji"],
        description="第二笔拨付说明",
    )
    assert "第二笔拨付说明" in client.get(url).content.decode()

    # A project 马尾区 proposed for a place outside its subtree: on its page for the office, not for its reporter
    # (whose gate does not reach it), whoever viewed the page first.
    from duikou.projects.models import Project

    Project.objects.create(
        program=world["plan"].program, name="仅办公室可见的项目", recipient=world["xiji"], proposed_by=mawei
    )
    office_page = client_for(world["users"]["office"]).get(url).content.decode()
    assert "仅办公室可见的项目" in office_page
    assert "仅办公室可见的项目" not in client_for(world["users"]["mawei"]).get(url).content.decode()
    assert "仅办公室可见的项目" in client_for(world["users"]["office"]).get(url).content.decode()
