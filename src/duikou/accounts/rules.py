"""Who may open accounts for a plan's units (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import ADD
from duikou.core.workflow import allowed, step

from .models import User

step("accounts.provision", who=allowed(User, ADD), label=_("开通单位账户"))
