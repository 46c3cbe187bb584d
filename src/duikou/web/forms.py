"""Forms of the web app's own pages: the plan upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from duikou.programs.models import Program


class PlanUploadForm(forms.Form):
    """A document (.txt/.html/.docx/.pdf) or a duikou.plan/1 JSON file, and optionally the program it belongs to."""

    file = forms.FileField(
        label=_("方案文件"), help_text=_("支持 JSON（duikou.plan/1）、TXT、HTML、DOCX、PDF")
    )
    program = forms.ModelChoiceField(
        label=_("所属对口关系"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("按方案内容自动确定"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.restrict(user, "view").order_by("name")
