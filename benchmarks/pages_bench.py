"""Time pages, API and the 10,000-task import against one generated database (run by benchmarks/run.py).

The database comes from DUIKOU_DATABASE_URL. Each page is requested through Django's test Client as an
office admin (and the unit page as a unit reporter); its SQL is captured once and re-run bare on a cursor,
so every page gets a ratio page time / SQL time. Prints one JSON object.

Like with like: a page is timed until its whole body has been read (a streamed export included), and its
SQL is captured from a request made the same way, then re-run bare with every row fetched, as many times.
The process first runs the web worker's warm-up (gunicorn_hooks.settle: URLs, templates, the loaded objects frozen
out of the garbage collector), so a page is timed as a production worker serves it. BENCH_RUNS sets the repetitions; BENCH_SKIP_IMPORT=1 leaves out the (slow) import case; BENCH_CASES (names,
comma-separated; "import" for the import) times only those cases.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, Resolver404, resolve, reverse  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "15"))


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def users():
    """A bench office admin and a reporter of the busiest unit (created once, kept in the bench database)."""
    from django.db.models import Sum

    from duikou.accounts.models import User
    from duikou.analytics.models import UnitTaskTally
    from duikou.core import permissions as perms

    office, _ = User.objects.get_or_create(username="bench_office", defaults={"role": perms.OFFICE_ADMIN})
    busiest = UnitTaskTally.objects.values("organization_id").annotate(n=Sum("count")).order_by("-n").first()
    org_id = busiest["organization_id"] if busiest else None
    unit, _ = User.objects.get_or_create(
        username="bench_unit", defaults={"role": perms.UNIT_REPORTER, "organization_id": org_id}
    )
    return office, unit, org_id


def second_factor(client, user):
    """The office admin has passed the TOTP second factor in this session, as after a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def url_or_none(name, *args, **kwargs):
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def existing(url):
    """The url if it resolves to a view (so a renamed route shows as skipped, not as a timed 404)."""
    try:
        resolve(url.split("?", 1)[0])
    except Resolver404:
        return None
    return url


def fetch(client, url):
    """GET the url and read the whole body: a streamed response does its work (and its queries) while read."""
    response = client.get(url)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    return response, size


def copy_floor(dataset: str = "tasks"):
    """For a CSV the database writes itself (COPY … TO STDOUT on PostgreSQL): the bare COPY, every byte read."""
    if connection.vendor != "postgresql":
        return None
    from duikou.exchange.opendata import national_copy_sql

    statement = national_copy_sql(dataset)
    if statement is None:
        return None

    def run():
        with connection.cursor() as cursor, cursor.cursor.copy(*statement) as copy:
            for _data in copy:
                pass

    return run


def time_page(client, url, runs=None, warmup=2, extra_floor=None, before=None):
    """`before()` runs ahead of each timed request and of the one whose SQL is captured (untimed): a cold case
    clears the cache there."""
    runs = runs or RUNS
    before = before or (lambda: None)
    for _ in range(warmup):
        response, size = fetch(client, url)
    if response.status_code != 200:
        return {"url": url, "status": response.status_code, "note": f"HTTP {response.status_code}"}
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        fetch(client, url)
        times.append((time.perf_counter() - start) * 1000)
    before()
    with CaptureQueriesContext(connection) as captured:
        fetch(client, url)
    selects = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    sql_times = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            start = time.perf_counter()
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()
            if extra_floor:
                extra_floor()
            sql_times.append((time.perf_counter() - start) * 1000)
    page_med, sql_med = statistics.median(times), statistics.median(sql_times)
    return {
        "url": url,
        "status": 200,
        "runs": runs,
        "median_ms": round(page_med, 1),
        "p95_ms": round(pct(times, 0.95), 1),
        "queries": len(captured.captured_queries),
        "bytes": size,
        "sql_median_ms": round(sql_med, 1),
        "floor_ms": round(sql_med, 1),
        "floor": f"{len(selects)} SELECTs re-run bare" + (" and the bare COPY" if extra_floor else ""),
        "ratio": round(page_med / sql_med, 2) if sql_med > 0 else None,
    }


def _import_data(tasks: int, run: int) -> dict:
    units = ["省教育厅", "省科技厅", "省卫生健康委员会", "省商务厅", "福州市", "厦门市", "泉州市"]
    return {
        "schema": "duikou.plan/1",
        "title": f"基准导入方案{run}",
        "doc_number": None,
        "issuer": "福建省对口支援工作办公室",
        "issued_on": "2024-01-01",
        "period": {"start_year": 2024, "end_year": 2025},
        "donors": ["福建省"],
        "recipients": ["重庆市万州区"],
        "pairings": [],
        "funding": [],
        "targets": [],
        "tasks": [
            {
                "number": f"{i + 1}.",
                "path": ["一", f"{i + 1}."],
                "title": f"任务{i + 1}",
                "text": "推进。",
                "lead_units": [units[i % 7]],
                "support_units": [units[(i + 2) % 7]],
                "deadline": "年底前",
                "due": "2024-12-31",
            }
            for i in range(tasks)
        ],
    }


INSERT_INTO = re.compile(r'^\s*INSERT\s+INTO\s+"?(\w+)"?', re.IGNORECASE)


def _executemany_floor(tables: list[str], before: dict[str, int]) -> float:
    """Milliseconds to write the rows the import wrote (every table, ids included) with a bare executemany.

    Inside the import's transaction: the new rows (id above the table's maximum before) are read, deleted, and
    written again table by table in the import's order, one executemany each.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        rows = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)} WHERE id > %s", [before.get(table, 0)])
            rows[table] = ([c[0] for c in cursor.description], cursor.fetchall())
        for table in reversed(tables):
            cursor.execute(f"DELETE FROM {quote(table)} WHERE id > %s", [before.get(table, 0)])
        start = time.perf_counter()
        for table in tables:
            columns, values = rows[table]
            if not values:
                continue
            marks = ", ".join(["%s"] * len(columns))
            names = ", ".join(quote(c) for c in columns)
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", values)
        return (time.perf_counter() - start) * 1000


def time_import(tasks: int = 10_000, runs: int = int(os.environ.get("BENCH_IMPORT_RUNS", "3"))):
    """import_plan_data of a plan with `tasks` tasks, rolled back after each run, beside its executemany floor."""
    from django.apps import apps

    from duikou.plans.importer import import_plan_data

    times, floors, written = [], [], {}
    for run in range(runs):
        data = _import_data(tasks, run)
        raw = json.dumps(data, ensure_ascii=False).encode()
        tables: list[str] = []

        def note_insert(execute, sql, params, many, context, tables=tables):
            found = INSERT_INTO.match(sql)
            if found and found.group(1) not in tables:
                tables.append(found.group(1))
            return execute(sql, params, many, context)

        try:
            with transaction.atomic():
                before = {}
                with connection.cursor() as cursor:
                    for model in apps.get_models():
                        table = model._meta.db_table
                        # Integer ids only (the queue's task rows have UUIDs, which have no MAX).
                        integer_id = model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
                        if model._meta.pk.column == "id" and integer_id and table not in before:
                            cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
                            before[table] = cursor.fetchone()[0] or 0
                start = time.perf_counter()
                with connection.execute_wrapper(note_insert):
                    import_plan_data(data, source_bytes=raw, source_name="bench.json")
                elapsed = time.perf_counter() - start
                # Every table that gained rows (an INSERT seen, or a COPY the wrapper does not see), in the
                # order the inserts were seen, then the rest.
                with connection.cursor() as cursor:
                    for table in [*tables, *(t for t in before if t not in tables)]:
                        if table not in before:
                            continue
                        cursor.execute(
                            f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)} WHERE id > %s",
                            [before[table]],
                        )
                        if n := cursor.fetchone()[0]:
                            written[table] = n
                tables = list(written)
                floors.append(_executemany_floor(tables, before))
                raise _Rollback
        except _Rollback:
            pass
        times.append(elapsed * 1000)
    median, floor = statistics.median(times), statistics.median(floors)
    return {
        "tasks": tasks,
        "median_ms": round(median, 1),
        "p95_ms": round(max(times), 1),
        "runs": runs,
        "floor_ms": round(floor, 1),
        "floor": "executemany of the rows written: " + ", ".join(f"{t} {n:,}" for t, n in written.items()),
        "ratio": round(median / floor, 2) if floor > 0 else None,
    }


class _Rollback(Exception):
    pass


def national_export_url(program):
    """The national open-data CSV of all tasks; before that view exists, the first program's tasks CSV."""
    return url_or_none("exchange:public_national_dataset", dataset="tasks", fmt="csv") or url_or_none(
        "exchange:public_dataset", pk=program, dataset="tasks", fmt="csv"
    )


def main():
    from duikou import gunicorn_hooks
    from duikou.organizations.models import Organization
    from duikou.plans.models import Plan
    from duikou.programs.models import Program

    # What a `duikou serve` worker runs before its first request (post_worker_init): the warm-up, then what it
    # loaded frozen out of the garbage collector's sight; the pages are timed as that worker serves them.
    gunicorn_hooks.settle()
    office, unit, org_id = users()
    admin_client, unit_client = Client(), Client()
    admin_client.force_login(office)
    second_factor(admin_client, office)
    unit_client.force_login(unit)
    plan = Plan.objects.order_by("pk").values_list("pk", flat=True)[len(Plan.objects.values("pk")[:200]) // 2]
    program = Program.objects.order_by("pk").values_list("pk", flat=True).first()
    org = org_id or Organization.objects.values_list("pk", flat=True).first()
    cases = [
        ("dashboard", admin_client, url_or_none("web:home")),
        # A unit reporter's dashboard: figures over what its gate lets it see, cached on the data's version; cold
        # (cache cleared before each view) is what it costs under a stream of writes.
        ("dashboard (unit)", unit_client, url_or_none("web:home")),
        ("dashboard (unit) cold", unit_client, url_or_none("web:home")),
        ("plan page", admin_client, url_or_none("plans:detail", plan)),
        ("matrix", admin_client, url_or_none("plans:matrix", plan)),
        ("program page", admin_client, url_or_none("programs:detail", program)),
        ("unit page", unit_client, url_or_none("organizations:detail", org)),
        # Its lists are kept on the data's version for the next view (organizations.views): cold is a view after a
        # change, what the load's reporters mostly get.
        ("unit page cold", unit_client, url_or_none("organizations:detail", org)),
        ("unit's tasks", unit_client, url_or_none("plans:tasks")),
        ("API list (plans/tasks)", admin_client, existing("/api/plans/tasks/?limit=50")),
        ("API detail (plan)", admin_client, existing(f"/api/plans/{plan}")),
        ("national CSV export", admin_client, national_export_url(program)),
        # The lists an office reads over the whole country (first page, default sort).
        ("task list (office)", admin_client, url_or_none("plans:tasks")),
        ("target list", admin_client, url_or_none("targets:list")),
        ("unit list", admin_client, url_or_none("organizations:list")),
        ("funds list", admin_client, url_or_none("funds:list")),
        ("project list", admin_client, url_or_none("projects:list")),
        ("dispatch list", admin_client, url_or_none("dispatches:list")),
    ]
    # A national export takes seconds each time: fewer repetitions keep the run bounded.
    runs_for = {"national CSV export": min(RUNS, 5)}
    only = {n.strip() for n in os.environ.get("BENCH_CASES", "").split(",") if n.strip()}
    if only:  # BENCH_CASES="task list (office),import": time these cases alone (a quick look, not a report)
        cases = [c for c in cases if c[0] in only]
    results = {}
    if not only or "dashboard" in only:
        # The dashboard over everything serves the snapshot the queue computed (web.stats.refresh_snapshot): the
        # refresh is timed here as the worker runs it, then the page that serves it.
        from duikou.web import stats

        refresh_times = []
        for _ in range(2):
            start = time.perf_counter()
            stats.refresh_snapshot()
            refresh_times.append((time.perf_counter() - start) * 1000)
        results["dashboard refresh (queue)"] = {
            "median_ms": round(statistics.median(refresh_times), 1),
            "p95_ms": round(max(refresh_times), 1),
            "runs": len(refresh_times),
        }
    for name, client, url in cases:
        if url is None:
            results[name] = {"note": "page not present yet; skipped"}
            print(f"  {name}: no such page; skipped", file=sys.stderr)
            continue
        print(f"  {name}: {url}", file=sys.stderr)
        results[name] = time_page(
            client,
            url,
            runs=runs_for.get(name),
            warmup=1 if name in runs_for else 2,
            extra_floor=copy_floor() if name == "national CSV export" else None,
            before=cache.clear if name.endswith(" cold") else None,
        )
    if os.environ.get("BENCH_SKIP_IMPORT") != "1" and (not only or "import" in only):
        print("  import of a 10,000-task plan", file=sys.stderr)
        results["import 10,000 tasks"] = time_import()
    counts = {
        "plans": Plan.objects.count(),
        "vendor": connection.vendor,
    }
    print(json.dumps({"results": results, "counts": counts}, ensure_ascii=False))


if __name__ == "__main__":
    main()
