"""Model fields for the domain's value types: years, periods and exact money."""

import functools

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _

from .periods import MAX_YEAR, MIN_YEAR, PERIOD_KINDS, Period, recent_periods


class YearField(models.PositiveSmallIntegerField):
    """A calendar year within the range the domain knows (1949–2100)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)])
        super().__init__(*args, **kwargs)


class MoneyField(models.DecimalField):
    """An amount in yuan, exact to the fen; never a float."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


class PeriodField(models.CharField):
    """Stores a Period as its canonical text (2023-07, 2023-Q3, 2023); reads it back as a Period."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return None if value is None else _stored_period(value)

    def to_python(self, value):
        if value is None or isinstance(value, Period):
            return value
        try:
            return Period.parse(str(value))
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else str(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else str(value)


# A stored code read back as its Period once per code a process (a Period is a frozen value, shared safely): every
# report row read carries one (a unit's earlier reports on its report page, the rows of a list).
_stored_period = functools.lru_cache(maxsize=4096)(Period.parse)


class PeriodInput(forms.TextInput):
    """A text box with the recent periods as a list to pick from (2024年11月…); typing one works too."""

    template_name = "core/widgets/period_input.html"

    def __init__(self, attrs=None, choices=()):
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.choices = list(choices)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        list_id = f"{context['widget']['attrs'].get('id') or name}-choices"
        context["widget"]["attrs"]["list"] = list_id
        context["widget"]["list_id"] = list_id
        context["widget"]["choices"] = self.choices
        return context

    def format_value(self, value):
        # A period shows as offices write it; what someone typed (valid or not) shows back unchanged.
        if isinstance(value, Period):
            return value.label
        return super().format_value(value)


class PeriodFormField(forms.CharField):
    """A reporting period picked from a list or typed (2024年11月, 2024年第三季度, 2024-11); cleans to a Period."""

    def __init__(self, *, kind: str | None = None, periods=None, **kwargs):
        kwargs.setdefault("widget", PeriodInput)
        super().__init__(**kwargs)
        self.kind = kind
        self.set_periods(periods if periods is not None else (recent_periods(kind) if kind else []))

    def set_periods(self, periods) -> None:
        self.widget.choices = [p.label for p in periods]

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        try:
            period = Period.parse(text)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc
        if self.kind and period.kind != self.kind:
            raise ValidationError(
                _("应为%(kind)s报告期，如 %(example)s")
                % {"kind": dict(PERIOD_KINDS)[self.kind], "example": recent_periods(self.kind)[0].label},
                code="kind",
            )
        return period
