"""The task queue (core/jobs.py) as it runs in production: django-tasks' database backend and `duikou worker`.

Every other test runs jobs inside the request (the immediate backend, tests/conftest.py); these queue them, show
their page while they wait, run the worker once, and take up a job whose worker died."""

import datetime as dt
import io
import json
import threading

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from duikou.core import jobs
from duikou.core.models import Job
from duikou.reader.limits import run_limited

from .conftest import SMALL_PLAN


@pytest.fixture
def queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _work_once() -> int:
    return jobs.work(threading.Event(), once=True)


def test_an_export_waits_on_the_queue_shows_its_progress_then_its_file(
    queue, small_plan, office_admin, make_user
):
    client = Client()
    client.force_login(office_admin)
    response = client.get(reverse("exchange:allocations_xlsx"), {"plan": small_plan.pk})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobs:page", args=[job.pk])
    assert job.status == Job.QUEUED and DBTaskResult.objects.filter(id=job.task_id).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page and 'hx-trigger="every 1s"' in page  # the page polls while it waits
    # Someone else's job is nobody else's business (an export holds what its owner may see).
    other = Client()
    other.force_login(make_user("office2", office_admin.role))
    assert other.get(response["Location"]).status_code == 404

    assert _work_once() == 1
    job.refresh_from_db()
    assert job.status == Job.DONE and job.attempts == 1 and job.total == job.done
    assert job.total == small_plan.targets.filter(allocations__isnull=False).values("allocations").count()
    status = client.get(reverse("jobs:status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in status and "hx-trigger" not in status
    assert reverse("jobs:download", args=[job.pk]) in status
    download = client.get(reverse("jobs:download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert sheet.max_row == job.total + 1  # the header, then one row per allocation counted
    assert DBTaskResult.objects.get(id=job.task_id).status == TaskResultStatus.SUCCESSFUL
    assert other.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_an_upload_is_read_by_the_worker_then_leads_to_its_review(queue, office_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.force_login(office_admin)
    data = json.dumps(SMALL_PLAN, ensure_ascii=False).encode()
    response = client.post(reverse("web:import"), {"file": SimpleUploadedFile("small.json", data)})
    job = Job.objects.get(kind="web.read_upload")
    assert response["Location"] == reverse("jobs:page", args=[job.pk])
    _work_once()
    job.refresh_from_db()
    assert job.status == Job.DONE, job.error
    status = client.get(reverse("jobs:status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Redirect"] == reverse("jobs:next", args=[job.pk])
    assert client.get(status["HX-Redirect"])["Location"] == reverse(
        "web:import_review", args=[job.result["draft"]]
    )
    # The same file again: refused by the worker, the job page says why and links to the plan it duplicates.
    client.post(reverse("web:import_publish", args=[job.result["draft"]]))
    _work_once()
    client.post(reverse("web:import"), {"file": SimpleUploadedFile("small.json", data)})
    _work_once()
    again = Job.objects.filter(kind="web.read_upload").order_by("-pk").first()
    assert again.status == Job.FAILED and "已导入" in again.error
    page = client.get(reverse("jobs:page", args=[again.pk])).content.decode()
    assert again.error in page and reverse("plans:detail", args=[again.result["duplicate"]]) in page


def test_a_job_whose_worker_died_is_taken_up_again(queue, small_plan, office_admin, settings):
    job = jobs.start("exchange.reports", user=office_admin, title="导出月报")
    # A worker claimed it and was killed (-9) mid-way: both rows say "running", its heart stopped.
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim("dead-worker")
    long_ago = timezone.now() - dt.timedelta(seconds=settings.DUIKOU_JOB_STALE_SECONDS + 1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.RUNNING, attempts=1, started_at=long_ago, heartbeat=long_ago
    )
    assert jobs.recover() == 1
    job.refresh_from_db()
    assert job.status == Job.QUEUED and job.task_id != task.id
    assert DBTaskResult.objects.get(id=task.id).status == TaskResultStatus.FAILED
    assert jobs.recover() == 0  # queued, not running: nothing more to take up
    _work_once()
    job.refresh_from_db()
    assert job.status == Job.DONE and job.attempts == 2 and job.result["file"] == "月报.xlsx"
    # A job that kills its worker every time stops being retried.
    Job.objects.filter(pk=job.pk).update(status=Job.RUNNING, attempts=jobs.MAX_ATTEMPTS, heartbeat=long_ago)
    assert jobs.recover() == 0
    job.refresh_from_db()
    assert job.status == Job.FAILED and str(jobs.MAX_ATTEMPTS) in job.error


def test_a_failing_job_is_recorded_and_the_worker_goes_on(queue, office_admin, monkeypatch):
    def broken(run, **params):
        raise RuntimeError("boom")

    monkeypatch.setitem(jobs._kinds, "test.broken", broken)
    first = jobs.start("test.broken", user=office_admin, title="坏任务")
    second = jobs.start("exchange.reports", user=office_admin, title="导出月报")
    assert _work_once() == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Job.FAILED and "boom" not in first.error and str(first.pk) in first.error
    assert second.status == Job.DONE


def test_the_worker_command_empties_the_queue(queue, office_admin):
    job = jobs.start("exchange.reports", user=office_admin, title="导出月报")
    out = io.StringIO()
    call_command("worker", "--once", stdout=out)
    assert "1 task(s)" in out.getvalue()
    job.refresh_from_db()
    assert job.status == Job.DONE


def _pages(progress=None):
    for page in range(1, 4):
        progress(page, 3, "OCR")
    return "read"


def test_a_limited_parse_reports_its_pages_to_the_parent():
    heard = []
    assert run_limited(_pages, progress=lambda *step: heard.append(step), seconds=30) == "read"
    assert heard == [(1, 3, "OCR"), (2, 3, "OCR"), (3, 3, "OCR")]


def test_the_jobs_command_shows_progress_on_the_cli(queue, office_admin, capsys):
    job = jobs.start("exchange.reports", user=office_admin, title="导出月报")
    call_command("jobs")
    assert f"{job.pk}" in capsys.readouterr().out and "queued" in f"{job.status}"
    _work_once()
    call_command("jobs", "--status", "done", "--json")
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed["id"] == job.pk and listed["file"] == "月报.xlsx" and listed["done"] == listed["total"]


def test_a_list_export_is_queued_with_the_page_filters(queue, small_plan, office_admin):
    """A list's ?export=xlsx (500,000 tasks at national scale) is built by the worker, with the page's filters."""
    client = Client()
    client.force_login(office_admin)
    first = small_plan.tasks.order_by("pk").first()
    response = client.get(reverse("plans:tasks"), {"export": "xlsx", "q": first.title})
    job = Job.objects.get(kind="lists.export")
    assert response["Location"] == reverse("jobs:page", args=[job.pk]) and "export" not in job.params["query"]
    _work_once()
    job.refresh_from_db()
    assert job.status == Job.DONE, job.error
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("jobs:download", args=[job.pk])).streaming_content))
    ).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert job.total == len(titles) >= 1 and any(
        first.title in str(t) for t in sheet.iter_rows(min_row=2, values_only=True)
    )
