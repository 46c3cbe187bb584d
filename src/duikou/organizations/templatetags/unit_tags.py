"""A unit's tables on its page, built in Python: 50 rows each, where a share's row included four templates (three
values and a progress bar), every row reversed a url and every cell went through the template engine; the markup is
the templates' own, character for character (tests/web/test_detail_pages.py). Funds, payments, projects, people and
subdivisions come as rows of values (the view's `*_COLUMNS`), not model instances.

Cells are escaped as `{{ value }}` escapes them (core.lists.value_html, without format_html's lazy-string wrapper
around every argument), except amounts in 万元 (`wan`: digits and separators, nothing to escape); what repeats from
row to row (a plan's shortened title, a light's badge, a date, a choice's label, a link's path) is built once a
page."""

import html
from collections.abc import Callable

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from duikou.core.dates import today_for
from duikou.core.lists import value_html as cell
from duikou.core.rows import choice_labels, kept_url_maker, truncated
from duikou.dispatches.models import Dispatch
from duikou.funds.models import Transaction
from duikou.plans.models import Responsibility, Task, is_overdue
from duikou.projects.models import Project
from duikou.supervision.templatetags.supervision_tags import light_badge
from duikou.targets.tables import value_cells
from duikou.web.templatetags.dashboard_tags import progress_cell
from duikou.web.templatetags.duikou_web import wan

register = template.Library()


def _once(function: Callable[[object], str]) -> Callable[[object], str]:
    """`function` remembered for the page: its argument repeats from row to row."""
    seen: dict = {}

    def remembered(value) -> str:
        if value not in seen:
            seen[value] = function(value)
        return seen[value]

    return remembered


# Stands for an id in a path escaped once a page: digits need no escaping.
_ID = "2147483647"


def _link(name: str) -> Callable[[object], str]:
    """id → the named url's path for it, escaped for an attribute (core.rows.kept_url_maker)."""
    head, _id, tail = html.escape(kept_url_maker(name)(_ID)).partition(_ID)
    return lambda pk: f"{head}{pk}{tail}"


def _labelled(model, field: str) -> Callable[[object], str]:
    """A choice's value → its label as a cell shows it (core.rows.choice_labels), escaped once a page."""
    labels = choice_labels(model, field)
    return _once(lambda value: cell(labels.get(value, value)))


def _shortened() -> Callable[[object], str]:
    """A title as `{{ title|truncatechars:30 }}` writes it, once per title a page: a short one (in the normal form
    the filter gives) as it is, without the filter's walk over every character."""
    return _once(lambda title: cell(truncated(title, 30)))


@register.simple_tag
def unit_task_rows(tasks):
    """The unit's tasks, rows of the view's TASK_FIELDS with their figures: plan, number, title, the unit's role,
    deadline, status and light."""
    plan_url, task_url, today = _link("plans:detail"), _link("supervision:task"), today_for()
    role, role_label, status_label = _once(cell), _labelled(Responsibility, "role"), _labelled(Task, "status")
    short, badge = _shortened(), _once(light_badge)
    overdue = " · " + _("已逾期")  # the site's own text, unescaped as {% trans %} writes it
    rows = []
    for t in tasks:
        late = is_overdue(t.status, t.due_date, today, t.completed_on)
        opening = '<tr class="overdue">' if late else "<tr>"
        rows.append(
            f'{opening}<td><a href="{plan_url(t.plan_id)}">{short(t.plan_title)}</a>'
            f'</td><td>{cell(t.number)}</td><td><a href="{task_url(t.pk)}">{cell(t.title)}</a></td>\n'
            f'<td><span class="badge {role(t.role)}">{role_label(t.role)}</span></td><td>{cell(t.deadline)}'
            f"</td><td>{status_label(t.status)}{overdue if late else ''}</td>"
            f"<td>{badge(getattr(t, 'light', ''))}</td></tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 (built escaped)


def _value_cells() -> Callable[[object, object], str]:
    """targets/_value_cell.html as its include wrote it (targets.tables.value_cells, with the file's newline), once
    per value and unit a page (a target's value shows on each of its shares)."""
    seen: dict = {}
    value_html = value_cells()

    def value_cell(target, value) -> str:
        key = (target.unit, target.unit_text, value)
        if key not in seen:
            seen[key] = f"{value_html(target, value)}\n"
        return seen[key]

    return value_cell


@register.simple_tag
def unit_share_rows(allocations):
    """The unit's target shares: plan, indicator, the target's value, the share, achieved, progress and light."""
    target_url, short, badge, _value_cell, bar = (
        _link("targets:detail"),
        _shortened(),
        _once(light_badge),
        _value_cells(),
        _once(progress_cell),  # most shares have no figure yet: one "暂无数据" a page
    )
    return mark_safe(  # noqa: S308 (built escaped)
        "".join(
            f'<tr><td>{short(a.target.plan.title)}</td><td><a href="{target_url(a.target_id)}">'
            f"{cell(a.target.indicator)}</a></td>\n"
            f'<td class="num">{_value_cell(a.target, a.target.value)}</td><td class="num">'
            f"{_value_cell(a.target, a.value)}</td>\n"
            f'<td class="num">{_value_cell(a.target, getattr(a, "achieved", None))}</td><td>'
            f"{bar(getattr(a, 'progress', None))}</td><td>{badge(getattr(a, 'light', ''))}</td></tr>\n"
            for a in allocations
        )
    )


@register.simple_tag
def funding_line_rows(lines):
    """The unit's funding lines: (plan id, plan title, source, year, amount) → plan, source, year, amount."""
    schedule_url, short, year_text = _link("funds:schedule"), _shortened(), _once(cell)
    return mark_safe(  # noqa: S308 (built escaped)
        "".join(
            f'<tr><td><a href="{schedule_url(plan_id)}">{short(title)}</a></td><td>{cell(source)}</td>'
            f'<td class="num">{year_text(year)}</td><td class="num">{wan(amount)}</td></tr>'
            for plan_id, title, source, year, amount in lines
        )
    )


@register.simple_tag
def payment_rows(payments):
    """The unit's payments, rows of the view's PAYMENT_COLUMNS: date, kind, payer, payee, amount, receipt, note."""
    kind_label, receipt_label = _labelled(Transaction, "kind"), _labelled(Transaction, "receipt_status")
    day_text, name = _once(cell), _once(cell)
    return mark_safe(  # noqa: S308 (built escaped)
        "".join(
            f"<tr><td>{day_text(day)}</td><td>{kind_label(kind)}</td><td>{name(payer)}</td>"
            f'<td>{name(payee)}</td><td class="num">{wan(amount)}</td>'
            f"<td>{receipt_label(receipt)}</td><td>{cell(description)}</td></tr>\n"
            for day, _pk, kind, payer, payee, amount, receipt, description in payments
        )
    )


@register.simple_tag
def project_rows(projects):
    """The unit's projects, rows of the view's PROJECT_COLUMNS: name, status, recipient, implementer, place, budget."""
    status_label, name = _labelled(Project, "status"), _once(cell)
    return mark_safe(  # noqa: S308 (built escaped)
        "".join(
            f"<tr><td>{cell(project)}</td><td>{status_label(status)}</td><td>{name(recipient)}</td>"
            f'<td>{name(implementer or "—")}</td><td>{cell(place)}</td><td class="num">{wan(budget)}</td>'
            "</tr>\n"
            for _pk, project, status, recipient, implementer, place, budget in projects
        )
    )


@register.simple_tag
def dispatch_rows(dispatches):
    """The people sent to or from the unit, rows of the view's DISPATCH_COLUMNS: name, field, from, to, dates."""
    field_label, day, name = _labelled(Dispatch, "field"), _once(cell), _once(cell)
    return mark_safe(  # noqa: S308 (built escaped)
        "".join(
            f"<tr><td>{cell(person)}</td><td>{field_label(field)}</td><td>{name(sender)}</td>"
            f"<td>{name(receiver)}</td><td>{day(start)}{f'–{day(end)}' if end else ''}</td></tr>\n"
            for person, field, sender, receiver, start, end in dispatches
        )
    )


@register.simple_tag
def subdivision_items(children):
    """The region's busiest subdivisions: (id, full name, assignments) → a link and the count."""
    unit_url = _link("organizations:detail")
    return mark_safe(  # noqa: S308 (built escaped)
        "".join(
            f'<li><a href="{unit_url(pk)}">{cell(name)}</a> <span class="meta">{cell(n)}</span></li>'
            for pk, name, n in children
        )
    )
