from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms
from duikou.core.fields import PeriodFormField
from duikou.core.periods import MONTH, PERIOD_KINDS, recent_periods
from duikou.organizations.models import Organization
from duikou.programs.models import Program


class StartReportForm(forms.Form):
    """Choose the program and period of a new report (the office also chooses the unit)."""

    program = forms.ModelChoiceField(
        label=_("对口关系"), queryset=Program.objects.none(), empty_label=_("请选择对口关系")
    )
    period = PeriodFormField(
        label=_("报告期"),
        required=False,
        help_text=_("从列表选择，或输入如 2025年7月、2025年第三季度；留空为本期"),
    )
    organization = forms.ModelChoiceField(
        label=_("报送单位"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        programs = Program.objects.restrict(user).order_by("name")
        self.fields["program"].queryset = programs
        kinds = [k for k, _label in PERIOD_KINDS if programs.filter(reporting_period=k).exists()] or [MONTH]
        self.fields["period"].set_periods([p for kind in kinds for p in recent_periods(kind)])
        if perms.is_office(user):
            self.fields["organization"].queryset = Organization.objects.all()
            self.fields["organization"].widget = forms.TextInput()
            self.fields["organization"].help_text = _("单位编号")
        else:
            del self.fields["organization"]

    def clean(self):
        data = super().clean()
        if "organization" not in self.fields:
            data["organization"] = getattr(self.user, "organization", None)
        if data.get("organization") is None:
            raise forms.ValidationError(_("请选择报送单位"))
        return data


class EvidenceForm(forms.Form):
    """One evidence file; its type and size are checked by content in reports.services."""

    file = forms.FileField(label=_("佐证材料"), help_text=_("PDF、Word、Excel、JPG、PNG，不超过 20 MB"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))
