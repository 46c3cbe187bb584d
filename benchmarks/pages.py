"""Page render times on the demo data: the median of each page over several requests (not a test).

    .venv/bin/python benchmarks/pages.py [--repeat 15] [--data-dir DIR] [--json]

Loads the demo (the five seed plans, divisions, demo users) into a fresh SQLite database in a temporary
folder unless --data-dir points at one already made, then requests every page as the office admin
through Django's test client (the whole stack: middleware, permission gate, queries, templates) and
reports the median and worst milliseconds and the number of queries. The aim is a median under 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

AIM_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="requests per page (default 15)")
    parser.add_argument("--data-dir", help="use this DUIKOU_DATA_DIR (the demo is loaded into it if empty)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    args = parser.parse_args()

    os.environ["DUIKOU_DATA_DIR"] = args.data_dir or tempfile.mkdtemp(prefix="duikou-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duikou.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from duikou.accounts.models import User
    from duikou.organizations.models import Organization
    from duikou.plans.models import Plan
    from duikou.targets.models import Target

    with open(os.devnull, "w") as quiet:
        stdout = sys.stdout
        sys.stdout = quiet
        try:
            call_command("demo")
        finally:
            sys.stdout = stdout

    admin = User.objects.filter(is_superuser=True).first() or User.objects.filter(role="office_admin").first()
    client = Client()
    client.force_login(admin)
    plan = Plan.objects.filter(funding_lines__isnull=False).first() or Plan.objects.first()
    biggest = max(Plan.objects.all(), key=lambda p: p.tasks.count())
    unit = Organization.objects.filter(responsibilities__isnull=False).order_by("?").first()
    busiest = max(
        Organization.objects.filter(responsibilities__isnull=False).distinct()[:200],
        key=lambda o: o.responsibilities.count(),
    )
    target = Target.objects.filter(allocations__isnull=False).first() or Target.objects.first()
    pages = {
        "dashboard": reverse("web:home"),
        "plans": reverse("plans:list"),
        "tasks": reverse("plans:tasks"),
        "tasks (overdue, sorted)": reverse("plans:tasks") + "?status=overdue&sort=-due_date",
        "search": reverse("plans:search") + "?q=协作",
        "plan tree (biggest)": reverse("plans:detail", args=[biggest.pk]),
        "matrix (biggest)": reverse("plans:matrix", args=[biggest.pk]),
        "targets": reverse("targets:list"),
        "target": reverse("targets:detail", args=[target.pk]) if target else None,
        "funds": reverse("funds:list"),
        "fund schedule": reverse("funds:schedule", args=[plan.pk]),
        "projects": reverse("projects:list"),
        "dispatches": reverse("dispatches:list"),
        "programs": reverse("programs:list"),
        "pairings": reverse("programs:pairings"),
        "program graph": reverse("programs:detail", args=[plan.program_id]),
        "organizations": reverse("organizations:list"),
        "unit page (busiest)": reverse("organizations:detail", args=[busiest.pk]),
        "unit page (random)": reverse("organizations:detail", args=[unit.pk]),
        # Queued (core/jobs.py): the request only queues the job and answers with its page; the worker builds it.
        "tasks export .xlsx (queued)": reverse("plans:tasks") + "?export=xlsx",
    }
    results = []
    for name, url in pages.items():
        if url is None:
            continue
        client.get(url)  # warm: imports, template compilation
        times = []
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url)
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != (302 if name.endswith("(queued)") else 200):
                raise SystemExit(f"{name} {url}: HTTP {response.status_code}")
        results.append(
            {
                "page": name,
                "url": url,
                "median_ms": round(statistics.median(times), 1),
                "max_ms": round(max(times), 1),
                "queries": len(executed),
            }
        )

    over = [r for r in results if r["median_ms"] > AIM_MS]
    if args.json:
        print(
            json.dumps(
                {"repeat": args.repeat, "aim_ms": AIM_MS, "pages": results, "over_aim": len(over)},
                ensure_ascii=False,
            )
        )
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(
            title=f"duikou pages on the demo data — median of {args.repeat} requests (aim < {AIM_MS} ms)"
        )
        for column in ("page", "median ms", "max ms", "queries", "url"):
            table.add_column(column, justify="right" if "ms" in column or column == "queries" else "left")
        for r in results:
            style = "red" if r["median_ms"] > AIM_MS else ""
            table.add_row(
                r["page"],
                f"{r['median_ms']:.1f}",
                f"{r['max_ms']:.1f}",
                str(r["queries"]),
                r["url"],
                style=style,
            )
        Console().print(table)
        print(
            f"{len(results)} pages, {len(over)} over {AIM_MS} ms; slowest median "
            f"{max(r['median_ms'] for r in results):.1f} ms ({max(results, key=lambda r: r['median_ms'])['page']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
