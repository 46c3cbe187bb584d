"""A plan's task cards and responsibility matrix, built in Python: a plan page shows up to a thousand tasks, and an
included template per task (a light badge and a url per unit inside it) was most of the page's time."""

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from duikou.core.dates import today_for
from duikou.core.rows import url_maker
from duikou.plans.models import Responsibility, Task
from duikou.supervision.templatetags.supervision_tags import light_badge

register = template.Library()


@register.simple_tag
def task_cards(tasks):
    """The plan page's card of each task (status, light, units, deadline, text), as plans/_task.html had them."""
    unit_url, task_url = url_maker("organizations:detail"), url_maker("supervision:task")
    statuses = {code: str(label) for code, label in Task.STATUSES}
    roles = {code: str(label) for code, label in Responsibility.ROLES}
    # Translations are the site's own text, written unescaped as {% trans %} writes them.
    overdue_badge = format_html('<span class="badge overdue">{}</span>', mark_safe(_("已逾期")))
    deadline, progress, content = mark_safe(_("完成时限")), mark_safe(_("进度")), mark_safe(_("内容"))
    today = today_for()
    cards = []
    for task in tasks:
        overdue = task.overdue_on(today)
        light = getattr(task, "light", None)
        units = "".join(
            format_html(
                '<a class="badge {}" href="{}" title="{}">{} · {}</a> ',
                r.role,
                unit_url(r.organization_id),
                r.organization.full_name,
                roles.get(r.role, r.role),
                r.printed_name,
            )
            for r in task.responsibilities.all()
        )
        text = ""
        if task.text and task.text != task.title:
            text = format_html(
                "<details><summary>{}</summary>{}</details>",
                content,
                linebreaksbr(task.text, autoescape=True),
            )
        cards.append(
            format_html(
                '\n<div class="task{}" id="task-{}">\n'
                '  <strong>{}</strong> <a href="{}">{}</a>\n'
                '  <span class="badge {}">{}</span>{}\n'
                "  {}\n"
                '  <div class="units">\n'
                "    {}\n"
                "  </div>\n"
                '  <div class="meta">{}：{}{} · {} {}%</div>\n'
                "  {}\n"
                "</div>\n",
                " overdue" if overdue else "",
                localize(task.pk),
                localize(task.number),
                task_url(task.pk),
                task.title,
                task.status,
                statuses.get(task.status, task.status),
                mark_safe(" " + light_badge(light)) if light else "",
                overdue_badge if overdue else "",
                mark_safe(units),
                deadline,
                task.deadline or "—",
                format_html("（{}）", localize(task.due_date)) if task.due_date else "",
                progress,
                localize(task.progress),
                text,
            )
        )
    return mark_safe("".join(cards))


@register.simple_tag
def matrix_cells(cells):
    """A matrix row's marks (牵 lead, 配 support) as its cells."""
    marks: dict[str, str] = {}
    out = []
    for mark in cells:
        if mark not in marks:
            label = (
                _("牵") if mark == Responsibility.LEAD else _("配") if mark == Responsibility.SUPPORT else ""
            )
            marks[mark] = format_html('<td class="mark {}">{}</td>', mark, mark_safe(label))
        out.append(marks[mark])
    return mark_safe("".join(out))
