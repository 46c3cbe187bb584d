"""The page of one queued job: progress while it runs (htmx polls the status part), then its file or its next
page; only the person who started it sees it (an export carries what that person may see)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from . import jobs
from .models import Job


def _own(request, pk: int) -> Job:
    return get_object_or_404(Job, pk=pk, user=request.user)


@login_required
def page(request, pk: int):
    return render(request, "core/job.html", {"job": _own(request, pk)})


@login_required
def status(request, pk: int):
    """The status part the page polls; a finished job that leads to a page sends the browser there."""
    job = _own(request, pk)
    response = render(request, "core/_job_status.html", {"job": job})
    if job.status == Job.DONE and job.result.get("redirect") and request.htmx:
        response["HX-Redirect"] = reverse("jobs:next", args=[job.pk])
    return response


@login_required
def next_page(request, pk: int):
    """Where a finished job leads (the new plan, the draft to review), with its messages shown once there."""
    job = _own(request, pk)
    if job.status != Job.DONE or not job.result.get("redirect"):
        return redirect("jobs:page", pk=job.pk)
    return jobs.go_on(request, job)


@login_required
def download(request, pk: int):
    return jobs.file_response(_own(request, pk))


follow = jobs.answer  # the pages' name for it
