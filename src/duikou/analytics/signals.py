"""Keep the summary tables current: each save or delete adds its old state negatively and its new state.

Handlers run inside the caller's transaction, so a rolled-back change leaves the tallies as they were.
Writes that bypass signals (the importer's bulk_create) are counted by the importer itself
(`services.count_imported_assignments` and `services.refresh_plan`); `duikou analytics rebuild` recounts all.
"""

from decimal import Decimal

from django.db.models.signals import post_delete, post_save, pre_save

from duikou.funds.models import SPENT_KINDS, FundingLine, Transaction
from duikou.plans.models import Plan, Responsibility, Task
from duikou.projects.models import Project
from duikou.reports.achieved import COUNTED_STATUS
from duikou.reports.models import Report, TargetFigure
from duikou.targets.models import Allocation, Target

from . import services as s
from .models import FundsTally, TargetTally, TaskTally, UnitFundsTally

PLAN_FIELDS = ("program_id",)
TASK_FIELDS = ("plan_id", "status", "due_date")
RESPONSIBILITY_FIELDS = ("task_id", "organization_id", "role")
LINE_FIELDS = ("plan_id", "year", "amount")
TRANSACTION_FIELDS = ("funding_line_id", "project_id", "kind", "amount", "date", "payer_id", "payee_id")


def _state(instance, fields) -> dict:
    return {f: getattr(instance, f) for f in fields}


def _stored(instance, fields):
    """The row's values as stored before this save (None for a new row)."""
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()


# -- one row's contribution to the tallies, added with sign +1 or -1 ---------------------------------
def _task(state, task_id, sign):

    program_id = Plan._base_manager.filter(pk=state["plan_id"]).values_list("program_id", flat=True).first()
    if program_id is None:
        return
    due = s.due_key(state["due_date"])
    s.add_to(
        TaskTally,
        {"plan_id": state["plan_id"], "status": state["status"], "due_date": due},
        {"count": sign},
        {"program_id": program_id},
    )
    for org_id, role in Responsibility._base_manager.filter(task_id=task_id).values_list(
        "organization_id", "role"
    ):
        s.add_to_unit(org_id, role, state["status"], state["due_date"], sign)


def _responsibility(state, sign):

    task = Task._base_manager.filter(pk=state["task_id"]).values("status", "due_date").first()
    if task is None:
        return
    s.add_to_unit(state["organization_id"], state["role"], task["status"], task["due_date"], sign)


def _line(state, sign):

    program_id = Plan._base_manager.filter(pk=state["plan_id"]).values_list("program_id", flat=True).first()
    if program_id is None:
        return
    s.add_to(
        FundsTally,
        {"program_id": program_id, "plan_id": state["plan_id"], "year": int(state["year"])},
        {"planned": sign * Decimal(state["amount"])},
    )


def _transaction(state, sign):

    program_id = plan_id = None
    if state["funding_line_id"]:
        plan_id, program_id = FundingLine._base_manager.filter(pk=state["funding_line_id"]).values_list(
            "plan_id", "plan__program_id"
        ).first() or (None, None)
    elif state["project_id"]:
        program_id, plan_id = Project._base_manager.filter(pk=state["project_id"]).values_list(
            "program_id", "plan_id"
        ).first() or (None, None)
    amount = sign * Decimal(state["amount"])
    year = s._year(state["date"])
    if program_id is not None:
        amounts = {state["kind"]: amount}
        if state["funding_line_id"] and state["kind"] in SPENT_KINDS:
            amounts["line_spent"] = amount
        s.add_to(FundsTally, {"program_id": program_id, "plan_id": plan_id or 0, "year": year}, amounts)
    for side, column in (("payer_id", "paid"), ("payee_id", "received")):
        if state[side]:
            s.add_to(
                UnitFundsTally,
                {"organization_id": state[side], "year": year, "kind": state["kind"]},
                {column: amount},
            )


# -- handlers --------------------------------------------------------------------------------------
def _before_save(sender, instance, raw=False, **kwargs):
    fields = WATCHED.get(sender)
    if fields and not raw:
        instance._tally_before = _stored(instance, fields)


def _report_before_save(sender, instance, raw=False, **kwargs):
    """Whether the report counted toward achieved values before this save. Its status as last read or saved
    (a Report's save is refused when anyone saved it since, so that is the stored one); a query only when not known."""
    if raw:
        return
    before = getattr(instance, "_audit_before", None)
    if instance._state.adding or instance.pk is None:
        instance._tally_counted = False
    elif before is not None and "status" in before:
        instance._tally_counted = before["status"] == COUNTED_STATUS
    else:
        instance._tally_counted = Report._base_manager.filter(pk=instance.pk, status=COUNTED_STATUS).exists()


def _figure_counts(figure) -> bool:
    """Whether a figure's report counts toward achieved values (only then can the figure move a tally)."""
    report = figure._state.fields_cache.get("report")
    if report is not None:
        return report.status == COUNTED_STATUS
    return Report._base_manager.filter(pk=figure.report_id, status=COUNTED_STATUS).exists()


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return

    if sender is Plan:
        # A plan's tallies are keyed by its program: only moving it to another program changes them. A new plan
        # has no rows yet (the importer counts its bulk rows itself); a title or status edit recomputes nothing.
        before = getattr(instance, "_tally_before", None)
        if before is not None and before != _state(instance, PLAN_FIELDS):
            s.refresh_plan(instance.pk)
        return
    if sender is Target:
        s.recompute_targets([instance.pk])
        return
    if sender is TargetFigure:
        # A draft's figure counts nowhere: recomputing its targets on every save of a report being filled in was
        # most of the time of a reporter's save.
        if _figure_counts(instance):
            s.recompute_targets([instance.target_id])
        return
    if sender is Allocation:
        s.recompute_targets([instance.target_id])
        return
    if sender is Report:
        # Only a report entering or leaving the counted status changes what its figures add up to.
        if instance.status == COUNTED_STATUS or getattr(instance, "_tally_counted", True):
            s.recompute_targets(instance.figures.values_list("target_id", flat=True))
        return
    fields = WATCHED.get(sender)
    if not fields:
        return
    before = getattr(instance, "_tally_before", None)
    after = _state(instance, fields)
    if before == after:
        return
    apply = APPLY[sender]
    if before is not None:
        apply(before, instance, -1)
    apply(after, instance, +1)


def _after_delete(sender, instance, **kwargs):

    if sender is Plan:
        for model in (TaskTally, FundsTally, TargetTally):
            model.objects.filter(plan_id=instance.pk).delete()
        return
    if sender is Target:
        TargetTally.objects.filter(target_id=instance.pk).delete()
        return
    if sender is TargetFigure:
        if _figure_counts(instance):
            s.recompute_targets([instance.target_id])
        return
    if sender is Allocation:
        s.recompute_targets([instance.target_id])
        return
    fields = WATCHED.get(sender)
    if fields:
        APPLY[sender](_state(instance, fields), instance, -1)


WATCHED: dict = {}
APPLY: dict = {}


def connect():
    """Wire the handlers to the domain models (called once from AppConfig.ready)."""

    WATCHED.update(
        {
            Plan: PLAN_FIELDS,
            Task: TASK_FIELDS,
            Responsibility: RESPONSIBILITY_FIELDS,
            FundingLine: LINE_FIELDS,
            Transaction: TRANSACTION_FIELDS,
        }
    )
    APPLY.update(
        {
            Task: lambda st, inst, sign: _task(st, inst.pk, sign),
            Responsibility: lambda st, inst, sign: _responsibility(st, sign),
            FundingLine: lambda st, inst, sign: _line(st, sign),
            Transaction: lambda st, inst, sign: _transaction(st, sign),
        }
    )
    for model in (Plan, Task, Responsibility, FundingLine, Transaction):
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"analytics-pre-{model.__name__}")
    pre_save.connect(_report_before_save, sender=Report, dispatch_uid="analytics-pre-Report")
    for model in (
        Plan,
        Task,
        Responsibility,
        FundingLine,
        Transaction,
        Target,
        TargetFigure,
        Report,
        Allocation,
    ):
        post_save.connect(_after_save, sender=model, dispatch_uid=f"analytics-post-{model.__name__}")
    for model in (Plan, Task, Responsibility, FundingLine, Transaction, Target, TargetFigure, Allocation):
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"analytics-del-{model.__name__}")
