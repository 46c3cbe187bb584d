"""Time a unit reporter's report flow, request by request, as benchmarks/locustfile.py makes it.

    DUIKOU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/duikou_bench .venv/bin/python benchmarks/reportflow_bench.py

Each round takes the next of the units load.py would choose (deepest units leading tasks in published plans),
signs in a reporter of it and runs: reports list, report start (a new period), report form, report save (every
task and figure field filled, as locust fills them), report submit, then the other pages of the load's mix (API task
list, dashboard, unit page, task list), each twice: after the unit's own write, then kept. Everything runs inside one
transaction that is rolled back at the end: the database is left as it was. Prints per request the median and
p95 ms, this process's CPU and (PostgreSQL on this machine) the database server's CPU, and the queries of one request.

BENCH_ROUNDS (default 30): rounds; BENCH_UNITS (default 10): distinct units cycled through;
BENCH_PROFILE=<request name>: cProfile that request over all rounds and print the top functions (BENCH_PROFILE_OUT=<file>:
also write the profile there, for pstats; BENCH_PROFILE_CPU=1: timed in this process's CPU, waits left out);
BENCH_SQL=<request name>: print the SQL of that request (its second round) with each query's time (BENCH_SQL_WIDTH: characters
of each, default 600).
"""

from __future__ import annotations

import contextlib
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import time
from urllib.parse import urlencode

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from load import (  # noqa: E402  (benchmarks/load.py: the reporters the load test signs in, as it signs them in)
    chosen_units,
    signed_in_session,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
UNITS = int(os.environ.get("BENCH_UNITS", "10"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
SQL = os.environ.get("BENCH_SQL", "")
# BENCH_PHASES="duikou.reports.views:_rows,duikou.reports.changes:changes_since_previous": time these functions
# (module:attribute, wrapped where they are looked up) and print the process CPU ms they took a round.
PHASES = [p for p in os.environ.get("BENCH_PHASES", "").split(",") if p]

VERSION = re.compile(r'name="version" value="(\d+)"')
TASK_FIELD = re.compile(r'name="(task-\d+)-status"')
ALLOC_FIELD = re.compile(r'name="(alloc-\d+)-value"')
REPORT_URL = re.compile(r"/reports/(\d+)/$")


# Posted as a browser posts the forms and locust posts them (the test client's default is multipart, whose parsing
# was a fifth of a save's time here and none of the load's).
FORM = "application/x-www-form-urlencoded"
form = urlencode


class _Rollback(Exception):
    pass


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _backend_process():
    """The PostgreSQL server process serving this connection, when the server runs on this machine (else None)."""
    if connection.vendor != "postgresql":
        return None
    import psutil

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), inet_server_addr()")
        pid, address = cursor.fetchone()
    if address not in (None, "127.0.0.1", "::1") or not psutil.pid_exists(pid):
        return None
    return psutil.Process(pid)


def _cpu_ms(process) -> float:
    """The process's CPU time in ms, to the nanosecond from the scheduler's count (psutil's comes in 10 ms ticks)."""
    if process is None:
        return 0.0
    try:
        with open(f"/proc/{process.pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e6
    except OSError:
        times = process.cpu_times()
        return (times.user + times.system) * 1000


def main():
    from django.contrib.contenttypes.models import ContentType

    from duikou import gunicorn_hooks
    from duikou.accounts.models import User
    from duikou.core import permissions as perms
    from duikou.core.models import ChangeLog

    gunicorn_hooks.settle()
    phase_ms: dict[str, float] = {}
    for spec in PHASES:
        import importlib

        module_name, attr = spec.split(":")
        module = importlib.import_module(module_name)
        original = getattr(module, attr)

        def wrapper(*args, _original=original, _spec=spec, **kwargs):
            start = time.process_time()  # this process's CPU: what the database waited is not the function's
            try:
                return _original(*args, **kwargs)
            finally:
                phase_ms[_spec] = phase_ms.get(_spec, 0) + (time.process_time() - start) * 1000

        setattr(module, attr, wrapper)
    units = chosen_units(UNITS)
    times: dict[str, list[float]] = {}
    queries: dict[str, int] = {}
    cpu: dict[str, list[float]] = {}  # this process's CPU time: the Python side, whatever the database waits
    db_cpu: dict[
        str, list[float]
    ] = {}  # the PostgreSQL backend's CPU time (same machine): parse, plan, execute
    backend = _backend_process()
    sizes: dict[str, dict] = {}
    # BENCH_PROFILE_CPU=1: the profile in this process's CPU time, not wall time (waits on the database left out).
    clock = time.process_time if os.environ.get("BENCH_PROFILE_CPU") else time.perf_counter
    profiler = cProfile.Profile(clock) if PROFILE else None
    sql_dump: list[dict] = []

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    counted = [0]

    def timed(name, call, check):
        # Queries counted by a wrapper, not captured: the capture's debug cursor renders every query's text with its
        # parameters (mogrify), a tenth of a save's CPU that no server spends. BENCH_SQL's request is captured in its
        # second round (warm caches), the one round whose CPU counts that rendering.
        capture = CaptureQueriesContext(connection) if name == SQL and len(times.get(name, ())) == 1 else None
        if profiler and name == PROFILE:
            profiler.enable()
        counted[0] = 0
        with capture if capture is not None else contextlib.nullcontext(), connection.execute_wrapper(count):
            db_start = _cpu_ms(backend)
            start, cpu_start = time.perf_counter(), time.process_time()
            response = call()
            if not response.streaming:
                response.content  # noqa: B018
            elapsed = (time.perf_counter() - start) * 1000
            cpu.setdefault(name, []).append((time.process_time() - cpu_start) * 1000)
            if backend:
                db_cpu.setdefault(name, []).append(_cpu_ms(backend) - db_start)
        if profiler and name == PROFILE:
            profiler.disable()
        if not check(response):
            raise SystemExit(f"{name}: unexpected answer {response.status_code} {response.get('Location')}")
        times.setdefault(name, []).append(elapsed)
        queries[name] = counted[0]
        if capture is not None:
            sql_dump.extend(capture.captured_queries)
        return response

    try:
        with transaction.atomic():
            clients = []
            for org_id, program_id in units:
                user = User.objects.create(
                    username=f"flowbench-{os.getpid()}-{org_id}",
                    organization_id=org_id,
                    role=perms.UNIT_REPORTER,
                )
                client = Client()
                # Not force_login: its security event would hold the audit chain's lock until the rollback, and a
                # second bench (or anything signing in) would wait for this one to end.
                client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(user)
                # The middleware is built on a client's first request: built here, as a server worker has it built.
                client.handler.load_middleware()
                clients.append((client, org_id, program_id))
            for n in range(ROUNDS):
                client, org_id, program_id = clients[n % len(clients)]
                period = f"{2090 + n // 12 // len(clients)}-{(n // len(clients)) % 12 + 1:02d}"
                timed("reports list", lambda c=client: c.get("/reports/"), lambda r: r.status_code == 200)
                r = timed(
                    "report start",
                    lambda c=client, p=period, g=program_id: c.post(
                        "/reports/start/", form({"program": g, "period": p}), content_type=FORM
                    ),
                    lambda r: r.status_code == 302 and REPORT_URL.search(r["Location"]),
                )
                pk = REPORT_URL.search(r["Location"]).group(1)
                r = timed(
                    "report form",
                    lambda c=client, pk=pk: c.get(f"/reports/{pk}/"),
                    lambda r: r.status_code == 200,
                )
                page = r.content.decode()
                data = {"version": VERSION.search(page).group(1), "summary": f"flowbench/{org_id}/{period}"}
                for key in TASK_FIELD.findall(page):
                    data |= {
                        f"{key}-status": "in_progress",
                        f"{key}-percent": "50",
                        f"{key}-text": "按计划推进。",
                    }
                figures = ALLOC_FIELD.findall(page)
                for i, key in enumerate(figures):
                    data |= {f"{key}-value": str(10 + i), f"{key}-note": ""}
                sizes.setdefault(org_id, {"tasks": len(TASK_FIELD.findall(page)), "figures": len(figures)})
                # Encoded before the clock starts: the client's work, not the server's.
                body = form(data)
                timed(
                    "report save",
                    lambda c=client, pk=pk, b=body: c.post(f"/reports/{pk}/", b, content_type=FORM),
                    lambda r: r.status_code == 302,
                )
                timed(
                    "report submit",
                    lambda c=client, pk=pk: c.post(f"/reports/{pk}/submit/", "", content_type=FORM),
                    lambda r: r.status_code == 302,
                )
                # The pages of the load's mix, after the unit's own write (made afresh: what a reporter sees of
                # its own report), again at the same version (kept), and after someone else's write (the data's
                # version moved: under load, most views; DUIKOU_REUSE_SECONDS decides whether it is made afresh).
                pages = (
                    ("api task list", "/api/plans/tasks/?limit=50"),
                    ("dashboard", "/"),
                    ("unit page", f"/organizations/{org_id}/"),
                    ("task list", "/plans/tasks/"),
                )
                for suffix in ("", " kept", " after another's write"):
                    if suffix == " after another's write":
                        ChangeLog.objects.create(
                            action=ChangeLog.UPDATE,
                            content_type=ContentType.objects.get_for_model(ChangeLog),
                            object_id="0",
                            object_repr="flowbench",
                            request_id="flowbench",
                        )
                    for name, url in pages:
                        timed(name + suffix, lambda c=client, u=url: c.get(u), lambda r: r.status_code == 200)
            raise _Rollback
    except _Rollback:
        pass
    out = {
        name: {
            "median_ms": round(statistics.median(ts), 1),
            "p95_ms": round(pct(ts, 0.95), 1),
            "cpu_median_ms": round(statistics.median(cpu[name]), 1),
            **({"db_cpu_median_ms": round(statistics.median(db_cpu[name]), 1)} if name in db_cpu else {}),
            "queries": queries[name],
            "runs": len(ts),
        }
        for name, ts in times.items()
    }
    print(json.dumps({"vendor": connection.vendor, "units": sizes, "results": out}, ensure_ascii=False))
    for spec, ms in phase_ms.items():
        print(f"phase {spec}: {ms / ROUNDS:.2f} ms of CPU a round", file=sys.stderr)
    if profiler:
        if os.environ.get("BENCH_PROFILE_OUT"):
            profiler.dump_stats(os.environ["BENCH_PROFILE_OUT"])
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(30)
    for q in sql_dump:
        print(f"{q['time']:>7} {q['sql'][: int(os.environ.get('BENCH_SQL_WIDTH', 600))]}", file=sys.stderr)


if __name__ == "__main__":
    main()
