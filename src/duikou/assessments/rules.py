"""Who may set assessment rules, compute assessments and read bulletins (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import ADD, CHANGE, DELETE
from duikou.core.workflow import allowed, is_office, reads_everything, step

from .models import Assessment, AssessmentRule

step(
    "assessments.edit_rule",
    who=allowed(AssessmentRule, ADD) & allowed(AssessmentRule, CHANGE),
    label=_("设置考核权重"),
)
step(
    "assessments.compute", who=allowed(Assessment, ADD) & allowed(Assessment, DELETE), label=_("计算考核结果")
)
step("assessments.bulletin", who=is_office | reads_everything, label=_("下载工作通报"))
