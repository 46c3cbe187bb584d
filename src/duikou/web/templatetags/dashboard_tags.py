"""The dashboard's tables of programs and units, built in Python: 150 rows with a light, two progress bars and a
link each, where an included template per cell and a reverse() per link were most of the page's time. The markup is
web/_progress_cell.html's and supervision/_light.html's, cell for cell."""

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from duikou.core.lists import progress_html
from duikou.core.rows import localizer, truncated, url_maker
from duikou.supervision.templatetags.supervision_tags import light_badge

from .duikou_web import wan

register = template.Library()


def progress_cell(value) -> str:
    """web/_progress_cell.html as its include wrote it (core.lists.progress_html, with the file's newline)."""
    return mark_safe(progress_html(None, value) + "\n")  # noqa: S308 (built escaped)


@register.simple_tag
def program_rows(programs):
    """The rows of 按对口关系: each program's light, tasks, completion, targets and funds."""
    program_url, text, overdue_url = url_maker("programs:detail"), localizer(), reverse("plans:tasks")
    return mark_safe(
        "".join(
            format_html(
                '<tr><td><a href="{}">{}</a> {}</td><td class="num">{}</td><td class="num">{}</td>\n'
                '<td class="num{}">{}</td><td>{}</td>\n'
                '<td class="num">{} / {}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>\n',
                program_url(r["program"].pk),
                r["program"].name,
                light_badge(r.get("light", "")),
                text(r["tasks"]),
                text(r["completed"]),
                " overdue" if r["overdue"] else "",
                format_html('<a href="{}?status=overdue">{}</a>', overdue_url, text(r["overdue"]))
                if r["overdue"]
                else "0",
                progress_cell(r["completion"]),
                text(r["reached"]),
                text(r["targets"]),
                wan(r["planned"]),
                wan(r["disbursed"]),
                progress_cell(r["execution"]),
            )
            for r in programs
        )
    )


@register.simple_tag
def unit_rows(units):
    """The rows of 按责任单位: each unit's light, tasks, completion, shares reached and money paid."""
    unit_url, text = url_maker("organizations:detail"), localizer()
    return mark_safe(
        "".join(
            format_html(
                '<tr><td><a href="{}">{}</a> {}</td><td class="num">{}</td><td class="num">{}</td>'
                '<td class="num">{}</td><td class="num{}">{}</td>\n'
                '<td>{}</td><td class="num unit-shares">{} / {}</td><td class="num">{}</td></tr>\n',
                unit_url(u["organization_id"]),
                u["organization__full_name"],
                light_badge(u.get("light", "")),
                text(u["tasks"]),
                text(u["lead"]),
                text(u["completed"]),
                " overdue" if u["overdue"] else "",
                text(u["overdue"]),
                progress_cell(u["completion"]),
                text(u["allocations_reached"]),
                text(u["allocations"]),
                wan(u["disbursed"]),
            )
            for u in units
        )
    )


@register.simple_tag
def red_task_rows(tasks):
    """The rows of 红灯任务 (web.stats.RedTask): number, title linked to the task, its plan, due date, progress."""
    task_url, text = url_maker("supervision:task"), localizer()
    # A unit's red tasks come from a few plans and due dates: each plan's short title and each date made once.
    plan_titles, dates = {}, {}

    def plan_title(title):
        if title not in plan_titles:
            plan_titles[title] = truncated(title, 20)
        return plan_titles[title]

    def due(day):
        if day not in dates:
            dates[day] = date_filter(day, "Y-m-d") or "—"
        return dates[day]

    return mark_safe(
        "".join(
            format_html(
                '<tr><td>{}</td><td><a href="{}">{}</a> <span class="meta">{}</span></td><td>{}</td>'
                '<td class="num">{}%</td></tr>',
                text(t.number),
                task_url(t.pk),
                truncated(t.title, 40),
                plan_title(t.plan__title),
                due(t.due_date),
                text(t.progress),
            )
            for t in tasks
        )
    )


@register.simple_tag
def unit_links(organizations, css_class):
    """Units (未报, 迟报) as links to their pages, separated by 、."""
    unit_url = url_maker("organizations:detail")
    return mark_safe(
        "、".join(
            format_html('<a href="{}" class="{}">{}</a>', unit_url(o.pk), css_class, o.name)
            for o in organizations
        )
    )
