from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.periods import MAX_YEAR, MIN_YEAR
from duikou.plans.models import Plan
from duikou.programs.models import Pairing


class AgreementStartForm(forms.Form):
    """Which pair and year an agreement is for."""

    pairing = forms.ModelChoiceField(label=_("结对关系"), queryset=Pairing.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args, pairings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = pairings if pairings is not None else Pairing.objects.all()


class AgreementUploadForm(forms.Form):
    file = forms.FileField(label=_("协议指标表（.xlsx，含“指标”“协议数”两列）"))


class AgreementFromPlanForm(forms.Form):
    plan = forms.ModelChoiceField(label=_("方案"), queryset=Plan.objects.none())

    def __init__(self, *args, plans=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans if plans is not None else Plan.objects.all()
