"""Who may search the whole change log (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import AUDIT_ADMIN, AUDITOR, OFFICE_ADMIN
from duikou.core.workflow import has_role, step

# The office and 督查 read the domain's history; the audit administrator (三员) reads all of it; units read one
# record's history on its page.
step("changes.search", who=has_role(OFFICE_ADMIN, AUDITOR, AUDIT_ADMIN), label=_("检索全部变更记录"))
