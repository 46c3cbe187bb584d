"""REST API for dispatched cadres and specialists."""

from typing import Annotated

from ninja import FilterLookup, FilterSchema, ModelSchema

from duikou.exchange.rest import Id, Text, crud_router

from .models import Dispatch

FIELDS = [
    "program",
    "target",
    "person_name",
    "from_organization",
    "to_organization",
    "field",
    "position",
    "start_date",
    "end_date",
]


class DispatchRead(ModelSchema):
    class Meta:
        model = Dispatch
        fields = ["id", *FIELDS, "created_at", "updated_at"]


class DispatchCreate(ModelSchema):
    class Meta:
        model = Dispatch
        fields = FIELDS


class DispatchUpdate(ModelSchema):
    class Meta:
        model = Dispatch
        fields = FIELDS
        fields_optional = "__all__"


class DispatchFilter(FilterSchema):
    program: Annotated[Id | None, FilterLookup("program_id")] = None
    from_organization: Annotated[Id | None, FilterLookup("from_organization_id")] = None
    to_organization: Annotated[Id | None, FilterLookup("to_organization_id")] = None
    field: Annotated[Text | None, FilterLookup("field")] = None
    q: Annotated[Text | None, FilterLookup(["person_name__icontains", "position__icontains"])] = None


router = crud_router(
    Dispatch,
    name="dispatch",
    read=DispatchRead,
    filters=DispatchFilter,
    create=DispatchCreate,
    update=DispatchUpdate,
    fields=FIELDS,
)
