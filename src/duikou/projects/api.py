"""REST API for the project library (proposals and status moves go through the project services)."""

from decimal import Decimal
from typing import Annotated

from ninja import Field, ModelSchema, Schema

from duikou.core import permissions as perms
from duikou.core.rest import Id, add_action, crud_router, form_save, require_within_gate, resolve
from duikou.organizations.models import Organization
from duikou.programs.models import Program

from .filters import PROJECT_FILTERS
from .models import Project
from .services import move_project, propose_project, require_may_edit_project

# Status is left out on purpose: it moves only along Project.TRANSITIONS, through /move.
EDIT_FIELDS = [
    "plan",
    "task",
    "code",
    "name",
    "implementer",
    "sector",
    "place",
    "budget",
    "beneficiaries",
    "start_date",
    "end_date",
    "description",
]


class ProjectRead(ModelSchema):
    class Meta:
        model = Project
        fields = [
            "id",
            "program",
            *EDIT_FIELDS,
            "status",
            "recipient",
            "proposed_by",
            "version",
            "created_at",
            "updated_at",
        ]


class ProjectCreate(Schema):
    """A candidate project proposed to the library."""

    program_id: Id
    name: Annotated[str, Field(min_length=1, max_length=300)]
    recipient_id: Id | None = None
    implementer_id: Id | None = None
    sector: Annotated[str, Field(max_length=100)] = ""
    place: Annotated[str, Field(max_length=200)] = ""
    budget: Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)] = Decimal(0)
    beneficiaries: Annotated[int, Field(ge=0, le=2**31 - 1)] = 0
    description: Annotated[str, Field(max_length=20000)] = ""


class ProjectUpdate(ModelSchema):
    version: int | None = None

    class Meta:
        model = Project
        fields = EDIT_FIELDS
        fields_optional = "__all__"


class ProjectMove(Schema):
    """The next status of a project, and the version the caller saw."""

    status: Annotated[str, Field(max_length=10)]
    version: int | None = None


def create_project(user, p: ProjectCreate) -> Project:
    return propose_project(
        user=user,
        program=resolve(Program, user, p.program_id, field="program_id"),
        name=p.name,
        recipient=resolve(Organization, user, p.recipient_id, field="recipient_id"),
        implementer=resolve(Organization, user, p.implementer_id, field="implementer_id"),
        sector=p.sector,
        place=p.place,
        budget=p.budget,
        beneficiaries=p.beneficiaries,
        description=p.description,
    )


def update_project(user, project: Project, p: ProjectUpdate) -> Project:
    data = p.dict(exclude_unset=True)
    require_may_edit_project(user, project, data)
    project = form_save(Project, EDIT_FIELDS, data, instance=project, user=user)
    require_within_gate(Project, user, project, perms.CHANGE)
    return project


router = crud_router(
    Project,
    name="project",
    read=ProjectRead,
    filters=PROJECT_FILTERS,
    create=ProjectCreate,
    update=ProjectUpdate,
    fields=EDIT_FIELDS,
    create_with=create_project,
    update_with=update_project,
)
add_action(
    router,
    Project,
    name="project",
    path="move",
    payload=ProjectMove,
    response=ProjectRead,
    action=perms.VIEW,
    do=lambda user, project, p: move_project(project=project, status=p.status, user=user, version=p.version),
)
