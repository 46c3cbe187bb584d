"""Load test: gunicorn with several workers against PostgreSQL, locust driving unit reporters on loopback.

    .venv/bin/python benchmarks/load.py            # against $DUIKOU_DATABASE_URL (a generated database)

`run_load(env)` (also used by `benchmarks/run.py --load`) prepares one reporter per unit that has tasks
(sessions created in advance, so the measurement is the page mix, not Argon2 logins), starts gunicorn on a
free 127.0.0.1 port, runs locust headless (benchmarks/locustfile.py) for a bounded time, stops gunicorn,
then checks in the database that every report locust saw accepted is stored: its marker in the summary,
submitted to the unit head, with all its figures. Returns throughput, median and p95 per request type,
errors, and submitted vs stored.

Environment (all optional): DUIKOU_LOAD_SECONDS (60), DUIKOU_LOAD_CLIENTS (200 simulated users),
DUIKOU_LOAD_SPAWN_RATE (20 a second), DUIKOU_LOAD_WORKERS (4 gunicorn workers), DUIKOU_LOAD_THINK (seconds
between a user's requests, "min,max", 0.5,1.5 by default; "10,30" for office users reading pages).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
YEARS_PER_USER = 5  # one simulated user files at most 60 monthly reports (locustfile.py)
BIN = Path(sys.executable).parent


def _django(env: dict, *args: str) -> str:
    """Run this file's database steps (prepare / verify) in a Django process with the given environment."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"load: step {args[0]} failed")
    return proc.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_up(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"load: gunicorn exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url + "/accounts/login/", timeout=5).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"load: gunicorn did not answer on {url} within {seconds:.0f} s")


def _stats(prefix: str) -> dict:
    """Locust's CSV summary → {name: {requests, failures, median_ms, p95_ms, rps}} plus the aggregate."""
    out = {}
    with open(prefix + "_stats.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            name = row["Name"] if row["Type"] else "all"
            out[name] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": float(row["50%"] or 0),
                "p95_ms": float(row["95%"] or 0),
                "rps": round(float(row["Requests/s"]), 1),
            }
    return out


def run_load(env: dict) -> dict:
    env = {**env}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    seconds = int(env.get("DUIKOU_LOAD_SECONDS", 60))
    clients = int(env.get("DUIKOU_LOAD_CLIENTS", 200))
    spawn = int(env.get("DUIKOU_LOAD_SPAWN_RATE", 20))
    workers = int(env.get("DUIKOU_LOAD_WORKERS", 4))
    if not env.get("DUIKOU_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "load: DUIKOU_DATABASE_URL must name a PostgreSQL database (gunicorn workers write concurrently)"
        )
    work = Path(tempfile.mkdtemp(prefix="duikou-load-"))
    run_id = f"load-{time.strftime('%Y%m%d%H%M%S')}"
    users_file, accepted_file = work / "users.json", work / "accepted.jsonl"
    prepared = json.loads(_django(env, "prepare", str(users_file), str(clients)))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "duikou.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--error-logfile",
            "-",
        ],
        env=env,
        cwd=REPO,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    # The queue's worker beside the web workers, as `duikou serve` runs it (the dashboard's figures refresh there).
    worker_log = (work / "worker.log").open("w")
    worker = subprocess.Popen(
        [str(BIN / "duikou"), "worker"], env=env, cwd=REPO, stdout=worker_log, stderr=subprocess.STDOUT
    )
    try:
        _wait_up(url, server)
        locust_env = {
            **env,
            "DUIKOU_LOAD_USERS": str(users_file),
            "DUIKOU_LOAD_ACCEPTED": str(accepted_file),
            "DUIKOU_LOAD_RUN": run_id,
        }
        started = time.monotonic()
        proc = subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(REPO / "benchmarks" / "locustfile.py"),
                "--headless",
                "--host",
                url,
                "-u",
                str(clients),
                "-r",
                str(spawn),
                "-t",
                f"{seconds}s",
                "--stop-timeout",
                "30",
                "--only-summary",
                "--csv",
                str(work / "locust"),
                "--exit-code-on-error",
                "0",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            cwd=REPO,
            capture_output=True,
            text=True,
        )
        wall = time.monotonic() - started
        (work / "locust.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-3000:])
            raise SystemExit(f"load: locust exited with {proc.returncode} (log: {work / 'locust.log'})")
    finally:
        server.send_signal(signal.SIGTERM)  # gunicorn finishes in-flight requests, then stops its workers
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()
        worker.send_signal(signal.SIGTERM)  # the task in hand finishes, no other is taken
        try:
            worker.wait(timeout=120)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        worker_log.close()
    stats = _stats(str(work / "locust"))
    stored = json.loads(_django(env, "verify", str(accepted_file), run_id))
    total = stats.pop("all", {})
    return {
        "clients": clients,
        "spawn_rate": spawn,
        "seconds": seconds,
        "wall_seconds": round(wall, 1),
        "gunicorn_workers": workers,
        "think_seconds": env.get("DUIKOU_LOAD_THINK", "0.5,1.5"),
        "reporter_units": prepared["users"],
        "requests": total.get("requests", 0),
        "throughput_rps": total.get("rps", 0),
        "median_ms": total.get("median_ms"),
        "p95_ms": total.get("p95_ms"),
        "errors": total.get("failures", 0),
        "per_request": stats,
        "reports_accepted": stored["accepted"],
        "reports_stored": stored["stored"],
        "reports_missing": stored["missing"],
        "reports_saved_with_marker": stored["saved_with_marker"],  # includes chains cut off at the time limit
        "every_accepted_report_stored": stored["accepted"] == stored["stored"],
        "logs": str(work),
    }


# -- database steps (run in a Django process) ------------------------------------------------------
def _setup_django():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    django.setup()


def prepare(users_file: str, wanted: int) -> dict:
    """One unit reporter per unit that leads tasks (deepest units first), each with a fresh session.

    Each reporter files reports for periods after any the unit already has, so a run never meets its own
    (or an earlier run's) reports.
    """
    _setup_django()
    from importlib import import_module

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # as `duikou serve` does: the schema of this code

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from duikou.accounts.models import User
    from duikou.core import permissions as perms
    from duikou.plans.models import Plan, Responsibility
    from duikou.reports.models import Report

    pairs = (
        Responsibility.objects.filter(role=Responsibility.LEAD, task__plan__status=Plan.PUBLISHED)
        .values_list("organization_id", "task__plan__program_id", "organization__tree_path")
        .distinct()
    )
    chosen: dict[int, int] = {}
    for org_id, program_id, _path in sorted(pairs, key=lambda p: (-p[2].count("/"), p[0], p[1])):
        chosen.setdefault(org_id, program_id)
        if len(chosen) >= wanted:
            break
    if not chosen:
        raise SystemExit(
            "load: no unit leads a task in a published plan; generate data first (duikou generate)"
        )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    # The backend a session names must load users: axes' lockout backend comes first and only refuses sign-ins.
    from django.utils.module_loading import import_string

    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(b), "get_user"))
    # Periods run to 2100 at most; take the first free block of years from 2040 (generated data ends by 2030).
    span = YEARS_PER_USER * -(-wanted // len(chosen))
    used = {
        int(str(p)[:4])
        for p in Report.objects.filter(organization_id__in=chosen, period__gte="2040").values_list(
            "period", flat=True
        )
    }
    first_year = next((y for y in range(2040, 2101 - span) if not used & set(range(y, y + span))), None)
    if first_year is None:
        raise SystemExit("load: no free block of report periods left before 2100; regenerate the database")
    users = []
    for org_id, program_id in chosen.items():
        user, _created = User.objects.get_or_create(
            username=f"load-{org_id}", defaults={"organization_id": org_id, "role": perms.UNIT_REPORTER}
        )
        if _created:
            user.set_unusable_password()
            user.save()
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        users.append(
            {
                "session": session.session_key,
                "organization": org_id,
                "program": program_id,
                "year": first_year,
            }
        )
    Path(users_file).write_text(json.dumps(users), encoding="utf-8")
    return {"users": len(users), "first_year": first_year}


def verify(accepted_file: str, run_id: str) -> dict:
    """Every accepted report is in the database with its marker, awaiting the unit head, with all its figures."""
    _setup_django()
    from django.db.models import Count

    from duikou.reports.models import Report

    path = Path(accepted_file)
    accepted = (
        [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    )
    rows = {
        r["pk"]: r
        for r in Report.objects.filter(pk__in=[a["id"] for a in accepted])
        .annotate(n=Count("figures"))
        .values("pk", "summary", "status", "n")
    }
    missing = [
        a
        for a in accepted
        if not (row := rows.get(a["id"]))
        or row["summary"] != a["marker"]
        or row["status"] != Report.PENDING_HEAD
        or row["n"] != a["figures"]
    ]
    return {
        "accepted": len(accepted),
        "stored": len(accepted) - len(missing),
        "missing": missing[:20],
        "saved_with_marker": Report.objects.filter(summary__startswith=run_id + "/").count(),
    }


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "prepare":
        print(json.dumps(prepare(sys.argv[2], int(sys.argv[3]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "verify":
        print(json.dumps(verify(sys.argv[2], sys.argv[3])))
    else:
        print(json.dumps(run_load(dict(os.environ)), ensure_ascii=False, indent=1))
