"""Who may search the whole change log (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from .permissions import AUDITOR, OFFICE_ADMIN
from .workflow import has_role, step

# The whole log is for the office and the auditors; units read one record's history on its page.
step("changes.search", who=has_role(OFFICE_ADMIN, AUDITOR), label=_("检索全部变更记录"))
