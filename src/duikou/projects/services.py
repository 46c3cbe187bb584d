"""The life of a project: who may propose one, and who may move it from one status to the next."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.organizations.models import Organization
from duikou.programs.models import Program

from .models import Project
from .rules import RECIPIENT_MOVES, UNIT_MOVES, ProjectMove  # noqa: F401  (the moves, declared with the step)

# Once the office approves a project, its budget, size and place in the plan are settled: the implementing unit
# keeps only these up to date (the rest changes through the office).
UNIT_FIELDS_AFTER_APPROVAL = frozenset(
    {"sector", "place", "start_date", "end_date", "description", "version"}
)


def require_may_edit_project(user, project: Project, fields) -> None:
    """Refuse a unit's change of an approved project's settled fields (budget, beneficiaries, plan, …)."""
    settled = set(fields) - UNIT_FIELDS_AFTER_APPROVAL
    if settled and not workflow.can(user, "projects.edit_settled", project):
        raise PermissionDenied(
            _("项目“%(p)s”已批准，以下内容只能由对口支援办公室修改：%(fields)s")
            % {"p": project, "fields": "、".join(sorted(settled))}
        )


def allowed_moves(project: Project, user) -> list[str]:
    """The statuses this user may move this project to now (the step `projects.move`)."""
    nexts = sorted(Project.TRANSITIONS.get(project.status, set()))
    return [status for status in nexts if workflow.can(user, "projects.move", ProjectMove(project, status))]


@transaction.atomic
def move_project(*, project: Project, status: str, user, version: int | None = None) -> Project:
    """Move a project to its next status, if the model's life allows the step and the user's role may make it."""
    perms.require(user, project, perms.VIEW)
    labels = dict(Project.STATUSES)
    if status not in labels:
        raise ValidationError({"status": _("未知的项目状态：%(s)s") % {"s": status}})
    if not project.can_move_to(status):
        raise ValidationError(
            {
                "status": _("项目“%(p)s”不能从“%(a)s”变为“%(b)s”")
                % {"p": project, "a": project.get_status_display(), "b": labels[status]}
            }
        )
    if not workflow.can(user, "projects.move", ProjectMove(project, status)):
        raise PermissionDenied(
            _("您无权将项目“%(p)s”从“%(a)s”变为“%(b)s”")
            % {"p": project, "a": project.get_status_display(), "b": labels[status]}
        )
    if version is not None:
        project.version = version
    project.status = status
    project.save()
    return project


@transaction.atomic
def propose_project(
    *,
    user,
    program: Program,
    name: str,
    recipient: Organization | None = None,
    implementer: Organization | None = None,
    sector: str = "",
    place: str = "",
    budget=0,
    beneficiaries: int = 0,
    description: str = "",
) -> Project:
    """Put a candidate project in the library: the supported side for itself, a unit as implementer, or the office."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("请填写项目名称")})
    workflow.require(user, "projects.propose", message=_("无权申报项目"))
    role = perms.role_of(user)
    own = getattr(user, "organization", None)
    if role == perms.RECIPIENT_VIEWER:
        recipient = recipient or own
        if not perms.within(user, recipient):
            raise PermissionDenied(_("受援方只能为本单位申报项目"))
    elif role in perms.UNIT_ROLES:
        implementer = implementer or own
        if not perms.within(user, implementer):
            raise PermissionDenied(_("只能以本单位为实施单位申报项目"))
    if recipient is None:
        raise ValidationError({"recipient": _("请选择受援单位")})
    project = Project(
        program=program,
        name=name,
        recipient=recipient,
        implementer=implementer,
        proposed_by=own,
        sector=sector,
        place=place,
        budget=budget or 0,
        beneficiaries=beneficiaries or 0,
        description=description,
        status=Project.CANDIDATE,
    )
    project.full_clean(exclude=["version"])
    project.save()
    return project
