"""Forms of the exchange pages: the period and 发文字号 of a 工作通报."""

from django import forms
from django.utils.translation import gettext_lazy as _lazy

from duikou.core.fields import PeriodFormField
from duikou.core.periods import QUARTER, YEAR, recent_periods
from duikou.programs.models import Program


class BulletinForm(forms.Form):
    """The period of a 通报 picked from a list (or typed: 2024年11月), and its 发文字号 if the office has one."""

    period = PeriodFormField(label=_lazy("报告期"))
    doc_number = forms.CharField(
        label=_lazy("发文字号"),
        required=False,
        max_length=60,
        help_text=_lazy("如 榕协办〔2024〕3号；可留空，稍后填写"),
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = dict.fromkeys((program.reporting_period, QUARTER, YEAR))
        self.fields["period"].set_periods([p for kind in kinds for p in recent_periods(kind)])
