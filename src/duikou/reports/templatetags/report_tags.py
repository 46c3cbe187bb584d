"""The report page's task and figure rows, and the report list's rows, built in Python: a unit's report shows tens of
tasks, each with a select of every status, and the template's loops over them were most of the page's rendering (the
markup is the template's own, character for character: tests/reports/test_report_rows.py)."""

from html import escape

from django import template
from django.template.defaultfilters import date, floatformat, linebreaksbr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from duikou.core.dates import today_for
from duikou.core.lists import value_html
from duikou.core.rows import choice_labels, localizer, truncated, url_maker
from duikou.reports.models import Report

register = template.Library()


@register.simple_tag
def task_rows(rows, editable, statuses):
    """The rows of the 任务进展 table (tbody's content): the status select, percent and text while editable."""
    if not rows:
        return format_html(
            '<tr><td colspan="6" class="empty">{}</td></tr>', mark_safe(_("本单位在该对口关系中没有承担任务"))
        )
    text = localizer()
    today = today_for()  # what Task.is_overdue judges by
    labels = [(value, conditional_escape(label)) for value, label in statuses]
    # Each status's select (and a select of none) built once a page, not once a row: a unit's tens of tasks had their
    # options escaped and joined one by one.
    options = [
        (value, f'<option value="{conditional_escape(value)}"', f">{label}</option>")
        for value, label in labels
    ]
    unselected = "".join(head + tail for _value, head, tail in options)
    selects = {
        status: "".join(
            f"{head}{' selected' if value == status else ''}{tail}" for value, head, tail in options
        )
        for status, _label in labels
    }
    shown = dict(labels)
    out = []
    for row in rows:
        task = row["task"]
        status = row["status"]
        # Each value escaped as format_html would (core.lists.value_html), without its lazy-string wrappers.
        overdue = ' class="overdue"' if task.overdue_on(today) else ""
        head = (
            f"<tr{overdue}>\n"
            f"<td>{value_html(text(task.number))}</td><td>{value_html(truncated(task.title, 80))}</td>"
            f"<td>{value_html(text(task.deadline or task.due_date or '—'))}</td>\n"
        )
        if editable:
            key = value_html(row["key"])
            cells = (
                f'\n<td><select name="{key}-status">{selects.get(status, unselected)}</select></td>\n'
                f'<td class="num"><input type="number" min="0" max="100" name="{key}-percent"'
                f' value="{value_html(text(row["percent"]))}" class="w5em"></td>\n'
                f'<td><textarea name="{key}-text" rows="2" cols="40">{value_html(text(row["text"]))}</textarea></td>\n'
            )
        else:
            cells = (
                f'<td>{shown.get(status, "")}</td><td class="num">{value_html(text(row["percent"]))}</td>'
                f"<td>{linebreaksbr(row['text'], autoescape=True)}</td>"
            )
        out.append(f"{head}{cells}\n</tr>")
    return mark_safe("".join(out))


@register.simple_tag
def figure_rows(rows, editable):
    """The rows of the 目标指标完成情况 table (tbody's content): the figure and its note while editable."""
    if not rows:
        return format_html(
            '<tr><td colspan="4" class="empty">{}</td></tr>', mark_safe(_("没有分解到本单位的目标"))
        )
    text = localizer()
    wan = mark_safe(_("万元"))
    out = []
    for row in rows:
        target, value = row["target"], row["value"]
        share = row["allocation"].value
        head = format_html(
            '<tr><td>{}</td><td class="num">{}</td>\n',
            target.indicator,
            "—" if share is None or share == "" else target.format_value(share),
        )
        if editable:
            cells = format_html(
                '<td class="num"><input name="{key}-value" value="{value}" inputmode="decimal" class="figure-input"'
                ' aria-label="{indicator}"> <span class="unit">{unit}</span></td><td><input name="{key}-note"'
                ' value="{note}"></td>\n',
                key=row["key"],
                value=text(value),
                indicator=target.indicator,
                unit=wan if row["money"] else target.unit_label,
                note=text(row["note"]),
            )
        else:
            if value == "":
                shown = "—"
            elif row["money"]:
                shown = format_html("{}{}", floatformat(value, "2g"), wan)
            else:
                shown = target.format_value(value) if value is not None else "—"
            cells = format_html('<td class="num">{}</td><td>{}</td>', shown, text(row["note"]))
        out.append(f"{head}{cells}</tr>\n")
    return mark_safe("".join(out))


@register.simple_tag
def report_list_rows(reports):
    """The rows of the report list's table (tbody's content): unit, period, program, status, time submitted."""
    reports = list(reports)
    if not reports:
        return format_html('<tr><td colspan="5" class="empty">{}</td></tr>', mark_safe(_("暂无月报")))
    report_url = url_maker("reports:detail")
    # Each status's label translated and escaped once a page (get_status_display rebuilt and translated the lazy
    # choices at every row: a third of the rows' time), each cell escaped as format_html escaped it.
    labels = {value: conditional_escape(label) for value, label in choice_labels(Report, "status").items()}
    out = []
    for report in reports:
        status = report.status
        submitted = date(template_localtime(report.submitted_at), "Y-m-d H:i") or "—"
        label = labels[status] if status in labels else conditional_escape(status)
        out.append(
            f'<tr><td><a href="{escape(report_url(report.pk))}">{escape(str(report.organization))}</a></td>'
            f"<td>{escape(report.period.label)}</td><td>{escape(str(report.program))}</td>"
            f'<td><span class="badge {escape(status)}">{label}</span></td><td>{escape(submitted)}</td></tr>\n'
        )
    return mark_safe("".join(out))
