"""What changed in a report since the same unit's previous one (the report page's 与上期相比)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from .achieved import period_end_month, period_start_month
from .models import Report

# ---------------------------------------------------------------- reading results


def previous_report(report: Report) -> Report | None:
    """The same unit's latest report of an earlier period in the same program (periods by date, not text)."""
    here = report.period
    months = (here.end.year * 12 + here.end.month, here.start.year * 12 + here.start.month)
    return (
        Report.objects.filter(program_id=report.program_id, organization_id=report.organization_id)
        .annotate(end=period_end_month("period"), start=period_start_month("period"))
        .filter(Q(end__lt=months[0]) | Q(end=months[0], start__lt=months[1]))
        .order_by("-end", "-start", "-id")
        .first()
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
    old_progress = {p.task_id: p for p in before.task_progress.all()} if before else {}
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
    old_figures = {f.target_id: f.value for f in before.figures.all()} if before else {}
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
