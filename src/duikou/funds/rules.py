"""Who may record, confirm and correct money (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import ADD, CHANGE
from duikou.core.workflow import allowed, gate, is_office, is_recipient, is_unit, step, within

from .models import Transaction

# The donor side records what it paid: the office for any payer, a unit in its own name. obj: the payer.
step(
    "funds.record",
    who=allowed(Transaction, ADD) & (is_office | is_unit),
    when=is_office | within(),
    label=_("登记付款"),
)
# The supported side confirms what arrived (the office may record it for them). obj: the transaction.
step(
    "funds.confirm_receipt", who=is_office | ((is_recipient | is_unit) & within("payee")), label=_("确认到账")
)
# The paying unit corrects its own record. obj: the transaction.
step("funds.correct", who=is_office | (is_unit & within("payer") & gate(CHANGE)), label=_("更正付款记录"))
