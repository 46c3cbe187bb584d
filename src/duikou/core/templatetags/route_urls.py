"""{% route_url "app:name" %}: the URL of a route without arguments, reversed once per process; {% object_url "app:name"
pk %}: that of a route with one id, made by core.rows.object_url (reversed once per process, the id put in).

The navigation and the header reverse ~28 such routes on every page (~1 ms of each request); their URLs change only
with the URL configuration, the script prefix the site is mounted under, and the language, which the key holds.
"""

from django import template
from django.urls import reverse

from duikou.core.rows import object_url, reversal_scope

register = template.Library()
_reversed: dict[tuple, str] = {}


def route_url(name: str) -> str:
    """reverse(name), kept for the URL configuration (a new resolver after clear_url_caches is a new key), the
    script prefix and the language."""
    key = (name, *reversal_scope())
    url = _reversed.get(key)
    if url is None:
        url = _reversed[key] = reverse(name)
    return url


@register.simple_tag(name="route_url")
def route_url_tag(name: str) -> str:
    return route_url(name)  # escaped by simple_tag as {% url %} escapes its own


@register.simple_tag(name="object_url")
def object_url_tag(name: str, pk) -> str:
    return object_url(name, pk)  # escaped by simple_tag, as {% url %} escapes its own
