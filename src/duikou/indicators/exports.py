"""The indicator table as the national statistical form lays it out: a header block, then one row per indicator."""

from __future__ import annotations

from duikou.core import sheets
from duikou.core.dates import today_for

from .services import Progress

COLUMNS = ["序号", "指标", "单位", "协议数", "完成数", "完成率（%）"]


def _label(line) -> str:
    indicator = line.indicator
    if not indicator.parent_id:
        return indicator.name
    return (
        f"    其中：{indicator.name}" if indicator.relation == indicator.OF_WHICH else f"    {indicator.name}"
    )


def _rows(lines):
    number = 0
    for line in lines:
        if not line.indicator.parent_id:
            number += 1
        yield [
            number if not line.indicator.parent_id else "",
            _label(line),
            line.indicator.unit,
            None if line.agreed is None else float(line.agreed),
            float(line.achieved),
            None if line.rate is None else float(line.rate),
        ]


def write_xlsx(progress: Progress, *, scope: str) -> bytes:
    """One sheet for the whole (全国 or the program), and one per place when a level below was asked for."""

    def sheet(name: str, title: str, lines) -> sheets.Sheet:
        return sheets.Sheet(
            name,
            COLUMNS,
            _rows(lines),
            widths=(6, 34, 8, 14, 14, 12),
            caption=f"{progress.year}年东西部协作主要指标完成情况统计表",
            above=[
                [
                    f"填报范围：{title}",
                    "",
                    "",
                    f"统计年度：{progress.year}年",
                    "",
                    f"填报日期：{today_for():%Y年%m月%d日}",
                ]
            ],
            formats={3: "#,##0.##", 4: "#,##0.##", 5: "0.0"},
            borders=True,
        )

    return sheets.write_book(
        [sheet("汇总", scope, progress.lines)] + [sheet(g.name, g.name, g.lines) for g in progress.groups]
    )
