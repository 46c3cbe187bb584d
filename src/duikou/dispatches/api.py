"""REST API for dispatched cadres and specialists."""

from ninja import ModelSchema

from duikou.core.rest import crud_router

from .filters import DISPATCH_FILTERS
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


router = crud_router(
    Dispatch,
    name="dispatch",
    read=DispatchRead,
    filters=DISPATCH_FILTERS,
    create=DispatchCreate,
    update=DispatchUpdate,
    fields=FIELDS,
)
