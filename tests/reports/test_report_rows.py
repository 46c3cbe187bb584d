"""The report page's task and figure rows, and the report list's rows, are built in Python
(reports/templatetags/report_tags.py): the HTML is the template's own, character for character, editable or not, in
both languages, on awkward values (markup in titles and texts, long titles, no deadline, overdue tasks, values just
posted, money and other units, no rows)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from duikou.core.periods import Period
from duikou.organizations.models import Organization
from duikou.plans.models import Task
from duikou.programs.models import Program
from duikou.reports.forms import EvidenceForm
from duikou.reports.models import Report, TaskProgress
from duikou.reports.templatetags.report_tags import figure_rows, report_list_rows, task_rows
from duikou.targets.models import Allocation, Target

# The loops of reports/detail.html before the tags built them.
TASKS = (
    '{% load i18n %}{% for row in task_rows %}<tr{% if row.task.is_overdue %} class="overdue"{% endif %}>\n'
    "<td>{{ row.task.number }}</td><td>{{ row.task.title|truncatechars:80 }}</td>"
    '<td>{{ row.task.deadline|default:row.task.due_date|default:"—" }}</td>\n'
    "{% if editable %}\n"
    '<td><select name="{{ row.key }}-status">{% for v, l in task_statuses %}<option value="{{ v }}"'
    "{% if v == row.status %} selected{% endif %}>{{ l }}</option>{% endfor %}</select></td>\n"
    '<td class="num"><input type="number" min="0" max="100" name="{{ row.key }}-percent" value="{{ row.percent }}"'
    ' class="w5em"></td>\n'
    '<td><textarea name="{{ row.key }}-text" rows="2" cols="40">{{ row.text }}</textarea></td>\n'
    "{% else %}<td>{% for v, l in task_statuses %}{% if v == row.status %}{{ l }}{% endif %}{% endfor %}</td>"
    '<td class="num">{{ row.percent }}</td><td>{{ row.text|linebreaksbr }}</td>{% endif %}\n'
    '</tr>{% empty %}<tr><td colspan="6" class="empty">{% trans "本单位在该对口关系中没有承担任务" %}</td></tr>'
    "{% endfor %}"
)
FIGURES = (
    "{% load i18n duikou_web %}{% for row in figure_rows %}<tr><td>{{ row.target.indicator }}</td>"
    '<td class="num">{{ row.target|quantity:row.allocation.value }}</td>\n'
    '{% if editable %}<td class="num"><input name="{{ row.key }}-value" value="{{ row.value }}" inputmode="decimal"'
    ' class="figure-input" aria-label="{{ row.target.indicator }}"> <span class="unit">{% if row.money %}'
    '{% trans "万元" %}{% else %}{{ row.target.unit_label }}{% endif %}</span></td><td><input name="{{ row.key }}-note"'
    ' value="{{ row.note }}"></td>\n'
    '{% else %}<td class="num">{% if row.value == "" %}—{% elif row.money %}{{ row.value|floatformat:"2g" }}'
    '{% trans "万元" %}{% else %}{{ row.target|quantity:row.value }}{% endif %}</td><td>{{ row.note }}</td>'
    "{% endif %}</tr>\n"
    '{% empty %}<tr><td colspan="4" class="empty">{% trans "没有分解到本单位的目标" %}</td></tr>{% endfor %}'
)

# The loop of reports/list.html before the tag built it.
REPORTS = (
    "{% load i18n %}{% for r in page %}<tr><td><a href=\"{% url 'reports:detail' r.pk %}\">{{ r.organization }}</a></td>"
    '<td>{{ r.period.label }}</td><td>{{ r.program }}</td><td><span class="badge {{ r.status }}">'
    '{{ r.get_status_display }}</span></td><td>{{ r.submitted_at|date:"Y-m-d H:i"|default:"—" }}</td></tr>\n'
    '{% empty %}<tr><td colspan="5" class="empty">{% trans "暂无月报" %}</td></tr>{% endfor %}'
)


def _task(pk, **fields):
    values = {
        "number": f"{pk}.",
        "title": "推进项目",
        "deadline": "",
        "due_date": None,
        "status": Task.IN_PROGRESS,
    }
    return Task(pk=pk, **(values | fields))


def _task_rows():
    long = "推进<b>产业</b>协作 & 劳务输出“稳岗”" * 6
    past = dt.date(2020, 6, 30)
    tasks = [
        _task(1, title=long, deadline="2024年底前"),
        _task(2, title='A "quoted" <title>', due_date=past),  # overdue
        _task(3, due_date=dt.date(2099, 1, 31), status=Task.COMPLETED),
        _task(4, number="", due_date=past, status=Task.COMPLETED, completed_on=past),
        _task(5, deadline="持续推进", due_date=past, status=Task.CANCELLED),
    ]
    values = [
        ("in_progress", 30, "按计划推进。\n第二行 <i>强调</i> & “引号”"),
        ("completed", 100, ""),
        ("not_started", "55", "posted"),  # values just posted come as text
        (None, None, None),  # a task missing from the post
        ("suspended", 0, "\r\n"),
    ]
    return [
        {"task": t, "key": f"task-{t.pk}", "status": s, "percent": p, "text": x}
        for t, (s, p, x) in zip(tasks, values, strict=True)
    ]


def _figure_rows():
    money = Target(pk=1, indicator="帮扶资金<投入>", value=Decimal("5000000"), unit=Target.YUAN)
    people = Target(pk=2, indicator='转移就业 "人数"', value=Decimal("3000"), unit=Target.PERSON)
    other = Target(pk=3, indicator="其他指标", value=None, unit=Target.OTHER, unit_text="个<村>")
    rows = []
    for n, (target, share, value, note, is_money) in enumerate(
        [
            (money, Decimal("1500000"), Decimal("12.5"), "说明 & <备注>", True),
            (money, None, "", "", True),
            (people, Decimal("1200"), Decimal("1234.5000"), "", False),
            (people, Decimal("0"), "", "", False),
            (other, Decimal("3"), "7", 'posted "note"', False),  # values just posted come as text
            (other, None, Decimal("0"), "", False),
        ],
        start=1,
    ):
        allocation = Allocation(pk=n, target=target, value=share)
        rows.append(
            {
                "allocation": allocation,
                "target": target,
                "key": f"alloc-{n}",
                "money": is_money,
                "value": value,
                "note": note,
            }
        )
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("editable", [True, False])
def test_task_rows_are_the_templates_own(language, editable):
    statuses = TaskProgress._meta.get_field("status").choices
    with translation.override(language):
        for rows in (_task_rows(), []):
            context = {"task_rows": rows, "editable": editable, "task_statuses": statuses}
            assert task_rows(rows, editable, statuses) == Template(TASKS).render(Context(context))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("editable", [True, False])
def test_figure_rows_are_the_templates_own(language, editable):
    with translation.override(language):
        for rows in (_figure_rows(), []):
            context = {"figure_rows": rows, "editable": editable}
            assert figure_rows(rows, editable) == Template(FIGURES).render(Context(context))


def _reports():
    unit = Organization(pk=1, name="鼓楼区", full_name="福州市<鼓楼区> & “发改局”")
    unnamed = Organization(pk=2, name="仓山区", full_name="")
    program = Program(pk=1, name='闽宁 "协作"')
    # Submitted just before midnight UTC: the day shown is the site's (Asia/Shanghai), as the template's date filter.
    late = dt.datetime(2025, 7, 31, 20, 30, tzinfo=dt.UTC)
    return [
        Report(
            pk=7,
            organization=unit,
            program=program,
            period=Period.parse("2025-07"),
            status=Report.SUBMITTED,
            submitted_at=late,
        ),
        Report(
            pk=12, organization=unnamed, program=program, period=Period.parse("2025-Q3"), status=Report.DRAFT
        ),
        Report(pk=3, organization=unit, program=program, period=Period.parse("2024"), status=Report.RETURNED),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_report_list_rows_are_the_templates_own(language):
    with translation.override(language):
        for reports in (_reports(), []):
            assert report_list_rows(reports) == Template(REPORTS).render(Context({"page": reports}))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_evidence_inputs_are_the_forms_own(language):
    """The report page's evidence inputs, rendered once a process, are what the empty form renders in either
    language."""
    with translation.override(language):
        form = EvidenceForm()
        assert EvidenceForm.inputs() == {name: str(form[name]) for name in form.fields}
