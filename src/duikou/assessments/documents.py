"""The assessment's files: the bulletin and the assessment as 公文 (.docx, with charts) and the assessment table as
.xlsx (core.sheets)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from duikou.core import money
from duikou.core.dates import cn_date, today_for
from duikou.core.gongwen import GongwenDocument
from duikou.core.periods import Period
from duikou.core.sheets import write_sheet
from duikou.plans.models import Responsibility
from duikou.programs.models import Program

from .bulletins import bulletin_figures
from .models import Assessment, AssessmentRule
from .scoring import COMPONENTS, HUNDRED, REPORT_GRACE_DAYS, q2, rule_weights


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
                    f"{q2(t.progress_of(done) * HUNDRED)}%",
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
                    f"{q2(p / line.amount * HUNDRED) if line.amount else Decimal('0.00')}%",
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
                row += [p["done"], p["total"], float(q2(Decimal(str(p["ratio"])) * HUNDRED)), p["points"]]
        yield row


def write_assessment_xlsx(*, rule: AssessmentRule, results=None) -> bytes:
    """The same table as the page and the .docx, as a one-sheet workbook."""

    rows = assessment_rows(ordered_results(rule, results))
    widths = [6, 30, 8] + [12, 12, 12, 10] * len(COMPONENTS)
    return write_sheet(f"{rule.year}年度考核", assessment_columns(), rows, widths=widths)
