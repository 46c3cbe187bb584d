"""Template helpers of the site: the main navigation, query strings, money and progress formatting."""

from decimal import Decimal
from functools import lru_cache

from django import template
from django.apps import apps
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import gettext as _

register = template.Library()


@lru_cache(maxsize=1)
def _nav_templates() -> tuple[str, ...]:
    """`<app_label>/nav.html` of every duikou app that has one: how other apps add links to the main nav."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("duikou.") or config.label == "web":
            continue
        name = f"{config.label}/nav.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)


@register.simple_tag
def nav_templates():
    return _nav_templates()


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (None removes one); `page` is always reset."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    params.pop("export", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def wan(value):
    """Yuan shown in 万元 with two decimals, as plans print money."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value) / Decimal(10000):,.2f}"


@register.filter
def percent(value):
    if value is None:
        return "—"
    return f"{value:.0%}" if isinstance(value, float) else f"{float(value):.0%}"


@register.filter
def bar_width(value):
    """A ratio as a CSS width, capped at 100%."""
    if value is None:
        return "0"
    return f"{max(0.0, min(float(value), 1.0)) * 100:.1f}"


@register.filter
def bar_class(value):
    """A ratio as one of the classes w0 … w100 of site.css: the Content-Security-Policy allows no style attribute."""
    if value is None:
        return "w0"
    return f"w{round(max(0.0, min(float(value), 1.0)) * 100)}"


@register.filter
def number(value):
    """A decimal without trailing zeros (3000.0000 → 3,000; 7.5 → 7.5)."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.normalize():,f}"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def yes_no(value):
    return _("是") if value else _("否")
