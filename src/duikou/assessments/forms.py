"""The office's assessment weights as a form: four numbers 0–100 that must sum to 100."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AssessmentRule
from .scoring import COMPONENTS

WEIGHT_FIELDS = [attr for _key, _label, attr in COMPONENTS]
THRESHOLD_FIELDS = ["grade_good", "grade_fairly_good", "grade_fair"]


def weights_sum_error(values: list[Decimal]) -> str | None:
    """The message for weights that do not sum to 100 (None when they do)."""
    total = sum(values, Decimal(0))
    if total != 100:
        return _("四项权重之和应为 100，当前为 %(total)s") % {"total": f"{total.normalize():f}"}
    return None


class AssessmentRuleForm(forms.ModelForm):
    """The four weights of one program's assessment for one year."""

    class Meta:
        model = AssessmentRule
        fields = WEIGHT_FIELDS + THRESHOLD_FIELDS
        widgets = {
            name: forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.01"})
            for name in WEIGHT_FIELDS + THRESHOLD_FIELDS
        }
        error_messages = {
            name: {"invalid": gettext_lazy("请输入数字")} for name in WEIGHT_FIELDS + THRESHOLD_FIELDS
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for (
            name
        ) in THRESHOLD_FIELDS:  # left out of a form that sets weights only: the thresholds stay as they are
            self.fields[name].required = False

    def clean(self):
        data = super().clean()
        for name in THRESHOLD_FIELDS:
            if data.get(name) is None and name not in self.errors:
                data[name] = getattr(self.instance, name)
        values = [data.get(name) for name in WEIGHT_FIELDS]
        if any(v is None for v in values):
            return data
        for name, value in zip(WEIGHT_FIELDS, values, strict=True):
            if not 0 <= value <= 100:
                self.add_error(name, _("权重应在 0 到 100 之间"))
        error = weights_sum_error(values)
        if error:
            raise forms.ValidationError(error)
        good, fairly_good, fair = (data.get(name) for name in THRESHOLD_FIELDS)
        if None not in (good, fairly_good, fair) and not 0 <= fair <= fairly_good <= good <= 100:
            raise forms.ValidationError(_("等次分数线应满足 0 ≤ 一般 ≤ 较好 ≤ 好 ≤ 100"))
        return data
