"""Model fields for the domain's value types: years, periods and exact money."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from .periods import MAX_YEAR, MIN_YEAR, Period


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
        return None if value is None else Period.parse(value)

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
