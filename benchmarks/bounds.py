"""The bounds `make bench` holds itself to (issue 17), in one place: benchmarks/run.py checks every case against
them, prints each case's time beside its floor and the ratio, and exits non-zero when one is passed.

A case's *floor* is the least the database could do for it: for a page, the SELECTs the page issued re-run bare on
a cursor with every row fetched; for the import, the same rows written by a bare executemany; for the national
CSV, its SELECTs re-run bare (or the bare COPY where the export copies).
"""

from __future__ import annotations

# Pages and API calls: p95 under this many milliseconds, and the median within this many times the bare SQL.
PAGE_P95_MS = 300.0
PAGE_RATIO = 2.0
# Below this floor (ms) a ratio measures Python's fixed cost of a request, not work proportional to the data:
# a page whose SQL takes 1 ms cannot be held to 2 ms. Such a page is held to PAGE_P95_MS alone.
RATIO_FLOOR_MIN_MS = 10.0

# Import of a 10,000-task plan: under this many milliseconds, and within this many times the executemany floor.
IMPORT_MS = 5_000.0
IMPORT_RATIO = 30.0

# The national CSV (500,000 tasks): within this many times its bare SQL (no time bound: it is a download).
CSV_RATIO = 2.0

# The load test: requests per second per core at the saturation point (the highest throughput of a step whose p95
# stayed under LOAD_P95_MS with no error), with every accepted report stored.
LOAD_RPS_PER_CORE = 50.0
LOAD_P95_MS = 1_000.0

CSV_CASES = ("national CSV export",)
# Work on the task queue, off every request (the dashboard's figures over the whole country): timed, not bounded.
QUEUE_CASES = ("dashboard refresh (queue)",)
IMPORT_CASES = ("import 10,000 tasks",)


def check_case(name: str, result: dict) -> list[str]:
    """The bounds this case passes (empty when it holds every one). A page not present yet passes none; a page
    that answered other than 200 (a redirect to sign-in, a 403) is a failure, not a skip."""
    if "median_ms" not in result:
        return [result["note"]] if result.get("status") not in (None, 200) else []
    if name in QUEUE_CASES:
        return []
    median, p95 = result["median_ms"], result["p95_ms"]
    floor, ratio = result.get("floor_ms"), result.get("ratio")
    broken = []
    if name in IMPORT_CASES:
        if median > IMPORT_MS:
            broken.append(f"median {median:.0f} ms > {IMPORT_MS:.0f} ms")
        if ratio is not None and ratio > IMPORT_RATIO:
            broken.append(f"{ratio:.1f}× floor > {IMPORT_RATIO:.0f}×")
        return broken
    if name in CSV_CASES:
        if ratio is not None and ratio > CSV_RATIO:
            broken.append(f"{ratio:.1f}× SQL > {CSV_RATIO:.0f}×")
        return broken
    if p95 > PAGE_P95_MS:
        broken.append(f"p95 {p95:.0f} ms > {PAGE_P95_MS:.0f} ms")
    if ratio is not None and floor is not None and floor >= RATIO_FLOOR_MIN_MS and ratio > PAGE_RATIO:
        broken.append(f"{ratio:.1f}× SQL > {PAGE_RATIO:.0f}×")
    return broken


def bound_text(name: str) -> str:
    """The bound of a case as the table shows it."""
    if name in IMPORT_CASES:
        return f"< {IMPORT_MS / 1000:.0f} s, ≤ {IMPORT_RATIO:.0f}×"
    if name in CSV_CASES:
        return f"≤ {CSV_RATIO:.0f}×"
    if name in QUEUE_CASES:
        return "on the queue, no request waits for it"
    return f"p95 < {PAGE_P95_MS:.0f} ms, ≤ {PAGE_RATIO:.0f}× (SQL ≥ {RATIO_FLOOR_MIN_MS:.0f} ms)"


def check_load(load: dict, cores: int) -> list[str]:
    """The load bound, on the saturation point (benchmarks/saturation.py): the throughput of the step of highest
    throughput whose p95 stayed under LOAD_P95_MS with no error, per core. A run where no step held has no
    saturation point: its throughput is 0 and its p95 the first step's."""
    broken = []
    per_core = load.get("throughput_rps", 0) / max(1, cores)
    if per_core < LOAD_RPS_PER_CORE:
        broken.append(f"{per_core:.1f} requests/s per core < {LOAD_RPS_PER_CORE:.0f}")
    if "saturation_users" in load and load["saturation_users"] is None:
        broken.append(
            f"no step held p95 < {LOAD_P95_MS:.0f} ms (first step: p95 {load.get('p95_ms') or 0:.0f} ms)"
        )
    elif (load.get("p95_ms") or 0) > LOAD_P95_MS:
        broken.append(f"p95 {load['p95_ms']:.0f} ms > {LOAD_P95_MS:.0f} ms")
    if load.get("errors"):
        broken.append(f"{load['errors']} errors")
    if not load.get("every_accepted_report_stored", True):
        broken.append("accepted reports missing")
    return broken
