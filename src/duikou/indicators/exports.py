"""The indicator table as the national statistical form lays it out: a header block, then one row per indicator."""

from __future__ import annotations

import io

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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    book = Workbook()
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)

    def sheet(ws, title: str, lines) -> None:
        ws.append([f"{progress.year}年东西部协作主要指标完成情况统计表"])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
        ws["A1"].font = Font(name="方正小标宋简体", size=16)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(
            [
                f"填报范围：{title}",
                "",
                "",
                f"统计年度：{progress.year}年",
                "",
                f"填报日期：{today_for():%Y年%m月%d日}",
            ]
        )
        ws.append(COLUMNS)
        for cell in ws[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
            cell.border = box
        for values in _rows(lines):
            ws.append(values)
            for cell in ws[ws.max_row]:
                cell.border = box
            ws.cell(ws.max_row, 4).number_format = ws.cell(ws.max_row, 5).number_format = "#,##0.##"
            ws.cell(ws.max_row, 6).number_format = "0.0"
        for letter, width in zip("ABCDEF", (6, 34, 8, 14, 14, 12), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A4"

    first = book.active
    first.title = "汇总"
    sheet(first, scope, progress.lines)
    used = {"汇总"}
    for group in progress.groups:
        name = _sheet_name(group.name, used)
        sheet(book.create_sheet(name), group.name, group.lines)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join(c for c in name if c not in "[]:*?/\\")[-28:] or "sheet"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base[:25]}-{n}", n + 1
    used.add(candidate)
    return candidate
