"""The page of one queued job: progress while it runs (htmx polls the status part), then its file or its next
page; only the person who started it sees it (an export carries what that person may see)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header

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
    for level, text in job.result.get("messages", []):
        messages.add_message(request, getattr(messages, level.upper(), messages.INFO), text)
    return redirect(job.result["redirect"])


@login_required
def download(request, pk: int):
    job = _own(request, pk)
    return file_response(job)


def file_response(job: Job, *, stream: bool = True) -> HttpResponse:
    """The job's file as a download named as the job said (streamed from disk, or read whole when small)."""
    path = jobs.folder(job.pk) / "out"
    if job.status != Job.DONE or not job.result.get("file") or not path.exists():
        raise Http404
    content_type = job.result.get("content_type") or "application/octet-stream"
    if stream:
        return FileResponse(
            path.open("rb"), as_attachment=True, filename=job.result["file"], content_type=content_type
        )
    response = HttpResponse(path.read_bytes(), content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, job.result["file"])
    return response


def follow(request, job: Job) -> HttpResponse:
    """The answer to the request that started `job`: its page while it runs (or if it failed); once done (the
    immediate backend), at once its file or its next page."""
    if job.status == Job.DONE:
        if job.result.get("file"):
            return file_response(job, stream=False)
        if job.result.get("redirect"):
            return next_page(request, job.pk)
    return redirect("jobs:page", pk=job.pk)
