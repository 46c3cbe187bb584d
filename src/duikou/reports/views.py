"""Report pages: list, start, fill in, evidence, workflow, inbox and approved figures. Views only wire requests
to reports.services; the services check permission and keep everything in one transaction."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import DateField
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from duikou.core import money, workflow
from duikou.core import permissions as perms
from duikou.core.compiled import CompiledObjects, Param, among_ids
from duikou.core.lists import ListPaginator, small_list_ids
from duikou.core.middleware import accepts_upload
from duikou.core.models import StaleEditError
from duikou.funds.models import Transaction
from duikou.plans.models import Task
from duikou.targets.models import Allocation, Target

from . import changes, reminders, services
from .achieved import achieved_by_allocation
from .evidence import attach_evidence, remove_evidence
from .filters import REPORT_FILTERS
from .forms import EvidenceForm, ReturnForm, StartReportForm
from .models import Evidence, Reminder, Report, ReportEvent, TaskProgress


def _report(request, pk, action=perms.VIEW) -> Report:
    """The report, 404 unless the gate lets the user perform `action` on it: read by its id with its unit, which
    settles the gate for a unit's own report (`perms.can`) without the gate's subquery."""
    # An id no row can have (beyond a 64-bit integer) is not sent to the database.
    found = _REPORT.objects(None, pk=pk) if 0 < pk < 2**63 else []
    if not found or not perms.can(request.user, found[0], action):
        raise Http404
    return found[0]


# Compiled (core.compiled): every report page, save and step reads its report.
_REPORT = CompiledObjects(
    Report, lambda: Report.objects.select_related("program", "organization").filter(pk=Param("pk")).order_by()
)


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


_LISTED = (
    "period",
    "status",
    "submitted_at",
    "program__name",
    "organization__name",
    "organization__full_name",
)


# Then by id: a unit's reports of one period in several programs tie, and a page boundary between them moved with
# the plan the database chose (the small list's page by id and the gated page ordered the ties differently).
_LIST_ORDER, _PER_PAGE = ("-period", "organization__full_name", "pk"), 50
# A page of a small list of reports read by their ids (core.lists.small_list_ids), compiled once per page's bounds.
_LISTED_PAGE = CompiledObjects(
    Report,
    lambda bottom, top: (
        among_ids(Report)
        .select_related("program", "organization")
        .only(*_LISTED)
        .order_by(*_LIST_ORDER)[bottom:top]
    ),
)


@login_required
def report_list(request, start_form=None, status_code=200):
    """Reports the user may see, newest period first; the office sees its review queue on top."""
    # Only the columns the rows show (`report_list_rows`): not every report's summary, unit and program read whole.
    reports = Report.objects.restrict(request.user).select_related("program", "organization").only(*_LISTED)
    status = request.GET.get("status", "")
    # The same filters as the API's list of reports (?status, ?program, ?organization, ?period).
    reports = REPORT_FILTERS.from_address(reports, request.GET)
    ids = small_list_ids(reports)
    if ids is None:
        paginator = Paginator(reports.order_by(*_LIST_ORDER), _PER_PAGE)
    else:
        # A unit's own reports (a reporter's list): their ids read through the gate once, counted as the ids and the
        # page read by them (compiled), not the gate's subqueries planned for the count and again for the page. The
        # gated rows stay the paginator's list (not read).
        paginator = ListPaginator(
            reports.order_by(*_LIST_ORDER),
            _PER_PAGE,
            counted=lambda: (len(ids), False),
            read=lambda bottom, _top: _LISTED_PAGE.objects(ids, bottom, bottom + _PER_PAGE),
        )
    page = paginator.get_page(request.GET.get("page"))
    queue = (
        Report.objects.filter(status=Report.SUBMITTED)
        .select_related("program", "organization")
        .order_by("submitted_at")[:100]
        if workflow.may(request.user, "reports.approve")
        else []
    )
    if start_form is None and perms.allows(request.user, Report, perms.ADD):
        start_form = StartReportForm(user=request.user)
    return render(
        request,
        "reports/list.html",
        {
            "page": page,
            "queue": queue,
            "start_form": start_form,
            "statuses": Report.STATUSES,
            "status": status,
        },
        status=status_code,
    )


@login_required
@require_POST
def report_start(request):
    form = StartReportForm(request.POST, user=request.user)
    if not form.is_valid():
        # The form comes back with what was typed and the error beside the field.
        return report_list.__wrapped__(request, start_form=form, status_code=400)
    try:
        report = services.start_report(
            program=form.cleaned_data["program"],
            organization=form.cleaned_data["organization"],
            period=form.cleaned_data["period"] or None,
            user=request.user,
        )
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"__all__": exc.messages}).items():
            for e in errors:
                form.add_error(field if field in form.fields else None, e)
        return report_list.__wrapped__(request, start_form=form, status_code=400)
    return redirect("reports:detail", pk=report.pk)


def _stored(report, scope):
    """The report's progress and figures with their tasks and targets (read once for the form and the changes): those
    of the unit's scope (`services.unit_scope`), read already, not read again; any other (no longer the unit's) read."""
    tasks, allocations = scope
    progress, figures = services.report_progress(report), services.report_figures(report)
    _attach(progress, "task", {t.pk: t for t in tasks}, Task)
    _attach(figures, "target", {a.target_id: a.target for a in allocations}, Target)
    return progress, figures


def _attach(rows, name, known, model):
    """Set each row's `name` (a foreign key to `model`) from `known` (id → object), reading the missing ones at once."""
    missing = {getattr(row, f"{name}_id") for row in rows} - known.keys()
    if missing:
        known = known | model._base_manager.in_bulk(missing)
    for row in rows:
        setattr(row, name, known[getattr(row, f"{name}_id")])


def _rows(scope, data=None, stored=([], [])):
    """The unit's tasks and target shares (`services.unit_scope`), with this report's values (`stored`) or the values
    just posted (`data`)."""
    tasks, allocations = scope
    progress, figures = stored
    progress = {p.task_id: p for p in progress}
    figures = {f.target_id: f for f in figures}
    task_rows = []
    for task in tasks:
        p = progress.get(task.pk)
        key = f"task-{task.pk}"
        task_rows.append(
            {
                "task": task,
                "key": key,
                "status": data.get(f"{key}-status") if data else (p.status if p else task.status),
                "percent": data.get(f"{key}-percent") if data else (p.percent if p else task.progress),
                "text": data.get(f"{key}-text") if data else (p.text if p else ""),
            }
        )
    figure_rows = []
    for allocation in allocations:
        f = figures.get(allocation.target_id)
        key = f"alloc-{allocation.pk}"
        is_money = allocation.target.unit == Target.YUAN
        stored = f.value if f else ""
        if is_money and stored != "":
            stored = money.in_unit(stored)  # money is entered and shown in 万元
        figure_rows.append(
            {
                "allocation": allocation,
                "target": allocation.target,
                "key": key,
                "money": is_money,
                "value": data.get(f"{key}-value") if data else stored,
                "note": data.get(f"{key}-note") if data else (f.note if f else ""),
            }
        )
    return task_rows, figure_rows


@login_required
def report_detail(request, pk):
    """The report page: fill in (while editable), evidence, workflow buttons, changes since last period, history."""
    report = _report(request, pk)
    scope = services.unit_scope(report)
    status_code = 200
    data = None
    if request.method == "POST":
        data = request.POST
        task_rows, figure_rows = _rows(scope, data)
        try:
            version = int(data.get("version", ""))
        except ValueError:
            version = -1
        try:
            services.save_report(
                report=report,
                user=request.user,
                version=version,
                summary=data.get("summary", ""),
                progress=[
                    {
                        "task": r["task"].pk,
                        "status": r["status"],
                        "percent": r["percent"] or 0,
                        "text": r["text"],
                    }
                    for r in task_rows
                ],
                figures=[
                    {"allocation": r["allocation"].pk, "value": _figure_value(r), "note": r["note"]}
                    for r in figure_rows
                ],
                scope=scope,
            )
        except StaleEditError as exc:
            messages.error(request, exc.messages[0])
            status_code = 409
            report = _report(request, pk)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status_code = 403
            report = _report(request, pk)
        except ValidationError as exc:
            for e in _errors(exc):
                messages.error(request, e)
            status_code = 400
            report = _report(request, pk)
        else:
            messages.success(request, _("月报已保存"))
            return redirect("reports:detail", pk=report.pk)
    stored = _stored(report, scope)
    task_rows, figure_rows = _rows(scope, data, stored)
    period = report.period
    # The unit's own payments pass the gate by their payer (`passes_through`): read without the gate's subquery.
    if perms.passes_through(request.user, Transaction, "payer", report.organization):
        transactions = _PAYMENTS.objects(
            None, unit=report.organization_id, start=period.start, end=period.end
        )
    else:
        transactions = (
            Transaction.objects.through(request.user, "payer", report.organization, passes=False)
            .filter(date__gte=period.start, date__lte=period.end)
            .select_related("payee")
            .only(*_PAYMENT_SHOWN)
        )
    lock = services.period_lock(report.program_id, report.period)
    with perms.remembered():  # the edit and submit steps ask the gate the same question
        editable = services.editable_by(report, request.user, lock=lock)
        can_submit = not lock and workflow.can(request.user, "reports.submit", report)
        can_approve = not lock and workflow.can(request.user, "reports.approve", report)
        can_return = not lock and workflow.can(request.user, "reports.return", report)
    return render(
        request,
        "reports/detail.html",
        {
            "report": report,
            "lock": lock,
            "editable": editable,
            "task_rows": task_rows,
            "figure_rows": figure_rows,
            "summary": data.get("summary") if data else report.summary,
            "task_statuses": TaskProgress._meta.get_field("status").choices,
            "evidence": _EVIDENCE.objects(None, report=report.pk),
            "evidence_form": EvidenceForm(),  # its labels and help text; its inputs, rendered once:
            "evidence_inputs": EvidenceForm.inputs(),
            "return_form": ReturnForm(),
            "transactions": transactions,
            "changes": changes.changes_since_previous(report, progress=stored[0], figures=stored[1]),
            "events": _EVENTS.objects(None, report=report.pk),
            "can_submit": can_submit,
            "submit_to_head": services.submitted_status(request.user) == Report.PENDING_HEAD,
            "can_approve": can_approve,
            "can_return": can_return,
        },
        status=status_code,
    )


# What the page shows of the unit's payments in the period (not their project, line or description).
_PAYMENT_SHOWN = ("date", "kind", "amount", "receipt_status", "payee__name", "payee__full_name")
# The report page's other reads, compiled.
_PAYMENTS = CompiledObjects(
    Transaction,
    lambda: (
        Transaction.objects.filter(
            payer_id=Param("unit"),
            date__gte=Param("start", output_field=DateField()),
            date__lte=Param("end", output_field=DateField()),
        )
        .select_related("payee")
        .only(*_PAYMENT_SHOWN)
    ),
)
_EVIDENCE = CompiledObjects(
    Evidence, lambda: Evidence.objects.filter(report_id=Param("report")).order_by("id")
)
# Each step's snapshot of the whole report is kept for the record, not shown here.
_EVENTS = CompiledObjects(
    ReportEvent,
    lambda: ReportEvent.objects.filter(report_id=Param("report")).select_related("user").defer("snapshot"),
)


def _figure_value(row) -> str:
    """What was typed for a figure, in the target's stored unit: a money figure is typed in 万元, kept in yuan."""
    value = (row["value"] or "").strip()
    if not row["money"] or not value:
        return value
    try:
        return str(money.parse_wan(value))
    except ValueError as exc:
        raise ValidationError(
            _("指标“%(ind)s”：%(e)s") % {"ind": row["target"].indicator, "e": exc}
        ) from None


def _workflow(request, pk, action):
    report = _report(request, pk)
    try:
        action(report)
    except ValidationError as exc:
        for e in _errors(exc):
            messages.error(request, e)
    return redirect("reports:detail", pk=pk)


@login_required
@require_POST
def report_submit(request, pk):
    def act(report):
        report = services.submit_report(report=report, user=request.user)
        messages.success(request, _("月报已提交：%(s)s") % {"s": report.get_status_display()})

    return _workflow(request, pk, act)


@login_required
@require_POST
def report_approve(request, pk):
    def act(report):
        services.approve_report(report=report, user=request.user)
        messages.success(request, _("月报已审核通过"))

    return _workflow(request, pk, act)


@login_required
@require_POST
def report_return(request, pk):
    def act(report):
        services.return_report(report=report, user=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("月报已退回"))

    return _workflow(request, pk, act)


@accepts_upload
@login_required
@require_POST
def evidence_upload(request, pk):
    report = _report(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("reports:detail", pk=pk)
    try:
        evidence = attach_evidence(report=report, user=request.user, upload=form.cleaned_data["upload"])
    except ValidationError as exc:
        for e in _errors(exc):
            messages.error(request, e)
    else:
        messages.success(request, _("已上传佐证材料：%(name)s") % {"name": evidence.original_name})
    return redirect("reports:detail", pk=pk)


@login_required
def evidence_download(request, pk):
    """Evidence is served only through this permission-checked view, never from a public path."""
    evidence = get_object_or_404(Evidence.objects.restrict(request.user), pk=pk)
    return FileResponse(
        evidence.open_plain(),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )


@login_required
@require_POST
def evidence_delete(request, pk):
    evidence = get_object_or_404(Evidence.objects.restrict(request.user).select_related("report"), pk=pk)
    report_pk = evidence.report_id
    remove_evidence(evidence=evidence, user=request.user)
    messages.success(request, _("已删除佐证材料"))
    return redirect("reports:detail", pk=report_pk)


@login_required
def inbox(request):
    """The unit's reminders: due soon, overdue, returned reports, funds that disagree."""
    reminders = Reminder.objects.restrict(request.user).select_related("organization", "task", "report")
    if request.GET.get("all") != "1":
        reminders = reminders.filter(read_at__isnull=True)
    page = Paginator(reminders.order_by("read_at", "-created_at"), 50).get_page(request.GET.get("page"))
    return render(request, "reports/inbox.html", {"page": page, "show_all": request.GET.get("all") == "1"})


@login_required
@require_POST
def reminder_read(request, pk):
    reminder = get_object_or_404(Reminder.objects.restrict(request.user), pk=pk)
    reminders.mark_read(reminder=reminder, user=request.user)
    return redirect("reports:inbox")


@login_required
def figures(request):
    """Targets allocated to units against the latest approved figures (what the dashboards count)."""
    allocations = Allocation.objects.restrict(request.user).select_related(
        "target", "target__plan", "organization"
    )
    program_id = request.GET.get("program", "")
    if program_id.isdigit():
        allocations = allocations.filter(target__plan__program_id=program_id)
    achieved = achieved_by_allocation(user=request.user)
    page = Paginator(allocations.order_by("target__plan_id", "target__order", "order"), 100).get_page(
        request.GET.get("page")
    )
    rows = [{"allocation": a, "achieved": achieved.get(a.pk)} for a in page]
    return render(request, "reports/figures.html", {"page": page, "rows": rows})
