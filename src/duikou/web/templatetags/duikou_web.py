"""Template helpers of the site: the main navigation, query strings, money and progress formatting."""

from decimal import Decimal
from functools import lru_cache

from django import template
from django.apps import apps
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from duikou.core import dates, lists, money
from duikou.targets.units import format_target, item_unit

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
    """Yuan as a number of 万元 with separators, for a column or phrase whose unit is stated once beside it."""
    return money.format_amount(value)


@register.filter
def wan_input(value):
    """Yuan as the plain number of 万元 a form field shows for editing (1305.00)."""
    amount = money.in_unit(value)
    return "" if amount is None else f"{amount}"


@register.filter(name="money")
def money_filter(value):
    """Yuan as a figure with its unit: 1,305.00万元, or 7.50亿元 from 1亿 up."""
    return money.format_money(value)


@register.filter
def quantity(target, value):
    """A value in a target's unit: {{ target|quantity:a.value }} → 3,000人, 7.50亿元."""
    if value is None or value == "":
        return "—"
    return target.format_value(value)


@register.filter
def target_phrase(item):
    """A target as a plan file or open-data row holds it (comparator, value, unit, year): 不少于 3,000人（2023年）."""

    code, text = item_unit(item)
    return format_target(item.get("comparator") or "=", item.get("value"), code, text, item.get("year"))


@register.filter
def user_label(user):
    """Who is signed in, each part once: 张三 · 马尾区 · 填报员 (a user named after the role reads 领导, not 领导 · 领导)."""
    org = getattr(user, "organization", None)
    role = user.get_role_display() if hasattr(user, "get_role_display") else ""
    parts = []
    for part in (str(user), getattr(org, "name", ""), str(role)):
        if part and part not in parts:
            parts.append(part)
    return " · ".join(parts)


@register.filter
def year_range(value):
    """Start and end years (an object or a dict with start_year/end_year): 2021–2025年, or 2024年 when one year."""
    get = value.get if isinstance(value, dict) else (lambda key: getattr(value, key, None))
    start, end = (get("start_year"), get("end_year")) if value else (None, None)
    if not start and not end:
        return "—"
    if not start or not end or start == end:
        return _("%(year)s年") % {"year": start or end}
    return _("%(start)s–%(end)s年") % {"start": start, "end": end}


@register.filter
def cn_date(value):
    """A date as offices write it: 2024年11月30日."""
    return dates.format_date(value)


@register.filter
def percent(value):
    return lists.percent_text(value)


@register.filter
def progress_cell(value):
    """web/_progress_cell.html as a filter (core.lists.progress_html), for a table with a bar on hundreds of rows."""
    return mark_safe(lists.progress_html(None, value))  # noqa: S308 (built escaped)


@register.filter
def bar_width(value):
    """A ratio as a CSS width, capped at 100% (core.lists.bar_width, which the lists' cells use too)."""
    return lists.bar_width(value)


@register.filter
def bar_class(value):
    """A ratio as one of the classes w0 … w100 of site.css (core.lists.bar_class)."""
    return lists.bar_class(value)


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
