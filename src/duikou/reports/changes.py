"""What changed in a report since the same unit's previous one (the report page's 与上期相比)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import router

from duikou.core.compiled import Compiled, Param

from .models import Report, TargetFigure
from .services import report_progress

# ---------------------------------------------------------------- reading results


def previous_report(report: Report) -> Report | None:
    """The same unit's latest report of an earlier period in the same program (periods by date, not text: by end,
    then start, then id, as `period_end_month` / `period_start_month` order them in SQL)."""
    here = (report.period.end, report.period.start)
    # A unit has a few reports a year in a program (and a load's reporter a hundred): their periods compared here (one
    # query of the unit's reports' ids and periods), not an expression of each period's months built, compiled and
    # sorted in SQL; only the one found is made a Report (making each was most of the time).
    earlier = [
        (period.end, period.start, pk, period)
        for pk, period in _UNIT_PERIODS.rows(None, program=report.program_id, unit=report.organization_id)
        if (period.end, period.start) < here
    ]
    if not earlier:
        return None
    pk, period = max(earlier, key=lambda row: row[:3])[2:]
    # As the unit's reports were read before: their id, program, unit and period, the rest deferred.
    return Report.from_db(
        router.db_for_read(Report),
        _UNIT_PERIOD_FIELDS,
        (pk, report.program_id, report.organization_id, period),
    )


# Compiled (core.compiled), as the report page's other reads.
_UNIT_PERIOD_FIELDS = ("id", "program_id", "organization_id", "period")
_UNIT_PERIODS = Compiled(
    Report,
    lambda: (
        Report.objects.filter(program_id=Param("program"), organization_id=Param("unit"))
        .order_by()
        .values_list("pk", "period")
    ),
)
_FIGURE_VALUES = Compiled(
    TargetFigure,
    lambda: TargetFigure.objects.filter(report_id=Param("report")).values_list("target_id", "value"),
)


@dataclass
class Changes:
    """What changed in a report since the unit's previous one."""

    previous: Report | None
    progress: list[dict] = field(default_factory=list)
    figures: list[dict] = field(default_factory=list)


def changes_since_previous(report: Report, *, progress=None, figures=None) -> Changes:
    """Per task and per target: the previous period's value, this one's, and whether it moved. `progress` and
    `figures`: the report's rows with their task and target, when the caller has read them already."""
    before = previous_report(report)
    changes = Changes(previous=before)
    if progress is None:
        progress = report.task_progress.select_related("task")
    if figures is None:
        figures = report.figures.select_related("target")
    # The previous report's rows only when this one has rows to compare (a report just started has none).
    old_progress = {p.task_id: p for p in report_progress(before)} if before and progress else {}
    for p in sorted(progress, key=lambda p: (p.task.plan_id, p.task.order, p.pk)):
        old = old_progress.get(p.task_id)
        if old is None or (old.percent, old.status, old.text) != (p.percent, p.status, p.text):
            changes.progress.append(
                {
                    "task": p.task,
                    "before": old.percent if old else None,
                    "after": p.percent,
                    "before_status": old.get_status_display() if old else None,
                    "after_status": p.get_status_display(),
                    "text_changed": old is None or old.text != p.text,
                }
            )
    old_figures = dict(_FIGURE_VALUES.rows(None, report=before.pk)) if before and figures else {}
    for f in sorted(figures, key=lambda f: f.target_id):
        old = old_figures.get(f.target_id)
        if old != f.value:
            changes.figures.append(
                {
                    "target": f.target,
                    "before": old,
                    "after": f.value,
                    "delta": f.value - (old or Decimal(0)),
                }
            )
    return changes
