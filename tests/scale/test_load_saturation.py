"""The load test's saturation search (benchmarks/saturation.py) on synthetic request series, and the bound
(benchmarks/bounds.py) checked on the saturation throughput."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bounds  # noqa: E402
import saturation  # noqa: E402


def series(start, seconds, rps, ms, *, name="dashboard", failed_every=0):
    """rps requests a second over [start, start + seconds), each answered in ms (a failure every nth)."""
    n = int(seconds * rps)
    return [
        (start + i / rps, name, ms, not (failed_every and i % failed_every == failed_every - 1))
        for i in range(n)
    ]


def synthetic_run():
    """Four 60 s steps: throughput rises 10 → 20 → 40 at 100–400 ms, then the server queues (45 rps, 3 s)."""
    steps, samples = [], []
    for i, (users, rps, ms) in enumerate([(200, 10, 100), (400, 20, 150), (800, 40, 400), (1600, 45, 3000)]):
        start = 1000 + 60 * i
        steps.append({"users": users, "start": start, "end": start + 60})
        # The settling part (first 20 s) is slow, as when new users arrive at once: it must not count.
        samples += series(start, 20, rps, 5000) + series(start + 20, 40, rps, ms)
    return steps, samples


def test_saturation_point_is_the_fastest_step_that_held_the_bound():
    steps, samples = synthetic_run()
    table = saturation.step_table(samples, steps, settle_seconds=20)
    assert [s["rps"] for s in table] == [10, 20, 40, 45]
    assert [s["p95_ms"] for s in table] == [100, 150, 400, 3000]
    point = saturation.saturation_point(table, p95_bound_ms=1000)
    assert point["users"] == 800 and point["rps"] == 40 and point["p95_ms"] == 400
    assert point["per_request"]["dashboard"]["requests"] == 40 * 40


def test_a_step_with_an_error_does_not_count():
    steps, samples = synthetic_run()
    samples = [s for s in samples if not (steps[2]["start"] <= s[0] < steps[2]["end"])]
    samples += series(steps[2]["start"] + 20, 40, 40, 400, failed_every=500)
    table = saturation.step_table(samples, steps, settle_seconds=20)
    assert table[2]["failures"] == 3
    assert saturation.saturation_point(table, p95_bound_ms=1000)["users"] == 400


def test_no_step_held():
    steps, samples = synthetic_run()
    table = saturation.step_table(samples, steps, settle_seconds=0)  # the slow settling parts counted
    assert saturation.saturation_point(table, p95_bound_ms=1000) is None


def test_per_request_table_and_percentiles():
    samples = series(0, 10, 10, 100, name="unit page") + series(0, 10, 5, 900, name="report save")
    stats = saturation.window_stats(samples, 0, 10)
    assert stats["requests"] == 150 and stats["rps"] == 15
    assert stats["per_request"]["report save"] == {
        "requests": 50,
        "failures": 0,
        "median_ms": 900,
        "p95_ms": 900,
        "rps": 5,
    }
    assert stats["median_ms"] == 100 and stats["p95_ms"] == 900
    assert saturation.percentile([1, 2, 3, 4], 0.5) == 2 and saturation.percentile([], 0.95) == 0


def test_user_steps_double_up_to_the_target():
    assert saturation.user_steps(125, 20.2) == [50, 101, 202, 404, 808, 1616, 2525]
    assert saturation.user_steps(4, 10) == [25, 40]


@pytest.mark.parametrize(
    ("load", "broken"),
    [
        ({"throughput_rps": 120, "p95_ms": 400, "errors": 0}, []),
        ({"throughput_rps": 80, "p95_ms": 400, "errors": 0}, ["40.0 requests/s per core < 50"]),
        (
            {"throughput_rps": 0, "p95_ms": 3000, "errors": 0, "saturation_users": None},
            ["0.0 requests/s per core < 50", "no step held p95 < 1000 ms (first step: p95 3000 ms)"],
        ),
        (
            {"throughput_rps": 120, "p95_ms": 400, "errors": 0, "every_accepted_report_stored": False},
            ["accepted reports missing"],
        ),
    ],
)
def test_load_bound_is_checked_on_the_saturation_point(load, broken):
    assert bounds.check_load(load, cores=2) == broken


def test_steps_follow_the_plan_until_one_fails_then_halve_the_gap():
    planned = [50, 101, 202, 404, 808, 1616]
    assert saturation.next_users(planned, [], refine=2) == 50
    assert saturation.next_users(planned, [(50, True), (101, True)], refine=2) == 202
    # 808 failed: the next steps lie between 404 (held) and 808, each halving the gap that remains.
    judged = [(50, True), (101, True), (202, True), (404, True), (808, False)]
    assert saturation.next_users(planned, judged, refine=2) == 606
    assert saturation.next_users(planned, [*judged, (606, True)], refine=2) == 707
    assert saturation.next_users(planned, [*judged, (606, False)], refine=2) == 505
    assert saturation.next_users(planned, [*judged, (606, True), (707, False)], refine=2) is None
    assert saturation.next_users(planned, judged, refine=0) is None
    # Every planned step held: done after the last.
    assert saturation.next_users(planned, [(n, True) for n in planned], refine=2) is None
    # Nothing left between: the first step failed with one user.
    assert saturation.next_users([1, 2], [(1, False)], refine=2) is None


def test_cpu_per_request_and_the_machines_spare_cores():
    """A step's CPU per request from the meter's samples over its judged window, and the whole machine's busy and
    stolen cores beside: a step that failed with cores to spare has a bottleneck other than the CPU."""
    import load  # benchmarks/load.py

    meter = load.CpuMeter(server_pid=0, database_url="", application_name="")
    # (time, server s, database s, locust s, machine busy s, machine stolen s), cumulative as psutil reports them
    meter.samples = [
        (100.0, 5.0, 2.0, 0.1, 50.0, 1.0),
        (110.0, 7.0, 3.0, 0.3, 62.0, 1.5),
        (200.0, 99, 99, 9, 999, 99),
    ]
    step = {"start": 100.0, "end": 110.0, "requests": 100, "window_seconds": 10.0}
    assert meter.per_request(step) == {
        "app_cpu_ms": 20.0,
        "db_cpu_ms": 10.0,
        "cores_used": 0.3,
        "locust_cores": 0.02,
        "machine_cores_busy": 1.2,
        "machine_cores_stolen": 0.05,
    }
