import functools

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms
from duikou.core.compiled import CompiledObjects
from duikou.core.fields import PeriodFormField
from duikou.core.periods import MONTH, PERIOD_KINDS, recent_periods
from duikou.organizations.models import Organization
from duikou.programs.models import Program


class _ChoicesReadOnce(forms.models.ModelChoiceIterator):
    """The choices from the field's programs, read once with the form (the period kinds come from the same rows), not
    again through a server-side cursor at rendering."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.programs:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.programs) + (self.field.empty_label is not None)


class _ProgramField(forms.ModelChoiceField):
    iterator = _ChoicesReadOnce
    programs: list[Program] = []  # the user's, read with the form

    def to_python(self, value):
        """The chosen program among the rows read with the form, not a second query of the user's programs."""
        if value in self.empty_values or isinstance(value, self.queryset.model):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        try:
            pk = int(str(value))
        except ValueError:
            pk = None
        for program in self.programs:
            if program.pk == pk:
                return program
        raise ValidationError(
            self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
        )


# The programs a user may see, by name: the gate's query compiled once per gate shape (core.permissions.Shape, every
# unit's reporters alike), where building and compiling it was most of a report start's time (3 of 4 ms).
_PROGRAMS = CompiledObjects(
    Program, lambda shape: Program.objects.restrict(shape.stand_in(), perms.VIEW).order_by("name")
)


class StartReportForm(forms.Form):
    """Choose the program and period of a new report (the office also chooses the unit)."""

    program = _ProgramField(
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
        # One query for the user's programs (a unit's are found through its tasks: tens of ms at national scale).
        shape = perms.Shape(user)
        programs = self.fields["program"].programs = _PROGRAMS.objects(None, shape, **shape.values())
        self.fields["program"].queryset = Program.objects.filter(pk__in=[p.pk for p in programs]).order_by(
            "name"
        )
        present = {program.reporting_period for program in programs}
        kinds = [k for k, _label in PERIOD_KINDS if k in present] or [MONTH]
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

    file = forms.FileField(
        label=_("选择文件"), required=False, help_text=_("PDF、Word、Excel、JPG、PNG，不超过 20 MB")
    )
    # On a phone this opens the camera: a photo of the site or of a signed receipt is the usual evidence.
    photo = forms.FileField(
        label=_("拍照上传"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    @staticmethod
    @functools.cache
    def inputs() -> dict[str, str]:
        """The empty form's inputs by field name, rendered once a process: they hold no value and no text of any
        language (the labels and help text come from the form's fields), and rendering them through the form
        renderer was 0.22 ms of every editable report page."""
        form = EvidenceForm()
        return {name: mark_safe(str(form[name])) for name in form.fields}

    def clean(self):
        data = super().clean()
        upload = data.get("file") or data.get("photo")
        if not upload and not self.errors:
            raise forms.ValidationError(_("请选择要上传的文件，或拍照上传"))
        data["upload"] = upload
        return data


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}))
