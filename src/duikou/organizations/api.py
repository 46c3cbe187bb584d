"""REST API for organizations (the unit tree)."""

from typing import Annotated

from ninja import FilterLookup, FilterSchema, ModelSchema

from duikou.core.rest import Id, Text, crud_router

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


class OrganizationFilter(FilterSchema):
    q: Annotated[Text | None, FilterLookup(["name__icontains", "full_name__icontains"])] = None
    kind: Annotated[Text | None, FilterLookup("kind")] = None
    level: Annotated[Text | None, FilterLookup("level")] = None
    parent: Annotated[Id | None, FilterLookup("parent_id")] = None
    division_code: Annotated[Text | None, FilterLookup("division_code")] = None


router = crud_router(
    Organization,
    name="organization",
    read=OrganizationRead,
    filters=OrganizationFilter,
    create=OrganizationCreate,
    update=OrganizationUpdate,
    fields=WRITE_FIELDS,
)
