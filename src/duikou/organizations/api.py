"""REST API for organizations (the unit tree)."""

from ninja import ModelSchema

from duikou.core.rest import crud_router

from .filters import ORGANIZATION_FILTERS
from .models import Organization

WRITE_FIELDS = ["name", "full_name", "kind", "level", "division_code", "parent"]


class OrganizationRead(ModelSchema):
    # green | yellow | red | done: the worst light of its tasks (supervision), when that app is installed.
    light: str | None = None

    class Meta:
        model = Organization
        fields = ["id", *WRITE_FIELDS, "tree_path", "created_at", "updated_at"]


class OrganizationCreate(ModelSchema):
    class Meta:
        model = Organization
        fields = WRITE_FIELDS


class OrganizationUpdate(ModelSchema):
    class Meta:
        model = Organization
        fields = WRITE_FIELDS
        fields_optional = "__all__"


router = crud_router(
    Organization,
    name="organization",
    read=OrganizationRead,
    filters=ORGANIZATION_FILTERS,
    create=OrganizationCreate,
    update=OrganizationUpdate,
    fields=WRITE_FIELDS,
)
