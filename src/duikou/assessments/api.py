"""REST API for assessment rules and results (results are computed, never written by hand)."""

from typing import Any

from ninja import ModelSchema, Router

from duikou.core import permissions as perms
from duikou.core.api_auth import API_AUTH
from duikou.core.rest import add_action, crud_router

from .filters import ASSESSMENT_FILTERS, ASSESSMENT_RULE_FILTERS
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


class AssessmentRead(ModelSchema):
    breakdown: dict[str, Any]

    class Meta:
        model = Assessment
        fields = ["id", "rule", "organization", "score", "rank", "created_at", "updated_at"]


router = Router(auth=API_AUTH)
rules = crud_router(
    AssessmentRule,
    name="assessment_rule",
    read=AssessmentRuleRead,
    filters=ASSESSMENT_RULE_FILTERS,
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
    filters=ASSESSMENT_FILTERS,
    deletable=False,
    router=router,
)
