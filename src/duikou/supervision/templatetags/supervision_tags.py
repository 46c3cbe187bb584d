"""Lights on pages other apps own (a unit's page, a program's page): one grouped query each."""

from django import template

from duikou.supervision import lights

register = template.Library()


@register.inclusion_tag("supervision/_light.html")
def unit_light(organization):
    return {"light": lights.unit_lights([organization.pk]).get(organization.pk, lights.DONE)}


@register.inclusion_tag("supervision/_light.html")
def program_light(program):
    return {"light": lights.program_lights([program.pk]).get(program.pk, lights.DONE)}


@register.inclusion_tag("supervision/_light.html")
def light(value):
    return {"light": value}
