"""Who may propose a project and move it along its life (see duikou.core.workflow)."""

from typing import NamedTuple

import rules
from django.utils.translation import gettext_lazy as _

from duikou.core import permissions as perms
from duikou.core.workflow import is_office, is_recipient, is_unit, status_in, step

from .models import Project

# The implementing unit runs the works; the supported side confirms a finished project is in use; the office may
# make every step the model allows.
UNIT_MOVES = {(Project.APPROVED, Project.UNDER_WAY), (Project.UNDER_WAY, Project.COMPLETED)}
RECIPIENT_MOVES = {(Project.COMPLETED, Project.IN_USE)}


class ProjectMove(NamedTuple):
    """The object of `projects.move`: a project and the status it would move to."""

    project: Project
    to: str


@rules.predicate
def implementer_move(user, move: ProjectMove) -> bool:
    p = move.project
    return (p.status, move.to) in UNIT_MOVES and perms.within(user, p.implementer)


@rules.predicate
def recipient_move(user, move: ProjectMove) -> bool:
    p = move.project
    return (p.status, move.to) in RECIPIENT_MOVES and perms.within(user, p.recipient)


@rules.predicate
def life_allows(user, move: ProjectMove) -> bool:
    return move.project.can_move_to(move.to)


step(
    "projects.move",
    who=is_office | (is_unit & implementer_move) | ((is_recipient | is_unit) & recipient_move),
    when=life_allows,
    label=_("变更项目状态"),
)
step("projects.propose", who=is_office | is_recipient | is_unit, label=_("申报项目"))
# Once the office approves a project, its budget, size and place in the plan are settled: only the office changes
# them (units keep the rest up to date; projects.services.UNIT_FIELDS_AFTER_APPROVAL).
step(
    "projects.edit_settled",
    who=is_office | ((is_unit | is_recipient) & status_in(Project.CANDIDATE)),
    label=_("修改已批准项目的预算、规模和所属方案"),
)
