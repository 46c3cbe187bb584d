"""Load test: `duikou serve` (gunicorn) against PostgreSQL, locust driving unit reporters on loopback, in steps.

    .venv/bin/python benchmarks/load.py            # against $DUIKOU_DATABASE_URL (a generated database)

`run_load(env)` (also used by `benchmarks/run.py --load`) prepares one reporter per unit that has tasks
(sessions created in advance, so the measurement is the page mix, not Argon2 logins), starts `duikou serve` on
a free 127.0.0.1 port, and raises the number of locust users (benchmarks/locustfile.py) step by step until a
step passes the p95 bound or the last step is done, then takes DUIKOU_LOAD_REFINE (3) steps halving the gap between
the most users held and the fewest that failed (saturation.next_users; after a failed step every user stops and the
next step starts once all have finished: locustfile.StepLoad). Each step is judged on its settled part (benchmarks/
saturation.py); the *saturation point* is the step of highest throughput whose p95 stayed under the bound with
no error, and its throughput is what the bound (benchmarks/bounds.py) holds to. Then it checks in the database
that every report locust saw accepted is stored: its marker in the summary, submitted to the unit head, with all
its figures. Returns the step table, the saturation point with its per-request table, and submitted vs stored.

Environment (all optional): DUIKOU_LOAD_THINK (seconds between a user's requests, "min,max", "10,30" by default:
office users reading pages), DUIKOU_LOAD_STEPS (users at each step, "100,200,400"; by default offered loads
doubling from 2.5 requests/s to a quarter above the bound for this machine's cores), DUIKOU_LOAD_STEP_SECONDS
(each step's length; by default the settling time plus two think times, at least 60 s), DUIKOU_LOAD_SETTLE (the
first part of a step not judged; by default the users' arrival, over the longest think, then that think again plus
5 s: locustfile.ARRIVAL_SECONDS), DUIKOU_LOAD_WORKERS and
DUIKOU_LOAD_THREADS (passed to `duikou serve`; its own defaults otherwise), DUIKOU_CACHE_URL (the server's cache: a
file cache in the run's folder by default; a Redis URL gets the run's key prefix).

Each step also reports the CPU the server spent per request (CpuMeter: its processes, and the database backends of its
connections), which the neighbours' load on a shared machine hardly moves.
"""

from __future__ import annotations

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

import bounds  # benchmarks/bounds.py
import psutil
import saturation  # benchmarks/saturation.py

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


def _settings(env: dict, cores: int) -> dict:
    """The step load's settings from the environment (see the module's docstring)."""
    think = tuple(float(x) for x in env.get("DUIKOU_LOAD_THINK", "10,30").split(","))
    if env.get("DUIKOU_LOAD_STEPS"):
        steps = [int(n) for n in env["DUIKOU_LOAD_STEPS"].split(",") if n.strip()]
    else:
        # Offered loads doubling up to a quarter above the bound, each answer taken as 0.2 s.
        target = bounds.LOAD_RPS_PER_CORE * cores * 1.25
        steps = saturation.user_steps(target, sum(think) / 2 + 0.2)
    # A step is judged once the users it added have all arrived (over the longest think: locustfile.ARRIVAL_SECONDS)
    # and sent their first request (a think later).
    settle = float(env.get("DUIKOU_LOAD_SETTLE", 2 * think[1] + 5))
    return {
        "think": think,
        "steps": steps,
        "step_seconds": float(env.get("DUIKOU_LOAD_STEP_SECONDS", max(60.0, settle + 2 * sum(think) / 2))),
        "settle": settle,
        "workers": env.get("DUIKOU_LOAD_WORKERS", ""),
        "threads": env.get("DUIKOU_LOAD_THREADS", ""),
    }


class CpuMeter:
    """The CPU time the server spends, sampled every second in a thread: its processes (gunicorn's master and
    workers, the queue's worker) and the PostgreSQL backends of its connections (named by application_name). On a
    machine shared with other work, throughput and latency move with the neighbours' load; the CPU a request costs the
    server hardly does, so each step also reports it.

    A backend that exits (connections live CONN_MAX_AGE) keeps the CPU last seen of it: at most a second's worth lost.
    The load generator (locust, `driver_pid` once started) runs on the same cores: its share is reported beside, and so
    is the whole machine's.
    """

    def __init__(self, server_pid: int, database_url: str, application_name: str):
        import threading

        self.server_pid, self.url, self.name = server_pid, database_url, application_name
        # (wall-clock time, server s, database s, locust s, the machine's busy s, its stolen s): all cores summed
        self.samples: list[tuple[float, float, float, float, float, float]] = []
        self.driver_pid: int | None = None
        self._backends: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _cpu(pid: int) -> float:
        """Seconds of CPU the process has used (user and system); 0 once it is gone."""
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    def _server(self) -> float:
        try:
            children = psutil.Process(self.server_pid).children(recursive=True)
        except psutil.Error:
            return 0.0
        return sum(self._cpu(pid) for pid in (self.server_pid, *(child.pid for child in children)))

    def _run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self._stop.is_set():
                pids = [
                    row[0]
                    for row in conn.execute(
                        "SELECT pid FROM pg_stat_activity WHERE application_name = %s", [self.name]
                    )
                ]
                for pid in pids:
                    self._backends[pid] = max(self._backends.get(pid, 0.0), self._cpu(pid))
                server = self._server()
                driver = self._cpu(self.driver_pid) if self.driver_pid else 0.0
                machine = psutil.cpu_times()
                stolen = getattr(machine, "steal", 0.0)
                busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0) - stolen
                self.samples.append((time.time(), server, sum(self._backends.values()), driver, busy, stolen))
                self._stop.wait(1.0)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.ident is not None:  # started: a server that never answered left it unstarted
            self._thread.join(timeout=10)

    def per_request(self, step: dict) -> dict:
        """The server's and the database's CPU ms per request over a step's judged window, and the cores they used."""
        inside = [s for s in self.samples if step["start"] <= s[0] <= step["end"]]
        if len(inside) < 2 or not step["requests"]:
            return {}
        (t0, app0, db0, driver0, busy0, stolen0), (t1, app1, db1, driver1, busy1, stolen1) = (
            inside[0],
            inside[-1],
        )
        requests = step["requests"] * (t1 - t0) / step["window_seconds"]  # the requests of the sampled span
        return {
            "app_cpu_ms": round((app1 - app0) * 1000 / requests, 1),
            "db_cpu_ms": round((db1 - db0) * 1000 / requests, 1),
            "cores_used": round((app1 - app0 + db1 - db0) / (t1 - t0), 2),
            "locust_cores": round((driver1 - driver0) / (t1 - t0), 2),
            # Every process's, the server's included: whether a step that failed had cores to spare (a bottleneck
            # other than the CPU), and what a neighbour or the hypervisor (stolen) took.
            "machine_cores_busy": round((busy1 - busy0) / (t1 - t0), 2),
            "machine_cores_stolen": round((stolen1 - stolen0) / (t1 - t0), 2),
        }


def run_load(env: dict, cores: int | None = None) -> dict:
    env = {**env}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    cores = cores or os.cpu_count() or 1
    conf = _settings(env, cores)
    if not env.get("DUIKOU_DATABASE_URL", "").startswith("postgres"):
        raise SystemExit(
            "load: DUIKOU_DATABASE_URL must name a PostgreSQL database (gunicorn workers write concurrently)"
        )
    work = Path(tempfile.mkdtemp(prefix="duikou-load-"))
    run_id = f"load-{time.strftime('%Y%m%d%H%M%S')}"
    users_file, accepted_file = work / "users.json", work / "accepted.jsonl"
    samples_file = work / "samples.json"
    prepared = json.loads(_django(env, "prepare", str(users_file), str(max(conf["steps"]))))
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = (work / "server.log").open("w")
    # The server as deployed: `duikou serve` (gunicorn with its configuration, the queue's worker beside it),
    # without the scheduler's daily run, which is not part of the page mix.
    serve = [str(BIN / "duikou"), "serve", "--bind", f"127.0.0.1:{port}"]
    serve += ["--workers", conf["workers"]] if conf["workers"] else []
    serve += ["--threads", conf["threads"]] if conf["threads"] else []
    # A cache every worker shares, as the README asks of a deployment (DUIKOU_CACHE_URL): not one per process. The
    # file cache with room for the pages of thousands of reporters (README): Django's default of 300 entries culls a
    # third of them at random at nearly every write.
    cache_url = env.get("DUIKOU_CACHE_URL") or f"filecache://{work / 'cache'}?max_entries=20000"
    if not cache_url.startswith("filecache"):
        # A shared cache server: this run's keys apart, so it never reads what an earlier run (or another database's
        # run) kept.
        cache_url += ("&" if "?" in cache_url else "?") + f"key_prefix={run_id}"
    # The server's database connections named, for the CPU meter to find their backends.
    database_url = env["DUIKOU_DATABASE_URL"]
    served_url = database_url + ("&" if "?" in database_url else "?") + f"application_name={run_id}"
    server = subprocess.Popen(
        serve,
        env={
            **env,
            "DUIKOU_SCHEDULER": "0",
            "DUIKOU_CACHE_URL": cache_url,
            "DUIKOU_DATABASE_URL": served_url,
        },
        cwd=REPO,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    meter = CpuMeter(server.pid, database_url, run_id)
    try:
        _wait_up(url, server)
        meter.start()
        locust_env = {
            **env,
            "DUIKOU_LOAD_USERS": str(users_file),
            "DUIKOU_LOAD_ACCEPTED": str(accepted_file),
            "DUIKOU_LOAD_RUN": run_id,
            "DUIKOU_LOAD_THINK": ",".join(str(t) for t in conf["think"]),
            "DUIKOU_LOAD_STEPS": ",".join(str(n) for n in conf["steps"]),
            "DUIKOU_LOAD_STEP_SECONDS": str(conf["step_seconds"]),
            "DUIKOU_LOAD_SETTLE": str(conf["settle"]),
            "DUIKOU_LOAD_STOP_P95_MS": str(bounds.LOAD_P95_MS),
            "DUIKOU_LOAD_SAMPLES": str(samples_file),
        }
        started = time.monotonic()
        locust_log = (work / "locust.log").open("w")
        proc = subprocess.Popen(
            [
                str(BIN / "locust"),
                "-f",
                str(REPO / "benchmarks" / "locustfile.py"),
                "--headless",
                "--host",
                url,
                "--stop-timeout",
                "30",
                "--only-summary",
                "--exit-code-on-error",
                "0",
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            cwd=REPO,
            stdout=locust_log,
            stderr=subprocess.STDOUT,
        )
        meter.driver_pid = proc.pid
        proc.wait()
        wall = time.monotonic() - started
        locust_log.close()
        if proc.returncode != 0:
            sys.stderr.write((work / "locust.log").read_text(encoding="utf-8")[-3000:])
            raise SystemExit(f"load: locust exited with {proc.returncode} (log: {work / 'locust.log'})")
    finally:
        meter.stop()
        # gunicorn finishes in-flight requests, stops its workers, then the queue's worker (gunicorn_hooks.on_exit)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=150)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server_log.close()
    seen = json.loads(samples_file.read_text(encoding="utf-8"))
    table = saturation.step_table(seen["samples"], seen["steps"], conf["settle"])
    for step, shape in zip(table, seen["steps"], strict=True):
        judged = {"start": min(shape["start"] + conf["settle"], shape["end"]), "end": shape["end"]}
        step.update(meter.per_request({**step, **judged}))
    point = saturation.saturation_point(table, bounds.LOAD_P95_MS)
    stored = json.loads(_django(env, "verify", str(accepted_file), run_id))
    return {
        "think_seconds": ",".join(f"{t:g}" for t in conf["think"]),
        "steps": [{k: v for k, v in step.items() if k != "per_request"} for step in table],
        "step_seconds": conf["step_seconds"],
        "settle_seconds": conf["settle"],
        "wall_seconds": round(wall, 1),
        "server": " ".join(["duikou", *serve[1:2], *serve[4:]]),
        "cache": cache_url.split(":")[0],
        "reporter_units": prepared["users"],
        # The saturation point: the step of highest throughput with p95 under the bound and no error.
        "saturation_users": point and point["users"],
        "throughput_rps": point["rps"] if point else 0,
        "median_ms": point and point["median_ms"],
        "p95_ms": point["p95_ms"] if point else (table[0]["p95_ms"] if table else None),
        "errors": point["failures"] if point else sum(step["failures"] for step in table),
        "errors_all_steps": sum(1 for _t, _name, _ms, ok in seen["samples"] if not ok),
        # Per request at the saturation point (at the first step when none held the bound).
        "per_request": (point or table[0])["per_request"] if table else {},
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


def chosen_units(wanted: int) -> list[tuple[int, int]]:
    """(organization, program) of up to `wanted` reporters: units that lead a task of a published plan, deepest in
    the tree first (the units that report), each with the first such program."""
    from duikou.plans.models import Plan, Responsibility

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
    return list(chosen.items())


def signed_in_session(user) -> str:
    """The key of a new session signed in as `user`, as a sign-in leaves it, without signing in: no Argon2 check and
    no security event (whose append takes the audit chain's lock until the transaction ends)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    # The backend a session names must load users: axes' lockout backend comes first and only refuses sign-ins.
    backend = next(b for b in settings.AUTHENTICATION_BACKENDS if hasattr(import_string(b), "get_user"))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def prepare(users_file: str, wanted: int) -> dict:
    """One unit reporter per unit that leads tasks (deepest units first), each with a fresh session.

    Each reporter files reports for periods after any the unit already has, so a run never meets its own
    (or an earlier run's) reports.
    """
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)  # as `duikou serve` does: the schema of this code

    from duikou.accounts.models import User
    from duikou.core import permissions as perms
    from duikou.reports.models import Report

    chosen = dict(chosen_units(wanted))
    if not chosen:
        raise SystemExit(
            "load: no unit leads a task in a published plan; generate data first (duikou generate)"
        )
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
    # Reporters made in one insert (with their change-log entries): a step load prepares thousands.
    from duikou.core.audit import bulk_create_logged

    names = {f"load-{org_id}": org_id for org_id in chosen}
    known = {u.username: u for u in User.objects.filter(username__in=names)}
    missing = [
        User(username=n, organization_id=o, role=perms.UNIT_REPORTER)
        for n, o in names.items()
        if n not in known
    ]
    for user in missing:
        user.set_unusable_password()
    bulk_create_logged(User, missing)
    known |= {u.username: u for u in User.objects.filter(username__in=[u.username for u in missing])}
    users = []
    for org_id, program_id in chosen.items():
        users.append(
            {
                "session": signed_in_session(known[f"load-{org_id}"]),
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
