"""How an indicator's value is shown: 万元 with two decimals, people and counts as whole numbers where they are."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def indicator_value(value, unit: str = "") -> str:
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if unit == "万元":
        return f"{value:,.2f}"
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value.quantize(Decimal('0.01')):,f}"
