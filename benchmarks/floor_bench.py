"""Time the fixed cost every signed-in request pays (middleware, session, user, layout), request by request.

    DUIKOU_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/duikou_bench .venv/bin/python benchmarks/floor_bench.py

A unit reporter (and an office admin past the second factor) of the national data, signed in through Django's test
client, asks for the cheapest pages there are: the password page (the layout around a small form) and one program
through the API. Each is asked BENCH_REQUESTS times; printed per case: median process CPU and wall ms and the
queries of one request. Everything runs inside one transaction that is rolled back: the database is left as it was.

BENCH_PROFILE=<case>: cProfile that case over all its requests and print the top functions;
BENCH_SQL=<case>: print the SQL of one request of that case.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from load import chosen_units  # noqa: E402  (benchmarks/load.py: the reporters the load test signs in)

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
PROFILE = os.environ.get("BENCH_PROFILE", "")
SQL = os.environ.get("BENCH_SQL", "")


class _Rollback(Exception):
    pass


def signed_in(user, *, second_factor: bool = False) -> Client:
    """A client signed in as `user` (past the TOTP step when asked), as the login views leave a session."""
    from django_otp import login as otp_login
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    if second_factor:
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        request = type("R", (), {"session": client.session, "user": user})()
        otp_login(request, device)
        request.session.save()
    return client


def _database_backend():
    """The PostgreSQL server process serving this connection (None on SQLite or when it cannot be read)."""
    import psutil

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        try:
            return psutil.Process(cursor.fetchone()[0])
        except psutil.Error:
            return None


def _cpu_ms(process) -> float:
    if process is None:
        return 0.0
    times = process.cpu_times()
    return (times.user + times.system) * 1000


def main():
    from duikou import gunicorn_hooks
    from duikou.accounts.models import User
    from duikou.core import permissions as perms

    gunicorn_hooks.settle()
    (org_id, _program_id), *_ = chosen_units(1)
    results = {}
    profiler = cProfile.Profile() if PROFILE else None
    try:
        with transaction.atomic():
            reporter = User.objects.create(
                username="floorbench-unit", organization_id=org_id, role=perms.UNIT_REPORTER
            )
            office = User.objects.create(username="floorbench-office", role=perms.OFFICE_ADMIN)
            cases = {
                "page": (signed_in(reporter), "/accounts/password/"),
                "api": (signed_in(reporter), "/api/programs/pairings/?limit=1"),
                "office page": (signed_in(office, second_factor=True), "/accounts/password/"),
            }
            backend = _database_backend()
            for name, (client, url) in cases.items():
                cpu, wall = [], []
                db_start = _cpu_ms(backend)
                for n in range(REQUESTS + 5):
                    capture = CaptureQueriesContext(connection)
                    if profiler and name == PROFILE and n >= 5:
                        profiler.enable()
                    with capture:
                        start, cpu_start = time.perf_counter(), time.process_time()
                        response = client.get(url)
                        response.content  # noqa: B018
                        elapsed = (time.perf_counter() - start) * 1000
                        used = (time.process_time() - cpu_start) * 1000
                    if profiler and name == PROFILE:
                        profiler.disable()
                    if response.status_code != 200:
                        raise SystemExit(
                            f"{name}: unexpected answer {response.status_code} {response.get('Location')}"
                        )
                    if n < 5:  # the first requests fill caches (the session's write, the user's org)
                        continue
                    cpu.append(used)
                    wall.append(elapsed)
                    if name == SQL and n == 5:
                        for q in capture.captured_queries:
                            print(f"{q['time']:>7} {q['sql'][:400]}", file=sys.stderr)
                results[name] = {
                    "cpu_median_ms": round(statistics.median(cpu), 2),
                    "db_cpu_mean_ms": round((_cpu_ms(backend) - db_start) / (REQUESTS + 5), 2)
                    if backend
                    else None,
                    "cpu_mean_ms": round(statistics.fmean(cpu), 2),
                    "wall_median_ms": round(statistics.median(wall), 2),
                    "queries": len(capture.captured_queries),
                    "requests": len(cpu),
                }
            raise _Rollback
    except _Rollback:
        pass
    print(json.dumps({"vendor": connection.vendor, "results": results}, ensure_ascii=False))
    if profiler:
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(40)


if __name__ == "__main__":
    main()
