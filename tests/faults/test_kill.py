"""kill -9 in the middle of an import and of a report submission: the database holds all of it or none."""

import json
import signal
import time

TASKS = 6000  # big enough that the import is still writing when the kill comes (bulk writes are fast)
UNITS = ["省教育厅", "省科技厅", "省卫生健康委员会", "省商务厅", "福州市", "厦门市", "泉州市"]


def big_plan(path, tasks: int = TASKS, tag: str = "") -> None:
    """A duikou.plan/1 file with many tasks, each with a lead and a support unit."""
    plan = {
        "schema": "duikou.plan/1",
        "title": f"福建省对口支援万州区大型任务分工方案{tag}",
        "doc_number": None,
        "issuer": "福建省对口支援工作办公室",
        "issued_on": "2023-03-01",
        "period": {"start_year": 2023, "end_year": 2025},
        "donors": ["福建省"],
        "recipients": ["重庆市万州区"],
        "pairings": [],
        "funding": [],
        "targets": [],
        "tasks": [
            {
                "number": f"{i + 1}.",
                "path": ["一", f"{i + 1}."],
                "title": f"第{i + 1}项协作任务",
                "text": "推进产业合作。",
                "lead_units": [UNITS[i % len(UNITS)]],
                "support_units": [UNITS[(i + 3) % len(UNITS)]],
                "deadline": "2024年底前",
                "due": "2024-12-31",
            }
            for i in range(tasks)
        ],
    }
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")


COUNT_PLAN_ROWS = """
from duikou.plans.models import Plan, Task, Responsibility
from duikou.organizations.models import Organization
from duikou.core.models import ChangeLog
print(json.dumps({"plans": Plan.objects.count(), "tasks": Task.objects.count(),
                  "responsibilities": Responsibility.objects.count(), "organizations": Organization.objects.count(),
                  "changelog": ChangeLog.objects.count()}))
"""


def kill_while_writing(db, proc, *, settle: float = 0.3, limit: float = 120.0) -> None:
    """Wait until the process is inside its write transaction, let it write a while, then SIGKILL it."""
    started = time.monotonic()
    while not db.writer_busy():
        assert proc.poll() is None, f"the process ended before writing: {proc.communicate()}"
        assert time.monotonic() - started < limit, "the process never started writing"
        time.sleep(0.05)
    time.sleep(settle)
    assert proc.poll() is None, "the process finished before it could be killed; make the work bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_kill_during_import_leaves_no_partial_plan(scratch):
    db = scratch()
    db.duikou("generate", "--scale", "city", "--seed", "2")  # a realistic database around the import
    before = db.query(COUNT_PLAN_ROWS)
    big = db.tmp / "BIG.json"
    big_plan(big)

    proc = db.popen("-m", "duikou.cli", "import", str(big))
    kill_while_writing(db, proc)

    after = db.query(COUNT_PLAN_ROWS)
    assert after == before, "a killed import left rows behind"

    # The server side is healthy afterwards: the same import runs to the end, complete.
    done = db.duikou("import", str(big), "--json")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["created"] is True and result["tasks"] == TASKS
    final = db.query(COUNT_PLAN_ROWS)
    assert final["plans"] == before["plans"] + 1
    assert final["tasks"] == before["tasks"] + TASKS
    assert final["responsibilities"] == before["responsibilities"] + 2 * TASKS


SUBMIT_REPORT = """
import sys
from duikou.accounts.models import User
from duikou.core import permissions as perms
from duikou.organizations.models import Organization
from duikou.plans.models import Task
from duikou.programs.models import Program
from duikou.reports.services import save_report, start_report
unit = Organization.objects.filter(responsibilities__printed_name="省教育厅").distinct().get()
user, _ = User.objects.get_or_create(username="reporter", defaults={"role": perms.UNIT_REPORTER, "organization": unit})
program = Program.objects.get(plans__title__startswith="福建省对口支援万州区大型任务分工方案")
report = start_report(program=program, organization=unit, user=user, period="2024-06")
tasks = list(Task.objects.filter(responsibilities__organization=unit).values_list("pk", flat=True))
save_report(report=report, user=user, version=report.version, summary="六月工作情况",
            progress=[{"task": pk, "status": "in_progress", "percent": 50, "text": "推进中"} for pk in tasks])
print(json.dumps({"report": report.pk, "rows": len(tasks)}))
"""

# Prepended to SUBMIT_REPORT in the process to be killed: it stops, transaction open, once the report's progress rows
# are written (on PostgreSQL by COPY, which no execute wrapper sees).
HOLD_AFTER_FIRST_PROGRESS_ROWS = """
import time
from duikou.reports import services
write_rows = services.bulk_create_logged_together
def hold(*batches, **options):
    written = write_rows(*batches, **options)
    print("progress rows written", flush=True)
    time.sleep(600)
    return written
services.bulk_create_logged_together = hold
"""

COUNT_REPORT_ROWS = """
from duikou.reports.models import Report, TaskProgress
r = Report.objects.filter(period="2024-06").first()
print(json.dumps({"reports": Report.objects.count(), "progress": TaskProgress.objects.count(),
                  "version": r.version if r else None, "summary": r.summary if r else None}))
"""


def test_kill_during_report_submission_leaves_report_unchanged(scratch):
    db = scratch()
    big = db.tmp / "BIG.json"
    big_plan(big)
    db.duikou("import", str(big))
    # The draft exists first (as when a unit opens the page); the submission then writes its rows.
    db.query(SUBMIT_REPORT.replace("save_report(", "(lambda **k: None)("))
    before = db.query(COUNT_REPORT_ROWS)
    assert before["reports"] == 1 and before["progress"] == 0

    proc = db.popen(
        "-c",
        "import json, django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'duikou.settings')\n"
        "django.setup()\n" + HOLD_AFTER_FIRST_PROGRESS_ROWS + SUBMIT_REPORT,
    )
    # Killed inside the save's transaction once its progress rows are written: a report saves its ~1,700 rows in
    # well under the time it takes to see a writer from outside, so a kill timed from outside can come after the commit.
    assert proc.stdout.readline().strip() == "progress rows written", proc.communicate()
    assert db.writer_busy()
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert db.query(COUNT_REPORT_ROWS) == before, "a killed submission left part of the report behind"

    out = db.query(SUBMIT_REPORT)
    after = db.query(COUNT_REPORT_ROWS)
    assert after["progress"] == out["rows"] > 200
    assert after["summary"] == "六月工作情况" and after["version"] == before["version"] + 1


def test_kill_during_generate_leaves_nothing(scratch):
    db = scratch()
    proc = db.popen("-m", "duikou.cli", "generate", "--scale", "province", "--seed", "4")
    kill_while_writing(db, proc, settle=2.0)
    counts = db.query(
        "from duikou.plans.models import Plan\nfrom duikou.funds.models import Transaction\n"
        "from duikou.scale.models import GenerationRun\n"
        "print(json.dumps([Plan.objects.count(), Transaction.objects.count(), GenerationRun.objects.count()]))"
    )
    assert counts == [0, 0, 0]
