"""The import wizard's long work on the queue (core/jobs.py): reading an upload (OCR of a scan takes seconds a
page: the page shows them one by one) and publishing a draft (one transaction, all or nothing)."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from duikou.core import jobs
from duikou.core.errors import InputError
from duikou.programs.models import Program

from . import imports, stats
from .models import ImportDraft

STEPS = {"OCR": _lazy("文字识别")}


def _staged(token: str) -> Path:
    if len(token) != 32 or not all(c in "0123456789abcdef" for c in token):
        raise InputError(_("上传的文件已失效，请重新上传"))
    return jobs.staging("plans") / token


def start_reading(*, name: str, raw: bytes, user, program: Program | None):
    """Queue the reading of an upload; its bytes wait in the jobs' staging folder until the job reads them."""
    token = secrets.token_hex(16)
    path = _staged(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return jobs.start(
        "web.read_upload",
        user=user,
        title=_("读取方案文件：%(name)s") % {"name": name},
        name=name,
        program=program.pk if program else None,
        upload=token,
    )


@jobs.job("web.read_upload")
def read_upload(run: jobs.Run, *, name: str, program: int | None, upload: str) -> dict:
    path = _staged(upload)
    if not path.exists():
        raise jobs.JobFailed(
            _("上传的文件已失效，请重新上传"), links=[[_("重新上传"), reverse("web:import")]]
        )
    raw = path.read_bytes()

    def progress(done: int, total: int, what: str) -> None:
        step = _("%(what)s：第 %(done)d / %(total)d 页") % {
            "what": STEPS.get(what, what),
            "done": done,
            "total": total,
        }
        run.progress(done, total, step)

    run.progress(0, None, _("读取文件"), force=True)
    try:
        draft = imports.create_draft(
            name=name,
            raw=raw,
            user=run.user,
            program=Program.objects.filter(pk=program).first() if program else None,
            progress=progress,
            seconds=settings.DUIKOU_JOB_PARSE_SECONDS,
            memory_bytes=settings.DUIKOU_JOB_PARSE_MEMORY_BYTES,
        )
    except imports.DuplicatePlan as exc:
        raise jobs.JobFailed(
            str(exc),
            duplicate=exc.plan.pk,
            links=[[_("查看已导入的方案"), reverse("plans:detail", args=[exc.plan.pk])]],
        ) from None
    except InputError as exc:
        raise jobs.JobFailed(str(exc), links=[[_("重新上传"), reverse("web:import")]]) from None
    finally:
        path.unlink(missing_ok=True)
    return {"draft": draft.pk, "redirect": reverse("web:import_review", args=[draft.pk])}


@jobs.job("web.publish")
def publish(run: jobs.Run, *, draft: int) -> dict:
    row = ImportDraft.objects.get(pk=draft)
    run.progress(0, None, _("发布方案（一个事务：全部写入或全部不写）"), force=True)
    try:
        result = imports.publish_draft(draft=row, user=run.user)
    except InputError as exc:
        raise jobs.JobFailed(
            str(exc), links=[[_("返回审核页"), reverse("web:import_review", args=[draft])]]
        ) from None
    c = result.counts
    notes = [
        [
            "success",
            _("方案已发布：%(tasks)s 项任务，%(resp)s 个责任分工，%(targets)s 个目标")
            % {
                "tasks": c.get("tasks", 0),
                "resp": c.get("responsibilities", 0),
                "targets": c.get("targets", 0),
            },
        ]
    ] + [["warning", str(note)] for note in result.notes]
    return {
        "plan": result.plan.pk,
        "messages": notes,
        "redirect": reverse("plans:detail", args=[result.plan.pk]),
    }


@jobs.job("web.refresh_dashboard")
def refresh_dashboard(run: jobs.Run) -> dict:
    """The dashboard's figures over everything computed afresh (web.stats.whole_snapshot asks for it)."""
    run.progress(0, None, _("统计全部任务的红黄绿灯"), force=True)
    row = stats.refresh_snapshot()
    return {"version": row.version}
