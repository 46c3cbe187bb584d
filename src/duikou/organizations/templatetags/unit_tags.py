"""A unit's tasks and target shares on its page, built in Python: 50 rows each, where a share's row included four
templates (three values and a progress bar) and every row reversed a url; the markup is the templates' own."""

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from duikou.core.dates import today_for
from duikou.core.rows import url_maker
from duikou.supervision.templatetags.supervision_tags import light_badge
from duikou.targets.tables import value_html
from duikou.web.templatetags.dashboard_tags import progress_cell

register = template.Library()


@register.simple_tag
def unit_task_rows(tasks):
    """The unit's tasks: plan, number, title, its role, deadline, status and light."""
    plan_url, task_url, today = url_maker("plans:detail"), url_maker("supervision:task"), today_for()
    overdue = mark_safe(" · " + _("已逾期"))  # the site's own text, unescaped as {% trans %} writes it
    rows = []
    for t in tasks:
        late = t.overdue_on(today)
        rows.append(
            format_html(
                '<tr{}><td><a href="{}">{}</a></td><td>{}</td><td><a href="{}">{}</a></td>\n'
                '<td><span class="badge {}">{}</span></td><td>{}</td><td>{}{}</td><td>{}</td></tr>\n',
                mark_safe(' class="overdue"') if late else "",
                plan_url(t.plan_id),
                truncatechars(t.plan.title, 30),
                localize(t.number),
                task_url(t.pk),
                t.title,
                t.my_role.role,
                t.my_role.role_label,
                localize(t.deadline),
                t.status_label,
                overdue if late else "",
                light_badge(getattr(t, "light", "")),
            )
        )
    return mark_safe("".join(rows))


def _value_cell(target, value) -> str:
    """targets/_value_cell.html as its include wrote it (targets.tables.value_html, with the file's newline)."""
    return format_html("{}\n", value_html(target, value))


@register.simple_tag
def unit_share_rows(allocations):
    """The unit's target shares: plan, indicator, the target's value, the share, achieved, progress and light."""
    target_url = url_maker("targets:detail")
    return mark_safe(
        "".join(
            format_html(
                '<tr><td>{}</td><td><a href="{}">{}</a></td>\n'
                '<td class="num">{}</td><td class="num">{}</td>\n'
                '<td class="num">{}</td><td>{}</td><td>{}</td></tr>\n',
                truncatechars(a.target.plan.title, 30),
                target_url(a.target_id),
                a.target.indicator,
                _value_cell(a.target, a.target.value),
                _value_cell(a.target, a.value),
                _value_cell(a.target, getattr(a, "achieved", None)),
                progress_cell(getattr(a, "progress", None)),
                light_badge(getattr(a, "light", "")),
            )
            for a in allocations
        )
    )
