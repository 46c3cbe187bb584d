"""REST API of supervision: urges (/api/supervision/urges/) and change requests (/api/plans/change-requests/).

Every read goes through the gate; every write is a service call run by `run_write` (one transaction, the
change log names the caller, refusals become 403/404/409/422)."""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Router, Schema

from duikou.core import permissions as perms
from duikou.core.api_auth import API_AUTH
from duikou.core.rest import Id, add_action, crud_router, resolve
from duikou.organizations.models import Organization
from duikou.plans.models import Task
from duikou.reports.models import Report

from . import notices, services
from .filters import CHANGE_REQUEST_FILTERS, INSTRUCTION_FILTERS, NOTICE_FILTERS, URGE_FILTERS
from .models import ChangeRequest, Instruction, InstructionTarget, SupervisionNotice, Urge

Message = Annotated[str, Field(max_length=2000)]


class UrgeRead(ModelSchema):
    class Meta:
        model = Urge
        fields = [
            "id",
            "task",
            "report",
            "organization",
            "message",
            "created_by",
            "created_at",
            "read_at",
            "answer",
            "answered_at",
        ]


class UrgeCreate(Schema):
    task_id: Id | None = None
    report_id: Id | None = None
    organization_id: Id
    message: Message = ""


class AnswerIn(Schema):
    answer: Annotated[str, Field(min_length=1, max_length=5000)]


def create_urge(user, payload: UrgeCreate) -> Urge:
    return services.urge(
        user=user,
        organization=resolve(Organization, user, payload.organization_id, field="organization_id"),
        task=resolve(Task, user, payload.task_id, field="task_id"),
        report=resolve(Report, user, payload.report_id, field="report_id"),
        message=payload.message,
    )


router = Router(auth=API_AUTH)
urges = crud_router(
    Urge,
    name="urge",
    read=UrgeRead,
    filters=URGE_FILTERS,
    create=UrgeCreate,
    create_with=create_urge,
    deletable=False,
)


def _read(user, item, _body):
    # Reading through the API is a first opening too: the unit's 已读 is recorded.
    return services.open_urge(urge=item, user=user)


add_action(urges, Urge, name="urge", path="read", response=UrgeRead, action=perms.VIEW, do=_read)
add_action(
    urges,
    Urge,
    name="urge",
    path="answer",
    payload=AnswerIn,
    response=UrgeRead,
    action=perms.CHANGE,
    do=lambda user, item, body: services.answer_urge(urge=item, user=user, text=body.answer),
)
router.add_router("/urges/", urges)


# ---------------------------------------------------------------- /api/plans/change-requests/


class ChangeRequestRead(ModelSchema):
    lead_units: list[int]
    support_units: list[int]
    has_evidence: bool

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "task",
            "organization",
            "kind",
            "due_date",
            "reason",
            "evidence_name",
            "status",
            "requested_by",
            "decided_by",
            "decided_at",
            "decision_reason",
            "created_at",
        ]

    @staticmethod
    def resolve_has_evidence(obj) -> bool:
        return bool(obj.evidence)


class ChangeRequestCreate(Schema):
    """A request; `evidence` (for kind complete) is a file's bytes in base64 with its name."""

    task_id: Id
    organization_id: Id | None = None
    kind: Annotated[str, Field(pattern="^(deadline|units|cancel|complete)$")]
    due_date: dt.date | None = None
    reason: Annotated[str, Field(min_length=1, max_length=5000)]
    lead_units: list[Id] = []
    support_units: list[Id] = []
    evidence_name: Annotated[str, Field(max_length=255)] = ""
    evidence_base64: Annotated[str, Field(max_length=30_000_000)] = ""


class DecisionIn(Schema):
    reason: Annotated[str, Field(max_length=5000)] = ""


def _evidence(payload: ChangeRequestCreate):
    import base64
    import binascii

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    if not payload.evidence_base64:
        return None
    try:
        raw = base64.b64decode(payload.evidence_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"evidence_base64": _("佐证材料不是有效的 base64")}) from exc
    return SimpleUploadedFile(payload.evidence_name or "evidence", raw)


def create_change_request(user, payload: ChangeRequestCreate) -> ChangeRequest:
    return services.request_change(
        user=user,
        task=resolve(Task, user, payload.task_id, field="task_id"),
        organization=resolve(Organization, user, payload.organization_id, field="organization_id"),
        kind=payload.kind,
        reason=payload.reason,
        due_date=payload.due_date,
        lead_units=payload.lead_units,
        support_units=payload.support_units,
        evidence=_evidence(payload),
    )


change_requests = crud_router(
    ChangeRequest,
    name="change_request",
    read=ChangeRequestRead,
    filters=CHANGE_REQUEST_FILTERS,
    create=ChangeRequestCreate,
    create_with=create_change_request,
    deletable=False,
)
# The office approves or rejects any request it sees; the services refuse everyone else (403).
add_action(
    change_requests,
    ChangeRequest,
    name="change_request",
    path="approve",
    payload=DecisionIn,
    response=ChangeRequestRead,
    action=perms.VIEW,
    do=lambda user, item, body: services.approve_change(request=item, user=user, reason=body.reason),
)
add_action(
    change_requests,
    ChangeRequest,
    name="change_request",
    path="reject",
    payload=DecisionIn,
    response=ChangeRequestRead,
    action=perms.VIEW,
    do=lambda user, item, body: services.reject_change(request=item, user=user, reason=body.reason),
)


# ---------------------------------------------------------------- /api/supervision/instructions/


class InstructionTargetRead(ModelSchema):
    class Meta:
        model = InstructionTarget
        fields = ["id", "organization", "read_at", "answer", "answered_at"]


class InstructionRead(ModelSchema):
    targets: list[InstructionTargetRead]

    class Meta:
        model = Instruction
        fields = [
            "id",
            "task",
            "organization",
            "report",
            "text",
            "leader_name",
            "issued_by",
            "created_at",
            "closed_at",
        ]

    @staticmethod
    def resolve_targets(obj):
        return list(obj.targets.all())


class InstructionCreate(Schema):
    task_id: Id | None = None
    organization_id: Id | None = None
    report_id: Id | None = None
    text: Annotated[str, Field(min_length=1, max_length=5000)]
    leader_name: Annotated[str, Field(max_length=100)] = ""


def create_instruction(user, payload: InstructionCreate) -> Instruction:
    return services.instruct(
        user=user,
        text=payload.text,
        leader_name=payload.leader_name,
        task=resolve(Task, user, payload.task_id, field="task_id"),
        organization=resolve(Organization, user, payload.organization_id, field="organization_id"),
        report=resolve(Report, user, payload.report_id, field="report_id"),
    )


def _answer_instruction(user, item, body):
    from django.core.exceptions import PermissionDenied

    targets = [t for t in item.targets.restrict(user, perms.CHANGE)]
    if not targets:
        raise PermissionDenied(_("批示由承办单位反馈"))
    for target in targets:
        services.answer_instruction(target=target, user=user, text=body.answer)
    return Instruction.objects.get(pk=item.pk)


instructions = crud_router(
    Instruction,
    name="instruction",
    read=InstructionRead,
    filters=INSTRUCTION_FILTERS,
    create=InstructionCreate,
    create_with=create_instruction,
    deletable=False,
)
add_action(
    instructions,
    Instruction,
    name="instruction",
    path="answer",
    payload=AnswerIn,
    response=InstructionRead,
    action=perms.VIEW,
    do=_answer_instruction,
)
router.add_router("/instructions/", instructions)


# ---------------------------------------------------------------- /api/supervision/notices/


class NoticeRead(ModelSchema):
    number: str
    has_evidence: bool

    class Meta:
        model = SupervisionNotice
        fields = [
            "id",
            "year",
            "sequence",
            "task",
            "organization",
            "level",
            "cause",
            "reason",
            "status",
            "escalated_from",
            "issued_at",
            "answer_due",
            "answer",
            "evidence_name",
            "answered_at",
            "closed_at",
            "close_note",
            "created_at",
        ]

    @staticmethod
    def resolve_number(obj) -> str:
        return obj.number

    @staticmethod
    def resolve_has_evidence(obj) -> bool:
        return bool(obj.evidence)


class NoticeAnswerIn(Schema):
    answer: Annotated[str, Field(min_length=1, max_length=5000)]
    evidence_name: Annotated[str, Field(max_length=255)] = ""
    evidence_base64: Annotated[str, Field(max_length=30_000_000)] = ""


class NoticeCloseIn(Schema):
    note: Annotated[str, Field(max_length=5000)] = ""


def _notice_answer(user, notice, body):
    return notices.answer(notice=notice, user=user, text=body.answer, evidence=_evidence(body))


notices_router = crud_router(
    SupervisionNotice, name="notice", read=NoticeRead, filters=NOTICE_FILTERS, deletable=False
)
add_action(
    notices_router,
    SupervisionNotice,
    name="notice",
    path="issue",
    response=NoticeRead,
    action=perms.VIEW,
    do=lambda user, notice, _body: notices.issue(notice=notice, user=user),
)
add_action(
    notices_router,
    SupervisionNotice,
    name="notice",
    path="answer",
    payload=NoticeAnswerIn,
    response=NoticeRead,
    action=perms.CHANGE,
    do=_notice_answer,
)
add_action(
    notices_router,
    SupervisionNotice,
    name="notice",
    path="close",
    payload=NoticeCloseIn,
    response=NoticeRead,
    action=perms.VIEW,
    do=lambda user, notice, body: notices.close(notice=notice, user=user, note=body.note),
)
router.add_router("/notices/", notices_router)
