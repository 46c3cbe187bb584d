"""Year-end assessment (绩效考核) and periodic bulletins (通报): the figures, the scores, the Word documents."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duikou.core import money, workflow
from duikou.core import permissions as perms
from duikou.core.dates import cn_date, local_date, today_for
from duikou.core.gongwen import GongwenDocument
from duikou.core.periods import MONTH, QUARTER, Period
from duikou.core.sheets import write_sheet
from duikou.funds.models import FundingLine, Transaction
from duikou.organizations.models import Organization
from duikou.plans.models import Plan, Responsibility, Task
from duikou.programs.models import Program
from duikou.reports.achieved import achieved_by_allocation, achieved_by_target
from duikou.reports.models import PeriodLock, Report
from duikou.reports.services import close_period
from duikou.targets.models import Allocation, Target, credit

from .models import Assessment, AssessmentRule

# A report counts as on time when submitted within this many days after its period ends.
REPORT_GRACE_DAYS = 10
COMPONENTS = (
    ("tasks_on_time", gettext_lazy("任务按时完成"), "weight_tasks_on_time"),
    ("targets_reached", gettext_lazy("目标完成"), "weight_targets_reached"),
    ("funds_spent", gettext_lazy("资金执行"), "weight_funds_spent"),
    ("reports_on_time", gettext_lazy("月报按时报送"), "weight_reports_on_time"),
)
HUNDRED = Decimal(100)


def _q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass
class Component:
    """One part of a unit's score: how many items, how many met, the ratio and the points it gives."""

    done: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    ratio: Decimal | None = None  # None: nothing to judge this unit on, its weight goes to the other parts

    def close(self) -> Component:
        self.ratio = None if self.total == 0 else min(Decimal(1), self.done / self.total)
        return self


@dataclass
class UnitScore:
    """A unit's score with its breakdown, before it is stored as an Assessment."""

    organization: Organization
    parts: dict[str, Component] = field(default_factory=dict)
    score: Decimal = Decimal(0)
    rank: int = 0


def _program_plans(program: Program):
    return Plan.objects.filter(program=program, status=Plan.PUBLISHED)


def _covers(year: int) -> Q:
    """Items with no date of their own count in every year their plan covers."""
    return (Q(plan__start_year__isnull=True) | Q(plan__start_year__lte=year)) & (
        Q(plan__end_year__isnull=True) | Q(plan__end_year__gte=year)
    )


def _tasks_for_year(program: Program, year: int):
    plans = _program_plans(program)
    return Task.objects.filter(plan__in=plans).filter(
        Q(due_date__year=year) | (Q(due_date__isnull=True) & _covers(year))
    )


def done_on_time(task: Task, by: dt.date) -> bool:
    """Completed, and no later than its due date (or `by` when it has none)."""
    if task.status != Task.COMPLETED:
        return False
    deadline = min(task.due_date or by, by)
    return task.completed_on is None or task.completed_on <= deadline


def _expected_periods(program: Program, year: int, today: dt.date) -> list[Period]:
    """The reporting periods of `year` whose deadline has passed by `today`."""
    period = Period.containing(dt.date(year, 1, 1), program.reporting_period)
    out = []
    while period.year == year:
        if period.end + dt.timedelta(days=REPORT_GRACE_DAYS) < today:
            out.append(period)
        period = period.next()
    return out


def score_units(
    *, program: Program, year: int, weights: dict[str, Decimal], today: dt.date | None = None
) -> list[UnitScore]:
    """Every responsible unit of the program scored for `year` by `weights` (0–100), ranked; every figure is
    as of the year's end, or of `today` (the program's today by default) while the year runs."""
    today = today or today_for(program)
    year_end = dt.date(year, 12, 31)
    by = min(year_end, today)
    plans = _program_plans(program)
    scores: dict[int, UnitScore] = {}

    def unit(org: Organization) -> UnitScore:
        if org.pk not in scores:
            scores[org.pk] = UnitScore(org, {key: Component() for key, _label, _w in COMPONENTS})
        return scores[org.pk]

    tasks = _tasks_for_year(program, year)
    for resp in Responsibility.objects.filter(task__in=tasks).select_related("task", "organization"):
        part = unit(resp.organization).parts["tasks_on_time"]
        part.total += 1
        part.done += 1 if done_on_time(resp.task, by) else 0

    achieved = achieved_by_allocation(program=program, as_of=by)
    allocations = (
        Allocation.objects.filter(target__plan__in=plans)
        .filter(
            Q(target__year=year)
            | (
                Q(target__year__isnull=True)
                & Q(
                    target__plan__in=plans.filter(
                        Q(start_year__isnull=True) | Q(start_year__lte=year),
                        Q(end_year__isnull=True) | Q(end_year__gte=year),
                    )
                )
            )
        )
        .select_related("target", "organization")
    )
    for alloc in allocations:
        part = unit(alloc.organization).parts["targets_reached"]
        part.total += 1
        part.done += credit(alloc.target.comparator, alloc.value, achieved.get(alloc.pk))

    lines = FundingLine.objects.filter(plan__in=plans, year=year, source_organization__isnull=False)
    planned = defaultdict(Decimal)
    for line in lines.select_related("source_organization"):
        unit(line.source_organization)
        planned[line.source_organization_id] += line.amount
    spent = dict(
        Transaction.objects.spent()
        .filter(date__year=year, date__lte=by)
        .filter(Q(funding_line__in=lines) | Q(funding_line__isnull=True, project__program=program))
        .values_list("payer_id")
        .annotate(total=Sum("amount"))
        .values_list("payer_id", "total")
    )
    for org_id, amount in planned.items():
        if amount > 0:
            part = scores[org_id].parts["funds_spent"]
            part.total, part.done = amount, min(spent.get(org_id, Decimal(0)), amount)

    periods = _expected_periods(program, year, today)
    if periods:
        reports = Report.objects.filter(
            program=program, organization_id__in=list(scores), period__in=[str(p) for p in periods]
        )
        on_time = defaultdict(int)
        for report in reports.exclude(submitted_at__isnull=True):
            deadline = report.period.end + dt.timedelta(days=REPORT_GRACE_DAYS)
            if local_date(report.submitted_at, program) <= deadline:
                on_time[report.organization_id] += 1
        for org_id, s in scores.items():
            s.parts["reports_on_time"].total = Decimal(len(periods))
            s.parts["reports_on_time"].done = Decimal(on_time[org_id])

    for s in scores.values():
        applicable = [(weights[key], s.parts[key].close().ratio) for key, _l, _w in COMPONENTS]
        weight_sum = sum((w for w, r in applicable if r is not None), Decimal(0))
        points = sum((w * r for w, r in applicable if r is not None), Decimal(0))
        s.score = _q2(points / weight_sum * HUNDRED) if weight_sum > 0 else Decimal("0.00")
    ranked = sorted(scores.values(), key=lambda s: (-s.score, s.organization.full_name))
    for i, s in enumerate(ranked):
        # Competition ranking: equal scores share a rank, the next rank skips (1, 1, 3).
        s.rank = ranked[i - 1].rank if i and s.score == ranked[i - 1].score else i + 1
    return ranked


def rule_weights(rule: AssessmentRule) -> dict[str, Decimal]:
    return {key: Decimal(getattr(rule, attr)) for key, _label, attr in COMPONENTS}


def breakdown_of(s: UnitScore, weights: dict[str, Decimal]) -> dict:
    """The stored breakdown: per part, items met / items, ratio, weight and points (JSON-ready)."""
    weight_sum = sum((weights[k] for k, _l, _a in COMPONENTS if s.parts[k].ratio is not None), Decimal(0))
    out = {}
    for key, label, _attr in COMPONENTS:
        part = s.parts[key]
        points = (
            (weights[key] * part.ratio / weight_sum * HUNDRED)
            if part.ratio is not None and weight_sum
            else None
        )
        out[key] = {
            "label": str(label),
            "done": float(part.done),
            "total": float(part.total),
            "ratio": None if part.ratio is None else float(_q2(part.ratio * HUNDRED)) / 100,
            "weight": float(weights[key]),
            "points": None if points is None else float(_q2(points)),
        }
    return out


def compute_assessment(*, rule: AssessmentRule, user=None, today: dt.date | None = None) -> list[Assessment]:
    """Score every responsible unit of the rule's program for its year; replaces earlier results of the rule."""
    if user is not None:
        workflow.require(user, "assessments.compute", message=_("无权计算考核结果"))
    published = AssessmentRule.objects.filter(pk=rule.pk).values_list("published_at", flat=True).first()
    if published is not None:
        from django.core.exceptions import ValidationError

        raise ValidationError(
            _("考核结果已于 %(date)s 发布，已按当时的数据冻结，不能重新计算")
            % {"date": local_date(published, rule.program).isoformat()}
        )
    weights = rule_weights(rule)
    if sum(weights.values()) <= 0:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("考核规则 %(rule)s 的权重之和为 0，无法计分") % {"rule": rule})
    with transaction.atomic():
        scored = score_units(program=rule.program, year=rule.year, weights=weights, today=today)
        for old in Assessment.objects.filter(rule=rule):
            old.delete()
        return [
            Assessment.objects.create(
                rule=rule,
                organization=s.organization,
                score=s.score,
                rank=s.rank,
                breakdown=breakdown_of(s, weights),
            )
            for s in scored
        ]


@transaction.atomic
def publish_assessment(*, rule: AssessmentRule, user) -> AssessmentRule:
    """Office: publish computed results. They are frozen with the figures they used (each breakdown), and every
    reporting period of the year locks today, so the figures under them cannot move either."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not perms.is_office(user):
        raise PermissionDenied(_("只有对口办可以发布考核结果"))
    rule = AssessmentRule.objects.select_for_update().get(pk=rule.pk)
    if rule.published_at is not None:
        raise ValidationError(_("考核结果已发布"))
    if not rule.assessments.exists():
        raise ValidationError(_("请先计算考核结果再发布"))
    kind = rule.program.reporting_period
    count = {MONTH: 12, QUARTER: 4}.get(kind, 1)
    today = today_for(rule.program)
    for number in range(1, count + 1):
        period = Period(rule.year, kind, number)
        lock = PeriodLock.objects.filter(program=rule.program, period=period).first()
        if lock is None or not lock.locked_on(today):
            close_period(program=rule.program, period=period, closes_on=today, user=user)
    from django.utils import timezone

    rule.published_at, rule.published_by = timezone.now(), user
    rule.save()
    return rule


# ---------------------------------------------------------------- bulletin figures


@dataclass
class UnitCompletion:
    """One unit's tasks as of a date: responsible for, completed, completed on time, overdue."""

    organization: Organization
    total: int = 0
    completed: int = 0
    on_time: int = 0
    overdue: int = 0
    rank: int = 0

    @property
    def rate(self) -> Decimal:
        return _q2(Decimal(self.completed) / self.total * HUNDRED) if self.total else Decimal("0.00")


@dataclass
class BulletinFigures:
    """Everything a bulletin states for one program and period."""

    program: Program
    period: Period
    as_of: dt.date
    task_count: int
    completed: int
    units: list[UnitCompletion]
    overdue: list[Task]
    targets: list[tuple[Target, Decimal]]
    funds: list[tuple[FundingLine, Decimal]]
    ranking: list[UnitScore]

    @property
    def completion_rate(self) -> Decimal:
        return (
            _q2(Decimal(self.completed) / self.task_count * HUNDRED) if self.task_count else Decimal("0.00")
        )


def bulletin_figures(*, program: Program, period: Period | str) -> BulletinFigures:
    """Completion by unit, overdue items, targets against achieved and funds, as of the end of `period` (or of
    today while it runs): a past period's bulletin reads the same figures whenever it is printed."""
    if isinstance(period, str):
        period = Period.parse(period)
    as_of = min(period.end, today_for(program))
    plans = _program_plans(program)
    tasks = list(
        Task.objects.filter(plan__in=plans)
        .order_by("plan_id", "order")
        .prefetch_related("responsibilities__organization")
    )
    units: dict[int, UnitCompletion] = {}
    overdue = []
    for task in tasks:
        done = task.done_by(as_of)
        late = task.overdue_on(as_of)
        if late:
            overdue.append(task)
        for resp in task.responsibilities.all():
            if resp.role != Responsibility.LEAD:
                continue
            u = units.setdefault(resp.organization_id, UnitCompletion(resp.organization))
            u.total += 1
            u.completed += done
            u.on_time += done and done_on_time(task, as_of)
            u.overdue += late
    ranked_units = sorted(units.values(), key=lambda u: (-u.rate, u.overdue, u.organization.full_name))
    for i, u in enumerate(ranked_units):
        prev = ranked_units[i - 1] if i else None
        u.rank = prev.rank if prev and (prev.rate, prev.overdue) == (u.rate, u.overdue) else i + 1
    achieved = achieved_by_target(program=program, as_of=as_of)
    targets = [
        (t, achieved.get(t.pk, Decimal(0)))
        for t in Target.objects.filter(plan__in=plans).order_by("plan_id", "order")
    ]
    lines = list(
        FundingLine.objects.filter(plan__in=plans, year__lte=period.end.year).order_by("year", "order")
    )
    paid = dict(
        Transaction.objects.spent()
        .filter(funding_line__in=lines, date__lte=as_of)
        .values_list("funding_line_id")
        .annotate(total=Sum("amount"))
        .values_list("funding_line_id", "total")
    )
    funds = [(line, paid.get(line.pk, Decimal(0))) for line in lines]
    rule = AssessmentRule.objects.filter(program=program, year=period.year).first()
    weights = rule_weights(rule) if rule else rule_weights(AssessmentRule(program=program, year=period.year))
    ranking = score_units(
        program=program, year=period.year, weights=weights, today=as_of + dt.timedelta(days=1)
    )
    return BulletinFigures(
        program,
        period,
        as_of,
        len(tasks),
        sum(t.done_by(as_of) for t in tasks),
        ranked_units,
        overdue,
        targets,
        funds,
        ranking,
    )


# ---------------------------------------------------------------- Word documents


def _wan(amount: Decimal) -> str:
    """Yuan as a number of 万元 for a column headed （万元）."""
    return money.format_amount(amount)


def _number(value: Decimal) -> str:
    value = Decimal(value)
    return f"{int(value):,}" if value == value.to_integral_value() else f"{value.normalize():,}"


def bar_chart(labels: list[str], values: list[float], *, title: str, unit: str = "%") -> bytes:
    """A horizontal bar chart as PNG bytes, with a CJK font so unit names are legible."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font_path = getattr(settings, "DUIKOU_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    font = (
        font_manager.FontProperties(fname=font_path)
        if font_path and __import__("os").path.exists(font_path)
        else None
    )
    height = max(2.5, 0.35 * len(labels) + 1.2)
    fig, ax = plt.subplots(figsize=(7.5, height), dpi=150)
    try:
        positions = list(range(len(labels)))[::-1]
        ax.barh(positions, values, color="#c0392b")
        ax.set_yticks(positions)
        ax.set_yticklabels(labels, fontproperties=font, fontsize=9)
        ax.set_title(title, fontproperties=font, fontsize=12)
        for y, v in zip(positions, values, strict=True):
            ax.text(v, y, f" {v:g}{unit}", va="center", fontsize=8, fontproperties=font)
        ax.set_xlim(0, max([100.0, *values]) * 1.12)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
    finally:
        plt.close(fig)


def _gongwen(title: str, *, program: Program, doc_number: str | None, subtitle: str | None = None):
    """A 公文 of the program's office: its name as issuer, a 发文字号 (a blank number when none is given), today."""

    today = today_for(program)
    # The office's name heads the document and signs it; without one, the 发文字号 and date lines still stand.
    issuer = program.office.full_name if program.office_id else None
    return GongwenDocument(
        title=title,
        subtitle=subtitle,
        issuer=issuer,
        doc_number=doc_number or f"〔{today.year}〕　号",
        date=today,
    )


def write_bulletin(*, program: Program, period: Period | str, doc_number: str | None = None) -> bytes:
    """The 工作通报 for one program and period as a 公文 (.docx): totals, units, overdue items, targets, funds, ranking."""
    f = bulletin_figures(program=program, period=period)
    doc = _gongwen(
        f"{program.name}工作通报",
        program=program,
        doc_number=doc_number,
        subtitle=f"（{f.period.label}，数据截至{cn_date(f.as_of)}）",
    )
    doc.heading("一、总体情况")
    planned = sum((line.amount for line, _paid in f.funds), Decimal(0))
    paid = sum((p for _line, p in f.funds), Decimal(0))
    doc.paragraph(
        f"已发布方案共明确任务{f.task_count}项，已完成{f.completed}项，完成率{f.completion_rate}%；"
        f"逾期未完成{len(f.overdue)}项。量化目标{len(f.targets)}项。"
        f"计划安排资金{money.format_money(planned)}，已拨付{money.format_money(paid)}。"
    )
    doc.heading("二、各单位任务完成情况")
    doc.table(
        ["排名", "牵头单位", "牵头任务", "已完成", "按时完成", "逾期未完成", "完成率"],
        [
            [u.rank, u.organization.full_name, u.total, u.completed, u.on_time, u.overdue, f"{u.rate}%"]
            for u in f.units
        ],
        keep_whole=[1],
    )
    if f.units:
        shown = f.units[:25]
        png = bar_chart(
            [u.organization.name for u in shown], [float(u.rate) for u in shown], title="各单位任务完成率"
        )
        doc.picture(png, width_mm=150)
    doc.heading("三、逾期未完成事项")
    if f.overdue:
        doc.table(
            ["序号", "任务", "牵头单位", "完成时限", "状态"],
            [
                [
                    i,
                    f"{t.number} {t.title}".strip()[:200],
                    "\n".join(
                        r.printed_name for r in t.responsibilities.all() if r.role == Responsibility.LEAD
                    ),
                    t.deadline or (cn_date(t.due_date) if t.due_date else ""),
                    t.get_status_display(),
                ]
                for i, t in enumerate(f.overdue, start=1)
            ],
            keep_whole=[2],
        )
    else:
        doc.paragraph("本期无逾期未完成事项。")
    doc.heading("四、目标任务完成情况")
    if f.targets:
        doc.table(
            ["指标", "目标值", "已完成", "完成率"],
            [
                [
                    t.indicator[:120],
                    t.commitment,
                    t.format_value(done),
                    f"{_q2(t.progress_of(done) * HUNDRED)}%",
                ]
                for t, done in f.targets
            ],
        )
    else:
        doc.paragraph("方案未列明量化目标。")
    doc.heading("五、资金安排与拨付情况")
    if f.funds:
        doc.table(
            ["资金来源", "年度", "计划（万元）", "已拨付（万元）", "执行率"],
            [
                [
                    line.source,
                    line.year,
                    _wan(line.amount),
                    _wan(p),
                    f"{_q2(p / line.amount * HUNDRED) if line.amount else Decimal('0.00')}%",
                ]
                for line, p in f.funds
            ],
            keep_whole=[0],
        )
    else:
        doc.paragraph("方案未列明资金安排。")
    doc.heading("六、综合排名")
    doc.table(
        ["名次", "单位", "综合得分"],
        [[s.rank, s.organization.full_name, f"{s.score}"] for s in f.ranking],
        keep_whole=[1],
    )
    return doc.to_bytes()


def ordered_results(rule: AssessmentRule, results=None) -> list[Assessment]:
    """The rule's results (or the given, already restricted, queryset of them) by rank then unit name."""
    results = rule.assessments.all() if results is None else results
    return list(results.select_related("organization", "rule").order_by("rank", "organization__full_name"))


def write_assessment(*, rule: AssessmentRule, results=None, doc_number: str | None = None) -> bytes:
    """The year-end assessment of a rule as a 公文 (.docx): the weights, then each unit's score, breakdown and rank.

    `results` narrows the rows (a queryset already through the permission gate); default: every unit.
    """
    results = ordered_results(rule, results)
    doc = _gongwen(
        f"{rule.program.name}{rule.year}年度绩效考核结果", program=rule.program, doc_number=doc_number
    )
    doc.heading("一、考核办法")
    weights = rule_weights(rule)
    doc.paragraph(
        "；".join(f"{label}{_number(weights[key])}分" for key, label, _a in COMPONENTS)
        + f"。无相应事项的单位，该项权重按比例计入其余各项。月报在报告期结束后{REPORT_GRACE_DAYS}日内报送为按时。"
    )
    doc.heading("二、考核结果")
    headers = ["名次", "单位", "得分", *(label for _k, label, _a in COMPONENTS)]

    def part(a, key):
        p = a.breakdown.get(key) or {}
        if p.get("ratio") is None:
            return "—"
        return (
            f"{p['points']:.2f}（{p['done']:g}/{p['total']:g}）"
            if key != "funds_spent"
            else f"{p['points']:.2f}（{p['ratio'] * 100:.2f}%）"
        )

    doc.table(
        headers,
        [
            [a.rank, a.organization.full_name, f"{a.score}", *(part(a, k) for k, _l, _a in COMPONENTS)]
            for a in results
        ],
        keep_whole=[1],
    )
    if results:
        shown = results[:25]
        png = bar_chart(
            [a.organization.name for a in shown], [float(a.score) for a in shown], title="考核得分", unit=""
        )
        doc.picture(png, width_mm=150)
    return doc.to_bytes()


def assessment_columns() -> list[str]:
    """The header of the assessment table: rank, unit, score, then per part items met, items, ratio and points."""
    headers = ["名次", "单位", "得分"]
    for key, label, _a in COMPONENTS:
        unit = "（元）" if key == "funds_spent" else ""
        headers += [f"{label}完成{unit}", f"{label}总数{unit}", f"{label}完成率（%）", f"{label}得分"]
    return headers


def assessment_rows(results: list[Assessment]):
    """One list of cell values per result, matching `assessment_columns()`; blank where a part does not apply."""
    for a in results:
        row = [a.rank, a.organization.full_name, float(a.score)]
        for key, _label, _a in COMPONENTS:
            p = a.breakdown.get(key) or {}
            if p.get("ratio") is None:
                row += [None, None, None, None]
            else:
                row += [p["done"], p["total"], float(_q2(Decimal(str(p["ratio"])) * HUNDRED)), p["points"]]
        yield row


def write_assessment_xlsx(*, rule: AssessmentRule, results=None) -> bytes:
    """The same table as the page and the .docx, as a one-sheet workbook."""

    rows = assessment_rows(ordered_results(rule, results))
    widths = [6, 30, 8] + [12, 12, 12, 10] * len(COMPONENTS)
    return write_sheet(f"{rule.year}年度考核", assessment_columns(), rows, widths=widths)
