"""REST API for targets and their allocations to units."""

from typing import Annotated

from ninja import FilterLookup, FilterSchema, ModelSchema, Router

from duikou.core.api_auth import API_AUTH
from duikou.exchange.rest import Id, Text, Year, crud_router

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


class TargetFilter(FilterSchema):
    plan: Annotated[Id | None, FilterLookup("plan_id")] = None
    program: Annotated[Id | None, FilterLookup("plan__program_id")] = None
    task: Annotated[Id | None, FilterLookup("task_id")] = None
    unit: Annotated[Text | None, FilterLookup("unit")] = None
    year: Annotated[Year | None, FilterLookup("year")] = None
    q: Annotated[Text | None, FilterLookup(["indicator__icontains", "text__icontains"])] = None


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


class AllocationFilter(FilterSchema):
    target: Annotated[Id | None, FilterLookup("target_id")] = None
    plan: Annotated[Id | None, FilterLookup("target__plan_id")] = None
    organization: Annotated[Id | None, FilterLookup("organization_id")] = None


router = Router(auth=API_AUTH)
router.add_router(
    "/allocations/",
    crud_router(
        Allocation,
        name="allocation",
        read=AllocationRead,
        filters=AllocationFilter,
        create=AllocationCreate,
        update=AllocationUpdate,
        fields=ALLOCATION_FIELDS,
    ),
)
crud_router(
    Target,
    name="target",
    read=TargetRead,
    filters=TargetFilter,
    create=TargetCreate,
    update=TargetUpdate,
    fields=TARGET_FIELDS,
    router=router,
)
