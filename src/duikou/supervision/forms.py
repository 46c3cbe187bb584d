from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.core.periods import Period
from duikou.organizations.models import Organization

from .models import ChangeRequest


class UrgeForm(forms.Form):
    """One click: the unit (or all units of the task) and an optional message."""

    organization = forms.ChoiceField(label=_("被催办单位"))
    message = forms.CharField(
        label=_("催办内容（可不填）"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("如：请于本周内报送进展")}),
    )

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("all", _("全部责任单位"))] + [
            (str(o.pk), o.full_name) for o in dict.fromkeys(units)
        ]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("反馈"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    reason = forms.CharField(
        label=_("审批意见（驳回时必填）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeRequestForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("申请单位"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("申请类型"), choices=ChangeRequest.KINDS)
    due_date = forms.DateField(
        label=_("新截止日期（调整完成时限时填写）"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    lead_units = forms.ModelMultipleChoiceField(
        label=_("新牵头单位（调整责任单位时填写）"), queryset=None, required=False, widget=forms.TextInput
    )
    support_units = forms.ModelMultipleChoiceField(
        label=_("新配合单位"), queryset=None, required=False, widget=forms.TextInput
    )
    reason = forms.CharField(label=_("申请理由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("佐证材料（申请完成时必附）"), required=False)

    def __init__(self, *args, own=(), units=None, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[o.pk for o in own])
        for name in ("lead_units", "support_units"):
            self.fields[name].queryset = units
            self.fields[name].help_text = _("单位编号，多个用英文逗号分隔")

    def _ids(self, name):
        raw = self.data.get(name, "") if self.data else ""
        return [p.strip() for p in raw.replace("，", ",").split(",") if p.strip()]

    def clean_lead_units(self):
        return list(
            self.fields["lead_units"].queryset.filter(
                pk__in=[i for i in self._ids("lead_units") if i.isdigit()]
            )
        )

    def clean_support_units(self):
        return list(
            self.fields["support_units"].queryset.filter(
                pk__in=[i for i in self._ids("support_units") if i.isdigit()]
            )
        )


class CloseForm(forms.Form):
    program = forms.ModelChoiceField(label=_("对口关系"), queryset=None)
    period = forms.CharField(label=_("报告期"), max_length=10, help_text=_("如 2025-07、2025-Q3 或 2025"))
    closes_on = forms.DateField(label=_("关账日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs

    def clean_period(self):

        try:
            return Period.parse(self.cleaned_data["period"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class UnlockForm(forms.Form):
    reason = forms.CharField(label=_("解锁理由"), required=False, max_length=2000)


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("批示内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    leader_name = forms.CharField(label=_("批示领导（对口办代录时填写）"), required=False, max_length=100)


class NoticeAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("反馈（办理情况）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence = forms.FileField(label=_("佐证材料（PDF、Word、Excel、图片）"), required=False)


class WebhookChannelForm(forms.ModelForm):
    """A group robot of the program (or of one of its units): the office pastes the robot's address."""

    secret = forms.CharField(
        label=_("加签密钥（钉钉，可不填）"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("留空则保留原密钥"),
    )

    class Meta:
        from .models import WebhookChannel

        model = WebhookChannel
        fields = ["name", "kind", "url", "message_format", "organization", "active"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            units if units is not None else self.fields["organization"].queryset
        )
        self.fields["organization"].required = False
        self.fields["organization"].empty_label = _("整个对口关系")
        self.fields["organization"].label = _("只发给单位（可不选）")
        self.fields["url"].widget.attrs["placeholder"] = (
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(_("Webhook 地址须以 https:// 或 http:// 开头"))
        return url

    def save(self, commit=True):
        channel = super().save(commit=False)
        if self.cleaned_data.get("secret"):
            channel.secret = self.cleaned_data["secret"]
        if commit:
            channel.save()
        return channel
