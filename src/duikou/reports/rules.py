"""Who may take each step of a report's workflow (see duikou.core.workflow)."""

from django.utils.translation import gettext_lazy as _

from duikou.core.permissions import ADD, CHANGE
from duikou.core.workflow import (
    allowed,
    gate,
    is_office,
    is_unit_head,
    is_unit_reporter,
    status_in,
    step,
    within,
)

from .models import Report

# Statuses in which the unit still edits its report; the unit head also while it awaits the head's review.
UNIT_EDITABLE = (Report.DRAFT, Report.RETURNED)
HEAD_EDITABLE = (*UNIT_EDITABLE, Report.PENDING_HEAD)

# obj: the organization the report is for.
step("reports.start", who=allowed(Report, ADD) & (is_office | within()), label=_("填报月报"))
step(
    "reports.edit",
    who=is_office | ((is_unit_head | is_unit_reporter) & gate(CHANGE)),
    when=(is_office & ~status_in(Report.APPROVED))
    | (is_unit_head & status_in(*HEAD_EDITABLE))
    | (is_unit_reporter & status_in(*UNIT_EDITABLE)),
    label=_("修改月报"),
)
# A reporter sends the report to the unit head; the head (or the office) sends it to the office.
step(
    "reports.submit",
    who=gate(CHANGE) & (is_unit_reporter | is_unit_head | is_office),
    when=(is_unit_reporter & status_in(*UNIT_EDITABLE))
    | ((is_unit_head | is_office) & status_in(*HEAD_EDITABLE)),
    label=_("报送月报"),
)
step("reports.approve", who=is_office, when=status_in(Report.SUBMITTED), label=_("审核通过月报"))
step(
    "reports.return",
    who=is_office | (is_unit_head & gate(CHANGE)),
    # An approved report is settled (its figures count): it is not sent back, and its page offers no 退回修改.
    when=(is_office & status_in(Report.SUBMITTED)) | (is_unit_head & status_in(Report.PENDING_HEAD)),
    label=_("退回月报"),
)
# obj: the program (closing) or the PeriodLock (unlocking, with a reason the service requires).
step("reports.close_period", who=is_office, label=_("设置报告期关账日期"))
step("reports.unlock_period", who=is_office, label=_("解锁报告期"))
