"""Excel exports across apps: targets with their allocations, and reports with their target figures.

Both go through the permission gate (a unit gets only its own rows) and stream rows into a write-only sheet.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils import timezone

from duikou.core import money
from duikou.core import permissions as perms
from duikou.core.sheets import write_sheet
from duikou.reports.achieved import achieved_by_allocation
from duikou.reports.models import Report, TargetFigure
from duikou.targets.models import Allocation

# Money targets are written in 万元 (the 计量单位 column says so); other units as stored.
ALLOCATION_HEADERS = [
    "方案",
    "指标",
    "目标值",
    "计量单位",
    "分解单位",
    "分解值",
    "已完成",
    "完成率（%）",
    "红黄绿灯",
]
ALLOCATION_WIDTHS = [36, 40, 16, 8, 28, 16, 16, 12, 10]
REPORT_HEADERS = ["单位", "期次", "状态", "指标", "数值", "计量单位", "提交时间"]
REPORT_WIDTHS = [30, 14, 10, 40, 16, 8, 18]
CHUNK = 2000


def _number(value: Decimal | None):
    """A Decimal as an Excel number: an integer when whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _in_unit(target, value):
    """A value in the unit the sheet states for the target: money in 万元, the rest as stored."""
    if value is None:
        return None
    if target.unit == target.YUAN:
        return float(money.in_unit(value))
    return _number(value)


def _allocations(user, plan_id: int | None, program_id: int | None):
    allocations = Allocation.objects.restrict(user, perms.VIEW)
    if plan_id is not None:
        allocations = allocations.filter(target__plan_id=plan_id)
    if program_id is not None:
        allocations = allocations.filter(target__plan__program_id=program_id)
    return allocations


def allocation_count(user, *, plan_id: int | None = None, program_id: int | None = None) -> int:
    return _allocations(user, plan_id, program_id).count()


def allocation_rows(user, *, plan_id: int | None = None, program_id: int | None = None):
    """One row per allocation the user may see: plan, indicator, target, unit, unit share, achieved, rate."""
    allocations = _allocations(user, plan_id, program_id)
    achieved = achieved_by_allocation(user=user)
    allocations = allocations.select_related("target__plan__program").order_by(
        "target__plan__issued_on", "target__plan_id", "target__order", "target_id", "order", "id"
    )
    batch: list = []
    for a in allocations.iterator(chunk_size=CHUNK):
        a.achieved = achieved.get(a.pk)
        batch.append(a)
        if len(batch) == CHUNK:
            yield from _allocation_lines(batch)
            batch = []
    yield from _allocation_lines(batch)


def _allocation_lines(batch: list):
    from duikou.supervision.lights import LABELS, commitment_lights

    for a in commitment_lights(batch):  # each unit share's light: the supervision lights' one rule
        t = a.target
        progress = a.progress_of(a.achieved)
        rate = None if progress is None else float((progress * 100).quantize(Decimal("0.01")))
        yield [
            t.plan.title,
            t.indicator,
            _in_unit(t, t.value),
            t.unit_label,
            a.printed_name,
            _in_unit(t, a.value),
            _in_unit(t, a.achieved),
            rate,
            str(LABELS[a.light]),
        ]


def allocations_xlsx(user, *, plan_id: int | None = None, program_id: int | None = None) -> bytes:
    rows = allocation_rows(user, plan_id=plan_id, program_id=program_id)
    return write_sheet("目标分解", ALLOCATION_HEADERS, rows, widths=ALLOCATION_WIDTHS)


def allocations_xlsx_to(out, rows) -> None:
    """`rows` (allocation_rows, counted by the job) written to the file `out`."""
    write_sheet("目标分解", ALLOCATION_HEADERS, rows, widths=ALLOCATION_WIDTHS, out=out)


def _reports(user, program_id: int | None, status: str | None):
    reports = Report.objects.restrict(user, perms.VIEW)
    if program_id is not None:
        reports = reports.filter(program_id=program_id)
    if status:
        reports = reports.filter(status=status)
    return reports


def _figures(user):
    return TargetFigure.objects.restrict(user, perms.VIEW)


def report_count(user, *, program_id: int | None = None, status: str | None = None) -> int:
    """How many rows report_rows gives: one per figure, one for a report without figures."""
    reports = _reports(user, program_id, status)
    figures = _figures(user).filter(report__in=reports.values("pk"))
    with_figures = figures.values("report_id").distinct().count()
    return reports.count() - with_figures + figures.count()


def report_rows(user, *, program_id: int | None = None, status: str | None = None):
    """One row per report × target figure the user may see (a report without figures still gets one row)."""
    reports = _reports(user, program_id, status)
    figures = _figures(user).select_related("target").order_by("target__order", "id")
    reports = reports.select_related("organization").prefetch_related(Prefetch("figures", queryset=figures))
    for r in reports.order_by("-period", "organization__full_name", "id").iterator(chunk_size=CHUNK):
        submitted = timezone.localtime(r.submitted_at).replace(tzinfo=None) if r.submitted_at else None
        head = [r.organization.full_name, r.period.label, str(r.get_status_display())]
        figures_of = list(r.figures.all())
        if not figures_of:
            yield [*head, None, None, None, submitted]
        for f in figures_of:
            yield [*head, f.target.indicator, _in_unit(f.target, f.value), f.target.unit_label, submitted]


def reports_xlsx(user, *, program_id: int | None = None, status: str | None = None) -> bytes:
    rows = report_rows(user, program_id=program_id, status=status)
    return write_sheet("月报", REPORT_HEADERS, rows, widths=REPORT_WIDTHS)


def reports_xlsx_to(out, rows) -> None:
    write_sheet("月报", REPORT_HEADERS, rows, widths=REPORT_WIDTHS, out=out)
