"""Supervision's long work on the queue (core/jobs.py): the office's "run the escalation now" (every published
task of every program at national scale) runs on the worker, like the daily run does in the scheduler."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from duikou.core import jobs

from . import notices


@jobs.job("supervision.escalate")
def escalate(run: jobs.Run) -> dict:
    run.progress(0, None, _("检查逾期任务"), force=True)
    raised = notices.escalate()
    return {
        "raised": raised,
        "messages": [["success", _("督办检查完成：新增 %(n)d 份督办") % {"n": raised}]],
        "redirect": reverse("supervision:notices"),
    }
