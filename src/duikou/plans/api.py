"""REST API for plans, their sections, tasks and the units responsible for each task."""

import json
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Router, Schema

from duikou.core import permissions as perms
from duikou.core import workflow
from duikou.core.api_auth import API_AUTH
from duikou.core.rest import Id, add_action, crud_router, form_save, resolve
from duikou.programs.models import Program

from .filters import PLAN_FILTERS, RESPONSIBILITY_FILTERS, SECTION_FILTERS, TASK_FILTERS
from .importer import import_plan_data, refuse_placeholders_unless_imported
from .models import Plan, Responsibility, Section, Task, annotate_tasks, task_figures
from .services import TASK_STATUS_FIELDS, publish_plan, require_task_fields, require_unit_change

PLAN_FIELDS = ["title", "doc_number", "issuer", "issued_on", "start_year", "end_year"]
SECTION_FIELDS = ["plan", "parent", "number", "path", "title", "order"]
TASK_FIELDS = [
    "plan",
    "section",
    "number",
    "path",
    "title",
    "text",
    "deadline",
    "due_date",
    "status",
    "progress",
    "completed_on",
    "order",
]
# Everything of a task but its status fields (services.TASK_STATUS_FIELDS, the step tasks.set_status) is its
# words (plans.edit_task).
TASK_UNIT_FIELDS = {*TASK_STATUS_FIELDS, "version"}
RESPONSIBILITY_FIELDS = ["task", "organization", "role", "printed_name", "order"]
Path = list[Annotated[str, Field(max_length=20)]]


class PlanRead(ModelSchema):
    donors_printed: list[str]
    recipients_printed: list[str]

    class Meta:
        model = Plan
        fields = [
            "id",
            "program",
            *PLAN_FIELDS,
            "issuer_organization",
            "status",
            "published_at",
            "source_name",
            "source_sha256",
            "version",
            "created_at",
            "updated_at",
        ]


class PlanCreate(Schema):
    """A plan to import: a duikou.plan/1 object, optionally into an existing program."""

    program_id: Id | None = None
    document: dict[str, Any]
    publish: bool = True


class PlanUpdate(ModelSchema):
    version: int | None = None

    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        fields_optional = "__all__"


class SectionRead(ModelSchema):
    path: list[str]

    class Meta:
        model = Section
        fields = ["id", *SECTION_FIELDS, "created_at", "updated_at"]


class SectionCreate(ModelSchema):
    path: Path = []

    class Meta:
        model = Section
        fields = [f for f in SECTION_FIELDS if f != "path"]


class SectionUpdate(ModelSchema):
    path: Path | None = None

    class Meta:
        model = Section
        fields = [f for f in SECTION_FIELDS if f != "path"]
        fields_optional = "__all__"


class TaskRead(ModelSchema):
    path: list[str]
    # green | yellow | red | done (supervision's lights); read from the row's annotation.
    light: str | None = None

    class Meta:
        model = Task
        fields = ["id", *TASK_FIELDS, "version", "created_at", "updated_at"]


class TaskCreate(ModelSchema):
    path: Path = []

    class Meta:
        model = Task
        fields = [f for f in TASK_FIELDS if f != "path"]


class TaskUpdate(ModelSchema):
    path: Path | None = None
    version: int | None = None

    class Meta:
        model = Task
        fields = [f for f in TASK_FIELDS if f != "path"]
        fields_optional = "__all__"


class ResponsibilityRead(ModelSchema):
    class Meta:
        model = Responsibility
        fields = ["id", *RESPONSIBILITY_FIELDS, "created_at", "updated_at"]


class ResponsibilityCreate(ModelSchema):
    class Meta:
        model = Responsibility
        fields = RESPONSIBILITY_FIELDS


class ResponsibilityUpdate(ModelSchema):
    class Meta:
        model = Responsibility
        fields = RESPONSIBILITY_FIELDS
        fields_optional = "__all__"


def create_plan(user, payload: PlanCreate) -> Plan:
    perms.require_allowed(user, Plan, perms.ADD)
    program = resolve(Program, user, payload.program_id, field="program_id")
    raw = json.dumps(payload.document, ensure_ascii=False, sort_keys=True).encode("utf-8")
    # 各预算主管部门 is no accountable unit: refused here as by the review and `duikou import` (one rule).
    refuse_placeholders_unless_imported(payload.document, raw)
    return import_plan_data(
        payload.document,
        source_bytes=raw,
        source_name="api.json",
        user=user,
        program=program,
        publish=payload.publish,
    ).plan


def _changed(task: Task | None, data: dict) -> set[str]:
    """The fields of `data` that differ from the task's (a new task: from the defaults)."""
    changed = set()
    for name, value in data.items():
        field = Task._meta.get_field("plan" if name == "plan_id" else name) if name != "version" else None
        if field is None:
            continue
        current = getattr(task, field.attname) if task is not None else field.get_default()
        if str(value if value is not None else "") != str(current if current is not None else ""):
            changed.add(name)
    return changed


def update_task(user, task: Task, payload: TaskUpdate) -> Task:
    data = payload.dict(exclude_unset=True)
    words = set(data) - TASK_UNIT_FIELDS
    if words:
        workflow.require(
            user,
            "plans.edit_task",
            task,
            message=_("只有对口办可以修改任务的内容（%(fields)s）") % {"fields": "、".join(sorted(words))},
        )
    require_task_fields(user, task, _changed(task, data))
    return form_save(Task, TASK_FIELDS, data, instance=task, user=user)


def create_task(user, payload: TaskCreate) -> Task:
    """A new task starts not started: its status is set directly only in a draft plan."""
    perms.require_allowed(user, Task, perms.ADD)
    data = payload.dict(exclude_unset=False)
    # Validated first (bad input is a 422 naming the field); refused after, inside the write's transaction.
    task = form_save(Task, TASK_FIELDS, data, user=user)
    require_task_fields(user, task, _changed(None, data) & TASK_STATUS_FIELDS)
    return task


def _responsibility_task(user, data: dict, instance: Responsibility | None = None) -> Task | None:
    task_id = data.get("task", instance.task_id if instance is not None else None)
    return Task.objects.select_related("plan").filter(pk=task_id).first() if task_id else None


def create_responsibility(user, payload: ResponsibilityCreate) -> Responsibility:
    """A unit added to a task: a change of its units, direct only in a draft plan."""
    perms.require_allowed(user, Responsibility, perms.ADD)
    data = payload.dict(exclude_unset=False)
    task = _responsibility_task(user, data)
    if task is not None:
        require_unit_change(user, task)
    return form_save(Responsibility, RESPONSIBILITY_FIELDS, data, user=user)


def update_responsibility(user, item: Responsibility, payload: ResponsibilityUpdate) -> Responsibility:
    data = payload.dict(exclude_unset=True)
    if {"task", "organization", "role"} & set(data):
        require_unit_change(user, item.task)
        task = _responsibility_task(user, data, item)
        if task is not None and task.pk != item.task_id:
            require_unit_change(user, task)
    return form_save(Responsibility, RESPONSIBILITY_FIELDS, data, instance=item, user=user)


def delete_responsibility(user, item: Responsibility) -> None:
    require_unit_change(user, item.task)
    item.delete()


router = Router(auth=API_AUTH)
router.add_router(
    "/sections/",
    crud_router(
        Section,
        name="section",
        read=SectionRead,
        filters=SECTION_FILTERS,
        create=SectionCreate,
        update=SectionUpdate,
        fields=SECTION_FIELDS,
    ),
)
router.add_router(
    "/tasks/",
    crud_router(
        Task,
        name="task",
        read=TaskRead,
        filters=TASK_FILTERS,
        create=TaskCreate,
        update=TaskUpdate,
        fields=TASK_FIELDS,
        annotate=annotate_tasks,
        figures=task_figures,
        create_with=create_task,
        update_with=update_task,
    ),
)
router.add_router(
    "/responsibilities/",
    crud_router(
        Responsibility,
        name="responsibility",
        read=ResponsibilityRead,
        filters=RESPONSIBILITY_FILTERS,
        create=ResponsibilityCreate,
        update=ResponsibilityUpdate,
        fields=RESPONSIBILITY_FIELDS,
        create_with=create_responsibility,
        update_with=update_responsibility,
        delete_with=delete_responsibility,
    ),
)
crud_router(
    Plan,
    name="plan",
    read=PlanRead,
    filters=PLAN_FILTERS,
    create=PlanCreate,
    update=PlanUpdate,
    fields=PLAN_FIELDS,
    create_with=create_plan,
    router=router,
)
add_action(
    router,
    Plan,
    name="plan",
    path="publish",
    response=PlanRead,
    action=perms.CHANGE,
    do=lambda user, plan, _body: publish_plan(plan=plan, user=user),
)
