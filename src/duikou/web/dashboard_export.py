"""The leaders' dashboard as files: an .xlsx workbook (one sheet per table) and a 公文-format .docx.

Both take the same figures the page shows (web.stats.dashboard), through the same permission gate.
"""

from __future__ import annotations

from decimal import Decimal

from duikou.core import money, sheets
from duikou.core.dates import cn_date, today_for
from duikou.core.gongwen import GongwenDocument

from . import stats

# An export lists every program the user may see, page after page of the dashboard, up to this many.
MAX_PROGRAMS = 5_000
PROGRAM_HEADERS = ["对口关系", "红黄绿灯", "任务", "已完成", "逾期", "完成率（%）", "目标达成", "目标",
                   "计划资金（万元）", "已到账（万元）", "执行率（%）"]  # fmt: skip
UNIT_HEADERS = [
    "单位",
    "红黄绿灯",
    "承担任务",
    "牵头",
    "已完成",
    "逾期",
    "完成率（%）",
    "分解目标",
    "支付到账（万元）",
]


def _light(row) -> str:
    """The row's light (web.stats took it from supervision.lights) in words."""
    from duikou.supervision.lights import LABELS

    return str(LABELS.get(row.get("light"), ""))


def dashboard_figures(user) -> dict:
    """The dashboard's figures with every program (not one page of them)."""
    first = stats.dashboard(user, page=1)
    programs = list(first["programs"])
    paginator = first["programs_page"].paginator
    for number in range(2, paginator.num_pages + 1):
        if len(programs) >= MAX_PROGRAMS:
            break
        programs += stats.dashboard(user, page=number)["programs"]
    return {**first, "programs": programs[:MAX_PROGRAMS]}


def _percent(value) -> float | None:
    return None if value is None else round(float(value) * 100, 2)


def _program_row(r) -> list:
    return [r["program"].name, _light(r), r["tasks"], r["completed"], r["overdue"], _percent(r.get("completion")),
            r["reached"], r["targets"], float(money.in_unit(r["planned"])), float(money.in_unit(r["disbursed"])),
            _percent(r.get("execution"))]  # fmt: skip


def _unit_row(u) -> list:
    return [u["organization__full_name"], _light(u), u["tasks"], u["lead"], u["completed"], u["overdue"],
            _percent(u.get("completion")), u["allocations"], float(money.in_unit(u["disbursed"] or Decimal(0)))]  # fmt: skip


def dashboard_xlsx(user) -> bytes:
    data = dashboard_figures(user)
    specs = []
    for title, headers, rows in (
        ("按对口关系", PROGRAM_HEADERS, [_program_row(r) for r in data["programs"]]),
        ("按责任单位", UNIT_HEADERS, [_unit_row(u) for u in data["units"]]),
    ):
        specs.append(
            sheets.Sheet(
                title,
                headers,
                rows,
                widths=[36] + [max(10, len(h) * 2) for h in headers[1:]],
                formats={i: sheets.MONEY_FORMAT for i, h in enumerate(headers) if "万元" in h},
            )
        )
    return sheets.write_book(specs)


def dashboard_docx(user) -> bytes:
    data = dashboard_figures(user)
    t = data["totals"]
    today = today_for()
    doc = GongwenDocument(title="对口支援协作工作总览", subtitle=f"（数据截至{cn_date(today)}）", date=today)
    doc.heading("一、总体情况")
    doc.paragraph(
        f"共有任务{t['tasks']}项，已完成{t['completed']}项，完成率{_percent(t.get('completion')) or 0}%；"
        f"逾期{t['overdue']}项。量化目标{t['targets']}项，已达成{t['reached']}项。"
        f"计划资金{money.format_money(t['planned'])}，已到账{money.format_money(t['disbursed'])}，"
        f"执行率{_percent(t.get('execution')) or 0}%。"
    )
    doc.heading("二、各对口关系进展")
    doc.table(
        ["对口关系", "红黄绿灯", "任务", "已完成", "逾期", "完成率", "计划（万元）", "到账（万元）"],
        [[r["program"].name, _light(r), r["tasks"], r["completed"], r["overdue"], f"{_percent(r.get('completion')) or 0}%",
          money.format_amount(r["planned"]), money.format_amount(r["disbursed"])] for r in data["programs"]],
        keep_whole=[0],
    )  # fmt: skip
    doc.heading("三、各责任单位进展")
    doc.table(
        ["单位", "红黄绿灯", "承担任务", "已完成", "逾期", "完成率", "到账（万元）"],
        [[u["organization__full_name"], _light(u), u["tasks"], u["completed"], u["overdue"],
          f"{_percent(u.get('completion')) or 0}%", money.format_amount(u["disbursed"])] for u in data["units"]],
        keep_whole=[0],
    )  # fmt: skip
    return doc.to_bytes()
