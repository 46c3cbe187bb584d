"""Lights on pages other apps own (a unit's page, a program's page): one grouped query each; and the light badge,
built in Python (a page of tasks shows one per row: an included template per badge was a good part of its time)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from duikou.supervision import lights

register = template.Library()


def light_badge(light) -> str:
    """The badge of a light: `<span class="light light-red" …>红灯</span>` (ends with a newline, as the template
    supervision/_light.html always did)."""
    if light == lights.RED:
        title, label = _("红灯：逾期或本期未报"), _("红灯")
    elif light == lights.YELLOW:
        title, label = _("黄灯：临近到期或进度滞后"), _("黄灯")
    elif light == lights.GREEN:
        title, label = _("绿灯：正常推进"), _("绿灯")
    else:
        title, label = _("已办结"), _("办结")
    # Translations are the site's own text, written unescaped as {% trans %} writes them.
    return format_html(
        '<span class="light light-{}" data-light="{}" title="{}">{}</span>\n',
        light,
        light,
        mark_safe(title),
        mark_safe(label),
    )


@register.simple_tag
def unit_light(organization):
    return light_badge(lights.unit_lights([organization.pk]).get(organization.pk, lights.DONE))


@register.simple_tag
def program_light(program):
    return light_badge(lights.program_lights([program.pk]).get(program.pk, lights.DONE))


@register.simple_tag
def light(value):
    return light_badge(value)
