"""The task queue: long work off the request path, with progress a page can show.

A page (or the API) calls `start(kind, user=…, title=…, **params)`: a `Job` row (core.models) and a django-tasks
task are written in the caller's transaction, so the work starts only if the request commits, and the worker
(`duikou worker`, which `duikou serve` starts beside the web workers) finds both in the database — SQLite or
PostgreSQL, no broker. The worker runs the function registered for the kind in an app's `jobs.py` (`@job(kind)`),
handing it a `Run` that records progress (`run.progress(done, total, step)`) and where to write a file
(`run.output(name)`); the page `/jobs/<id>/` polls the row (htmx) and offers the file or the next page when done.

Nothing is lost if the worker dies: a running job beats its heart every few seconds; `recover()` (run by every
worker, at start and then each minute) puts a job not heard of for DUIKOU_JOB_STALE_SECONDS back in the queue, up
to MAX_ATTEMPTS times. A job's writes are therefore transactional services (all or nothing) or files rewritten
whole; e-mail and webhooks go out on commit only.

With the immediate backend (DUIKOU_TASKS_BACKEND=immediate, the tests) `start` runs the job before returning.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import OperationalError, close_old_connections, connection
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus, task
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from .actor import acting_as, current_actor
from .errors import InputError
from .models import Job

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
HEARTBEAT_SECONDS = 10
PROGRESS_SECONDS = 0.5  # progress is written at most this often (the last step always)

_kinds: dict[str, Callable] = {}


class JobFailed(InputError):
    """A job that cannot be done for a reason its user should read; `details` go to the result (a plan's id …)."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


def job(kind: str):
    """Register `function(run, **params) -> dict` as the work of jobs of `kind` (in an app's jobs.py)."""

    def register(function: Callable) -> Callable:
        _kinds[kind] = function
        return function

    return register


def kinds() -> dict[str, Callable]:
    return dict(_kinds)


def folder(job_id: int) -> Path:
    return Path(settings.DUIKOU_JOBS_DIR) / str(job_id)


def staging(kind: str) -> Path:
    """Where uploads of `kind` wait for the worker (a task table between its preview and its application)."""
    return Path(settings.DUIKOU_JOBS_DIR) / "uploads" / kind


class Run:
    """What a job function is handed: its Job row, who asked, progress, and where to write its output."""

    def __init__(self, job: Job):
        self.job = job
        self.user = job.user
        self._written = 0.0

    def progress(self, done: int, total: int | None = None, step: str | None = None, *, force=False) -> None:
        """Record how far the work got; written at most twice a second unless `force` (the page polls it)."""
        self.job.done = max(0, int(done))
        if total is not None:
            self.job.total = max(0, int(total))
        if step is not None:
            self.job.step = str(step)[:200]
        now = time.monotonic()
        if force or now - self._written >= PROGRESS_SECONDS:
            self._written = now
            Job.objects.filter(pk=self.job.pk).update(
                done=self.job.done, total=self.job.total, step=self.job.step, heartbeat=timezone.now()
            )

    def counted(self, rows, total: int, step: str, every: int = 1000):
        """`rows` passed through, the progress counted on the way (an export's rows, a table's lines)."""
        self.progress(0, total, step, force=True)
        for n, row in enumerate(rows, start=1):
            if n % every == 0:
                self.progress(n, total, step)
            yield row
        self.progress(total, total, step, force=True)

    def output(self, filename: str) -> Path:
        """The path the job writes its file to (under DATA_DIR/jobs/<id>/); the download serves it."""
        path = folder(self.job.pk) / "out"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.job.result["file"] = filename
        return path


def file_response(job: Job, *, stream: bool = True) -> HttpResponse:
    """The job's file as a download named as the job said (streamed from disk, or read whole when small)."""
    path = folder(job.pk) / "out"
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


def go_on(request, job: Job) -> HttpResponse:
    """To where a finished job leads, its messages shown there once."""
    for level, text in job.result.get("messages", []):
        messages.add_message(request, getattr(messages, level.upper(), messages.INFO), text)
    return redirect(job.result["redirect"])


def answer(request, job: Job) -> HttpResponse:
    """The answer to the request that started `job`: its page while it runs (or if it failed); once done (the
    immediate backend), at once its file or its next page."""
    if job.status == Job.DONE:
        if job.result.get("file"):
            return file_response(job, stream=False)
        if job.result.get("redirect"):
            return go_on(request, job)
    return redirect("jobs:page", pk=job.pk)


def start(kind: str, *, user, title: str, **params) -> Job:
    """Queue one job (in the caller's transaction) and return its row — already finished with the immediate
    backend. `params` must be JSON (ids, not objects)."""
    if kind not in _kinds:
        raise KeyError(f"unknown job kind {kind!r}")
    row = Job.objects.create(
        kind=kind,
        title=str(title)[:200],
        params=params,
        user=user if getattr(user, "pk", None) else None,
        request_id=current_actor().request_id,
        language=translation.get_language() or "",
    )
    _enqueue(row)
    row.refresh_from_db()
    return row


def _enqueue(row: Job) -> None:
    result = run_job.enqueue(row.pk)
    Job.objects.filter(pk=row.pk).update(task_id=str(result.id)[:64])


def _beat(job_id: int, stop: threading.Event) -> None:
    """The running job's heartbeat, in its own thread (and database connection)."""
    try:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                Job.objects.filter(pk=job_id, status=Job.RUNNING).update(heartbeat=timezone.now())
            except Exception:  # a locked SQLite file, a database restart: the next beat tries again
                log.warning("job %s: heartbeat not written", job_id, exc_info=True)
    finally:
        connection.close()


@task()
def run_job(job_id: int) -> str:
    """The one task on the queue: claim the job (only one worker can), run its kind's function, record the end."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.QUEUED).update(
        status=Job.RUNNING, started_at=now, heartbeat=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return "not queued"  # finished, failed or taken up by another worker meanwhile
    row = Job.objects.select_related("user").get(pk=job_id)
    stop = threading.Event()
    beating = None
    if not isinstance(run_job.get_backend(), ImmediateBackend):
        beating = threading.Thread(
            target=_beat, args=(job_id, stop), name=f"job-{job_id}-heartbeat", daemon=True
        )
        beating.start()
    run = Run(row)
    status, error = Job.DONE, ""
    try:
        with (
            translation.override(row.language or settings.LANGUAGE_CODE),
            acting_as(row.user, source="job", request_id=row.request_id or None),
        ):
            result = _kinds[row.kind](run, **row.params) or {}
        row.result = {**row.result, **result}
    except InputError as exc:  # the user's problem: the page shows it as the form would
        status, error = Job.FAILED, str(exc)
        row.result = {**row.result, **getattr(exc, "details", {})}
    except Exception:  # a bug or an outage: logged with its traceback, the page says so without it
        log.exception("job %s (%s) failed", job_id, row.kind)
        with translation.override(row.language or settings.LANGUAGE_CODE):
            error = _("后台任务出错（任务 %(id)s），已记录，请联系管理员") % {"id": job_id}
        status = Job.FAILED
    finally:
        stop.set()
        if beating is not None:
            beating.join(HEARTBEAT_SECONDS + 5)
    Job.objects.filter(pk=job_id).update(
        status=status,
        error=error,
        result=row.result,
        done=run.job.total if status == Job.DONE and run.job.total else run.job.done,
        total=run.job.total,
        step=run.job.step,
        finished_at=timezone.now(),
    )
    return status


def recover(*, now: dt.datetime | None = None) -> int:
    """Put back in the queue every running job whose worker has not been heard of for DUIKOU_JOB_STALE_SECONDS
    (killed, out of memory, the machine restarted); after MAX_ATTEMPTS such deaths the job fails. Returns how many
    jobs were put back."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.DUIKOU_JOB_STALE_SECONDS)
    requeued = 0
    for row in Job.objects.filter(status=Job.RUNNING, heartbeat__lt=stale):
        # The dead worker's task row would stay "running" for ever: close it.
        DBTaskResult.objects.filter(id=row.task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED, finished_at=now
        )
        if row.attempts >= MAX_ATTEMPTS:
            Job.objects.filter(pk=row.pk, status=Job.RUNNING, heartbeat=row.heartbeat).update(
                status=Job.FAILED,
                finished_at=now,
                error=_("后台任务处理进程已 %(n)d 次中断，已停止重试") % {"n": row.attempts},
            )
            continue
        if Job.objects.filter(pk=row.pk, status=Job.RUNNING, heartbeat=row.heartbeat).update(
            status=Job.QUEUED
        ):
            _enqueue(row)
            requeued += 1
            log.warning("job %s (%s) taken up again after its worker stopped", row.pk, row.kind)
    return requeued


def prune(*, now: dt.datetime | None = None) -> int:
    """Remove jobs finished more than DUIKOU_JOB_KEEP_DAYS ago, their files, and the queue's finished rows."""
    now = now or timezone.now()
    before = now - dt.timedelta(days=settings.DUIKOU_JOB_KEEP_DAYS)
    old = list(Job.objects.filter(finished_at__lt=before).values_list("pk", flat=True))
    for pk in old:
        shutil.rmtree(folder(pk), ignore_errors=True)
    Job.objects.filter(pk__in=old).delete()
    DBTaskResult.objects.filter(finished_at__lt=before).delete()
    return len(old)


def work(stop: threading.Event, *, once: bool = False, interval: float = 1.0) -> int:
    """The worker's loop: recover, run every ready task, wait `interval`; `once` stops when the queue is empty.
    Returns the number of tasks run. `stop` (set by SIGTERM) lets the task in hand finish and takes no other."""
    ran = 0
    last_recovery: float | None = None
    while not stop.is_set():
        _fresh_connections()
        try:
            if last_recovery is None or time.monotonic() - last_recovery >= 60:
                recover()
                prune()
                last_recovery = time.monotonic()
            ran += _run_ready(stop)
        except Exception:  # the worker must outlive a database restart; `once` (tests, scripts) says so
            if once:
                raise
            log.exception("worker pass failed")
            stop.wait(max(interval, 5))
        finally:
            _fresh_connections()
        if once:
            break
        stop.wait(interval)
    return ran


def _fresh_connections() -> None:
    """Drop a broken or outlived database connection between tasks (never inside a transaction: a test's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _run_ready(stop: threading.Event) -> int:
    """Run the tasks ready now, one at a time, each claimed under a row lock (SKIP LOCKED on PostgreSQL, an
    exclusive transaction on SQLite), so several workers never run one task twice. django-tasks-db's worker
    runs each task and records its end."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    ran = 0
    while not stop.is_set():
        ready = DBTaskResult.objects.ready().filter(backend_name="default")
        try:
            with exclusive_transaction(ready.db):
                found = ready.get_locked()
                if found is not None:
                    found.claim(worker.worker_id)
        except OperationalError as exc:
            if is_locked_database_exception(exc):
                return ran  # another worker holds SQLite's lock: try again next pass
            raise
        if found is None:
            return ran
        worker.run_task(found)
        ran += 1
    return ran
