"""REST API for targets and their allocations to units."""

from ninja import ModelSchema, Router

from duikou.core.api_auth import API_AUTH
from duikou.core.rest import crud_router

from .filters import ALLOCATION_FILTERS, TARGET_FILTERS
from .models import Allocation, Target

TARGET_FIELDS = [
    "plan",
    "task",
    "text",
    "indicator",
    "value",
    "unit",
    "unit_text",
    "comparator",
    "year",
    "order",
]
ALLOCATION_FIELDS = ["target", "organization", "printed_name", "value", "order"]


class TargetRead(ModelSchema):
    class Meta:
        model = Target
        fields = ["id", *TARGET_FIELDS, "created_at", "updated_at"]


class TargetCreate(ModelSchema):
    class Meta:
        model = Target
        fields = TARGET_FIELDS


class TargetUpdate(ModelSchema):
    class Meta:
        model = Target
        fields = TARGET_FIELDS
        fields_optional = "__all__"


class AllocationRead(ModelSchema):
    class Meta:
        model = Allocation
        fields = ["id", *ALLOCATION_FIELDS, "created_at", "updated_at"]


class AllocationCreate(ModelSchema):
    class Meta:
        model = Allocation
        fields = ALLOCATION_FIELDS


class AllocationUpdate(ModelSchema):
    class Meta:
        model = Allocation
        fields = ALLOCATION_FIELDS
        fields_optional = "__all__"


router = Router(auth=API_AUTH)
router.add_router(
    "/allocations/",
    crud_router(
        Allocation,
        name="allocation",
        read=AllocationRead,
        filters=ALLOCATION_FILTERS,
        create=AllocationCreate,
        update=AllocationUpdate,
        fields=ALLOCATION_FIELDS,
    ),
)
crud_router(
    Target,
    name="target",
    read=TargetRead,
    filters=TARGET_FILTERS,
    create=TargetCreate,
    update=TargetUpdate,
    fields=TARGET_FIELDS,
    router=router,
)
