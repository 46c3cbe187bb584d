"""The exchange app's long work on the queue (core/jobs.py): the national-scale exports (built to a file, row by
row, the page counting them), the 工作通报 with its charts, and applying a 任务分工 table (one transaction)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from duikou.assessments.documents import write_bulletin
from duikou.core import jobs
from duikou.core.errors import InputError
from duikou.core.periods import Period
from duikou.plans.models import Plan
from duikou.programs.models import Program

from . import exports
from .tasktable import apply_task_table, read_for_plan

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@jobs.job("exchange.allocations")
def allocations(run: jobs.Run, *, plan: int | None = None, program: int | None = None) -> dict:
    rows = exports.allocation_rows(run.user, plan_id=plan, program_id=program)
    total = exports.allocation_count(run.user, plan_id=plan, program_id=program)
    exports.allocations_xlsx_to(run.output("目标分解.xlsx"), run.counted(rows, total, _("写入目标分解")))
    return {"content_type": XLSX, "rows": total}


@jobs.job("exchange.reports")
def reports(run: jobs.Run, *, program: int | None = None, status: str | None = None) -> dict:
    rows = exports.report_rows(run.user, program_id=program, status=status)
    total = exports.report_count(run.user, program_id=program, status=status)
    exports.reports_xlsx_to(run.output("月报.xlsx"), run.counted(rows, total, _("写入月报")))
    return {"content_type": XLSX, "reports": total}


@jobs.job("exchange.bulletin")
def bulletin(run: jobs.Run, *, program: int, period: str, doc_number: str | None = None) -> dict:
    found = Program.objects.get(pk=program)
    period = Period.parse(period)
    run.progress(0, None, _("统计数据、绘制图表"), force=True)
    data = write_bulletin(program=found, period=period, doc_number=doc_number)
    run.output(f"{found.name}工作通报-{period.label}.docx").write_bytes(data)
    return {"content_type": DOCX}


def tasktable_upload(digest: str):
    """Where an uploaded 任务分工 table waits between its preview and its application."""
    if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
        raise InputError(_("上传的文件已失效，请重新上传"))
    return jobs.staging("tasktables") / f"{digest}.xlsx"


@jobs.job("exchange.apply_task_table")
def apply_table(run: jobs.Run, *, plan: int, upload: str) -> dict:
    found = Plan.objects.get(pk=plan)
    page = reverse("exchange:tasktable_import", args=[found.pk])
    path = tasktable_upload(upload)
    if not path.exists():
        raise jobs.JobFailed(_("上传的文件已失效，请重新上传"), links=[[_("返回任务分工表"), page]])
    run.progress(0, None, _("应用任务分工表（一个事务：全部写入或全部不写）"), force=True)
    try:
        result = apply_task_table(plan=found, table=read_for_plan(found, path), user=run.user)
    except InputError as exc:
        raise jobs.JobFailed(str(exc), links=[[_("返回任务分工表"), page]]) from None
    path.unlink(missing_ok=True)
    c = result.diff.counts
    done = _("已应用：新增 %(a)s 项，删除 %(r)s 项，修改 %(c)s 项。") % {
        "a": c["added"],
        "r": c["removed"],
        "c": c["changed"],
    }
    return {
        "counts": c,
        "messages": [["success", done]] + [["warning", str(n)] for n in result.notes],
        "redirect": page,
    }
