"""Who may take each supervision step: urge, answer, request and decide changes, instruct, issue and close 督办,
set a program's supervision rules (see duikou.core.workflow). Services ask `workflow.require`, pages
`workflow.can`, the API goes through the services."""

import rules
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms
from duikou.core.permissions import ADD, CHANGE
from duikou.core.workflow import allowed, gate, has_role, is_office, is_unit, status_in, step, within

from .models import ChangeRequest, SupervisionNotice, Urge


@rules.predicate(name="responsible_for_task")
def responsible_for_task(user, task) -> bool:
    """The user's organization (or one under it) is named on the task."""
    if task is None:
        return False
    return any(
        perms.within(user, r.organization) for r in task.responsibilities.select_related("organization")
    )


@rules.predicate(name="task_open")
def task_open(user, task) -> bool:
    from duikou.plans.models import Task

    return task is not None and task.status != Task.CANCELLED


# obj: the task (or report) urged; the service checks that the unit urged is responsible for it.
step("supervision.urge", who=is_office & allowed(Urge, ADD), label=_("催办"))
# obj: the urge, the 督办 notice or the instruction's unit row being answered: the unit concerned answers.
step("supervision.answer", who=is_unit & gate(CHANGE), label=_("反馈"))
# obj: the task. A responsible unit (or the office on a unit's behalf) asks; never on a cancelled task.
step(
    "supervision.request_change",
    who=allowed(ChangeRequest, ADD) & (is_office | responsible_for_task),
    when=task_open,
    label=_("提出变更申请"),
)
step(
    "supervision.decide_change",
    who=is_office,
    when=status_in(ChangeRequest.PENDING),
    label=_("审批变更申请"),
)
# A leader, or the office recording a leader's instruction on the leader's behalf.
step("supervision.instruct", who=has_role(perms.LEADER, perms.OFFICE_ADMIN), label=_("作出批示"))
step(
    "supervision.issue_notice",
    who=is_office,
    when=status_in(SupervisionNotice.RAISED),
    label=_("签发督办单"),
)
step(
    "supervision.close_notice",
    who=is_office,
    when=~status_in(SupervisionNotice.CLOSED),
    label=_("办结督办"),
)
step("supervision.escalate", who=is_office, label=_("发起督办检查"))
# obj: the program: its light and 督办 thresholds and its group robots (企业微信, 钉钉).
step("supervision.configure", who=is_office, label=_("设置督查规则和群机器人"))

# Whom a user may act for (a request's applicant unit): the office for any unit, a unit for itself and those under it.
acts_for = is_office | within()
