"""The saturation point of a step load (benchmarks/load.py, benchmarks/locustfile.py), from the requests seen.

The load test raises the number of simulated users step by step. Each step is judged on its settled part (after
the users it added have all arrived): requests finished per second, p95, errors. The saturation point is the step
of highest throughput whose p95 stays under the bound with no error; the throughput a server holds is that one.

No Django and no locust here: load.py, the locustfile (to stop stepping once a step has passed the bound) and the
tests import it alike.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

# A request seen by locust: (wall-clock end time in seconds, request name, response time in ms, succeeded).
Sample = tuple[float, str, float, bool]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of the values; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return float(ordered[max(0, math.ceil(q * len(ordered)) - 1)])


def window_stats(samples: Iterable[Sample], start: float, end: float) -> dict:
    """Throughput, median, p95 and errors of the requests that finished in [start, end), overall and per name."""
    seconds = max(end - start, 1e-9)
    by_name: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for t, name, ms, ok in samples:
        if start <= t < end:
            by_name[name].append((ms, ok))

    def summary(rows: list[tuple[float, bool]]) -> dict:
        times = [ms for ms, _ok in rows]
        return {
            "requests": len(rows),
            "failures": sum(1 for _ms, ok in rows if not ok),
            "median_ms": round(percentile(times, 0.5), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "rps": round(len(rows) / seconds, 2),
        }

    every = [row for rows in by_name.values() for row in rows]
    return {**summary(every), "per_request": {name: summary(rows) for name, rows in sorted(by_name.items())}}


def step_table(samples: Sequence[Sample], steps: Sequence[dict], settle_seconds: float) -> list[dict]:
    """Each step ({"users", "start", "end"}, wall-clock seconds) judged on [start + settle, end)."""
    table = []
    for step in steps:
        start = min(step["start"] + settle_seconds, step["end"])
        stats = window_stats(samples, start, step["end"])
        table.append({"users": step["users"], "window_seconds": round(step["end"] - start, 1), **stats})
    return table


def holds(step: dict, p95_bound_ms: float) -> bool:
    """A step the server held: it answered requests, p95 under the bound, no error."""
    return step["requests"] > 0 and step["p95_ms"] < p95_bound_ms and step["failures"] == 0


def saturation_point(table: Sequence[dict], p95_bound_ms: float) -> dict | None:
    """The step of highest throughput that held the bound (the earlier one on a tie); None when none held."""
    held = [step for step in table if holds(step, p95_bound_ms)]
    return max(held, key=lambda step: step["rps"]) if held else None


def next_users(planned: Sequence[int], judged: Sequence[tuple[int, bool]], refine: int) -> int | None:
    """Users of the next step, from the planned steps and the steps judged so far ((users, held the bound)): the
    planned steps in turn until one fails to hold; then `refine` steps, each halving the gap between the most users
    held and the fewest that failed (doubling steps alone leave the saturation point anywhere in a factor of two).
    None when the load is done."""
    failed = [users for users, held in judged if not held]
    if not failed:
        return planned[len(judged)] if len(judged) < len(planned) else None
    after_failure = len(judged) - next(i for i, (_users, held) in enumerate(judged) if not held) - 1
    held = max((users for users, held in judged if held), default=0)
    middle = (held + min(failed)) // 2
    if after_failure >= refine or middle <= held:
        return None
    return middle


def user_steps(target_rps: float, cycle_seconds: float, first_rps: float = 2.5) -> list[int]:
    """Users for offered loads doubling from first_rps up to target_rps (the last step offers the target):
    a user offers one request per cycle (think time plus answer)."""
    levels, rps = [], first_rps
    while rps < target_rps:
        levels.append(rps)
        rps *= 2
    levels.append(target_rps)
    return [max(1, round(level * cycle_seconds)) for level in levels]
