"""A program page's plans and pairings, built in Python: up to 200 rows each, with two links and two dates a row
(a reverse() and a date format per cell were most of the page's time)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from duikou.core.rows import localizer, url_maker

register = template.Library()


@register.simple_tag
def pairing_rows(pairings):
    """One table row per pairing: donor and recipient (linked), the names as printed, start–end."""
    unit_url, text = url_maker("organizations:detail"), localizer()
    return mark_safe(
        "".join(
            format_html(
                '<tr><td><a href="{}">{}</a></td><td><a href="{}">{}</a></td><td class="meta">{} → {}</td>'
                "<td>{}{}</td></tr>",
                unit_url(p.donor_id),
                p.donor.full_name,
                unit_url(p.recipient_id),
                p.recipient.full_name,
                p.donor_printed,
                p.recipient_printed,
                text(p.start_date) if p.start_date else "",
                format_html("–{}", text(p.end_date)) if p.end_date else "",
            )
            for p in pairings
        )
    )


@register.simple_tag
def plan_items(plans):
    """One list item per plan: its title (linked), 文号 and date of issue."""
    plan_url, text = url_maker("plans:detail"), localizer()
    return mark_safe(
        "".join(
            format_html(
                '<li><a href="{}">{}</a> <span class="meta">{} {}</span></li>',
                plan_url(plan.pk),
                plan.title,
                plan.doc_number,
                text(plan.issued_on) if plan.issued_on else "",
            )
            for plan in plans
        )
    )
