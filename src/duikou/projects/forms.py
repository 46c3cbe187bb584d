"""Forms of the project pages: a candidate project for the library."""

from django import forms
from django.utils.translation import gettext_lazy

from duikou.core.money import WanField
from duikou.programs.models import Program


class ProposeProjectForm(forms.Form):
    """A candidate project for the library."""

    program = forms.ModelChoiceField(
        label=gettext_lazy("对口关系"),
        queryset=Program.objects.none(),
        empty_label=gettext_lazy("请选择对口关系"),
    )
    name = forms.CharField(label=gettext_lazy("项目名称"), max_length=300)
    sector = forms.CharField(label=gettext_lazy("领域"), max_length=100, required=False)
    place = forms.CharField(label=gettext_lazy("建设地点"), max_length=200, required=False)
    budget = WanField(label=gettext_lazy("总投资"), required=False)
    beneficiaries = forms.IntegerField(label=gettext_lazy("受益人数"), min_value=0, required=False)
    description = forms.CharField(
        label=gettext_lazy("建设内容"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.restrict(user).order_by("name")
