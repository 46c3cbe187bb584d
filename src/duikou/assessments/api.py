"""REST API for assessment rules and results (results are computed, never written by hand)."""

from typing import Annotated, Any

from ninja import FilterLookup, FilterSchema, ModelSchema, Router

from duikou.core import permissions as perms
from duikou.core.api_auth import API_AUTH
from duikou.exchange.rest import Id, Year, add_action, crud_router

from .models import Assessment, AssessmentRule
from .services import compute_assessment

RULE_FIELDS = [
    "program",
    "year",
    "weight_tasks_on_time",
    "weight_targets_reached",
    "weight_funds_spent",
    "weight_reports_on_time",
]


class AssessmentRuleRead(ModelSchema):
    class Meta:
        model = AssessmentRule
        fields = ["id", *RULE_FIELDS, "created_at", "updated_at"]


class AssessmentRuleCreate(ModelSchema):
    class Meta:
        model = AssessmentRule
        fields = RULE_FIELDS


class AssessmentRuleUpdate(ModelSchema):
    class Meta:
        model = AssessmentRule
        fields = RULE_FIELDS
        fields_optional = "__all__"


class AssessmentRuleFilter(FilterSchema):
    program: Annotated[Id | None, FilterLookup("program_id")] = None
    year: Annotated[Year | None, FilterLookup("year")] = None


class AssessmentRead(ModelSchema):
    breakdown: dict[str, Any]

    class Meta:
        model = Assessment
        fields = ["id", "rule", "organization", "score", "rank", "created_at", "updated_at"]


class AssessmentFilter(FilterSchema):
    rule: Annotated[Id | None, FilterLookup("rule_id")] = None
    program: Annotated[Id | None, FilterLookup("rule__program_id")] = None
    year: Annotated[Year | None, FilterLookup("rule__year")] = None
    organization: Annotated[Id | None, FilterLookup("organization_id")] = None


router = Router(auth=API_AUTH)
rules = crud_router(
    AssessmentRule,
    name="assessment_rule",
    read=AssessmentRuleRead,
    filters=AssessmentRuleFilter,
    create=AssessmentRuleCreate,
    update=AssessmentRuleUpdate,
    fields=RULE_FIELDS,
)
add_action(
    rules,
    AssessmentRule,
    name="assessment_rule",
    path="compute",
    response=list[AssessmentRead],
    action=perms.CHANGE,
    do=lambda user, rule, _p: compute_assessment(rule=rule, user=user),
)
router.add_router("/rules/", rules)
crud_router(
    Assessment,
    name="assessment",
    read=AssessmentRead,
    filters=AssessmentFilter,
    deletable=False,
    router=router,
)
