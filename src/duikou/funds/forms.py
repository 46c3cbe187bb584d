"""Forms of the receipt pages: money sent (the donor side), what arrived (the supported side), a correction."""

from django import forms
from django.utils.translation import gettext_lazy

from duikou.core.money import WanField
from duikou.organizations.models import Organization

from .models import FundingLine


class DisbursementForm(forms.Form):
    """What the donor side records about money it sent."""

    funding_line = forms.ModelChoiceField(
        label=gettext_lazy("资金计划"),
        queryset=FundingLine.objects.none(),
        empty_label=gettext_lazy("请选择资金计划"),
    )
    payee = forms.ModelChoiceField(
        label=gettext_lazy("收款方"),
        queryset=Organization.objects.none(),
        empty_label=gettext_lazy("请选择收款方"),
    )
    amount = WanField(label=gettext_lazy("金额"))
    date = forms.DateField(label=gettext_lazy("付款日期"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=gettext_lazy("摘要"), required=False, max_length=500)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        lines = FundingLine.objects.restrict(user).select_related("plan")
        self.fields["funding_line"].queryset = lines
        self.fields["payee"].queryset = Organization.objects.filter(
            recipient_programs__plans__funding_lines__in=lines
        ).distinct()


class ReceiptForm(forms.Form):
    """What the supported side confirms arrived."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    received_amount = WanField(label=gettext_lazy("到账金额"))
    received_on = forms.DateField(
        label=gettext_lazy("到账日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=gettext_lazy("说明"), required=False, max_length=500)


class CorrectionForm(forms.Form):
    """The donor side's correction of its own record."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    amount = WanField(label=gettext_lazy("金额"))
    date = forms.DateField(label=gettext_lazy("付款日期"), widget=forms.DateInput(attrs={"type": "date"}))
