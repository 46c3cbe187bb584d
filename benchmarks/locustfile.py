"""Locust users for `benchmarks/load.py`: unit reporters who read pages and submit monthly reports.

Started by load.py (headless), which prepares the users and passes, through the environment:
  DUIKOU_LOAD_USERS     JSON file: [{"session": ..., "organization": id, "program": id, "year": first year}, ...]
  DUIKOU_LOAD_ACCEPTED  file this process appends one JSON line to per report the server accepted
  DUIKOU_LOAD_RUN       a marker for this run, written into every report's summary
  DUIKOU_LOAD_STEPS     users at each step of the load, "100,200,400" (StepLoad below)
  DUIKOU_LOAD_STEP_SECONDS, DUIKOU_LOAD_SETTLE  how long each step lasts, and its first part not judged
  DUIKOU_LOAD_STOP_P95_MS  the p95 bound: no further planned step once one has passed it (or had an error)
  DUIKOU_LOAD_REFINE    steps then taken between the most users held and the fewest that failed (default 3)
  DUIKOU_LOAD_SAMPLES   JSON file written on exit: the steps and every request seen (saturation.py judges them)

Each submission is the real form flow of a reporter: start a report for a new period, open its page, fill
every task and target figure found in the form, save, submit to the unit head. A report counts as accepted
only when every step answered as the pages do on success (redirects to the report); load.py then checks
in the database that each accepted report is stored with its marker and its figures.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, between, events, task
from requests.cookies import create_cookie
from saturation import (
    holds,
    next_users,
    step_table,
)  # benchmarks/saturation.py (locust puts this folder on the path)

USERS = json.loads(Path(os.environ["DUIKOU_LOAD_USERS"]).read_text(encoding="utf-8"))
ACCEPTED = Path(os.environ["DUIKOU_LOAD_ACCEPTED"])
RUN = os.environ.get("DUIKOU_LOAD_RUN", "load")
_slots = itertools.count()
# (slot, reports filed) of users a lower step stopped: a user started later takes one over, so that raising the users
# again after a lower step never reuses a slot's periods.
_free_slots: list[tuple[int, int]] = []
_accepted_lines: list[str] = []
STEPS = [int(n) for n in os.environ.get("DUIKOU_LOAD_STEPS", "").split(",") if n.strip()]
STEP_SECONDS = float(os.environ.get("DUIKOU_LOAD_STEP_SECONDS", "60"))
SETTLE_SECONDS = float(os.environ.get("DUIKOU_LOAD_SETTLE", "0"))
STOP_P95_MS = float(os.environ.get("DUIKOU_LOAD_STOP_P95_MS", "inf"))
# Three halvings find the saturation point within an eighth of the gap between the last planned steps (~7 requests/s
# at the national load's top steps); two left it within a quarter (~14), too coarse beside the bound.
REFINE = int(os.environ.get("DUIKOU_LOAD_REFINE", "3"))
# New users arrive over the longest think time, as people come in over a while, not within 5 s: after a failed step
# the next starts from no user, and a thousand users started at once sent their first requests within the same 20 s.
# The queue that burst made took ~45 s to answer, past the settling time (at the last stop's 909 users: p95 5.5 s in
# the judged part, 150 ms once it was answered, with a third of the cores idle). load.py's settling time covers it.
ARRIVAL_SECONDS = float(os.environ.get("DUIKOU_LOAD_THINK", "0.5,1.5").split(",")[1])
# The longest wait for the users of a failed step to stop (load.py gives locust --stop-timeout 30).
DRAIN_SECONDS = 60.0
_steps: list[dict] = []  # {"users", "start", "end"}, wall-clock seconds
_samples: list[tuple[float, str, float, bool]] = []  # (end, name, ms, succeeded): saturation.Sample

REPORT_URL = re.compile(r"/reports/(\d+)/$")
VERSION = re.compile(r'name="version" value="(\d+)"')
TASK_FIELD = re.compile(r'name="(task-\d+)-status"')
ALLOC_FIELD = re.compile(r'name="(alloc-\d+)-value"')


class Reporter(FastHttpUser):
    """One unit reporter, signed in with a session prepared by load.py.

    On geventhttpclient (FastHttpUser) rather than requests: the load generator shares the server's cores, and
    requests spent about 1.9 ms of CPU per request there (0.17 cores at 91 requests/s), CPU the server's users
    would not take from it."""

    # As patient as a browser: a request queued behind a saturated step is answered late, not cut off and counted as
    # an error (requests, before, had no timeout).
    network_timeout = connection_timeout = 300.0

    # Think time between a user's requests, seconds: DUIKOU_LOAD_THINK="10,30" for office users reading pages.
    wait_time = between(*(float(x) for x in os.environ.get("DUIKOU_LOAD_THINK", "0.5,1.5").split(",")))

    def on_start(self):
        self.slot, self.sequence = _free_slots.pop() if _free_slots else (next(_slots), 0)
        self.me = USERS[self.slot % len(USERS)]
        # More simulated users than units: later ones take periods five years on, so no two share a report.
        self.first_year = self.me["year"] + 5 * (self.slot // len(USERS))
        self.client.cookiejar.set_cookie(create_cookie("sessionid", self.me["session"]))
        # Users of a new step arrive over one think time, not all in the same second.
        self.wait()
        self.client.get("/reports/", name="reports list")  # also sets the CSRF cookie
        # And read it before their first task, as at every other request (locust runs the first task at once): else
        # every new user's first two requests come together, a step's arrivals at 1.4 times its steady rate.
        self.wait()

    def on_stop(self):
        _free_slots.append((self.slot, self.sequence))

    def _csrf(self) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == "csrftoken"), "")

    @task(4)
    def dashboard(self):
        self.client.get("/", name="dashboard")

    @task(3)
    def unit_page(self):
        self.client.get(f"/organizations/{self.me['organization']}/", name="unit page")

    @task(3)
    def task_list(self):
        self.client.get("/plans/tasks/", name="task list")

    @task(3)
    def api_list(self):
        self.client.get("/api/plans/tasks/?limit=50", name="api task list")

    @task(2)
    def submit_report(self):
        n = self.sequence
        if n >= 60:  # the five years of periods load.py set aside for this user are used up
            return
        self.sequence += 1
        period = f"{self.first_year + n // 12}-{n % 12 + 1:02d}"
        marker = f"{RUN}/{self.me['organization']}/{period}"
        with self.client.post(
            "/reports/start/",
            data={"csrfmiddlewaretoken": self._csrf(), "program": self.me["program"], "period": period},
            allow_redirects=False,
            name="report start",
            catch_response=True,
        ) as r:
            found = REPORT_URL.search(r.headers.get("Location", ""))
            if r.status_code != 302 or not found:
                r.failure(f"start {period}: {r.status_code} → {r.headers.get('Location')}")
                return
        pk = found.group(1)
        with self.client.get(f"/reports/{pk}/", name="report form", catch_response=True) as r:
            version = VERSION.search(r.text)
            if r.status_code != 200 or not version:
                r.failure(f"report {pk} form: {r.status_code}")
                return
            page = r.text
        data = {"csrfmiddlewaretoken": self._csrf(), "version": version.group(1), "summary": marker}
        for key in TASK_FIELD.findall(page):
            data |= {f"{key}-status": "in_progress", f"{key}-percent": "50", f"{key}-text": "按计划推进。"}
        figures = ALLOC_FIELD.findall(page)
        for i, key in enumerate(figures):
            data |= {f"{key}-value": str(10 + i), f"{key}-note": ""}
        with self.client.post(
            f"/reports/{pk}/", data=data, allow_redirects=False, name="report save", catch_response=True
        ) as r:
            if r.status_code != 302:
                r.failure(f"report {pk} save: {r.status_code}")
                return
        with self.client.post(
            f"/reports/{pk}/submit/",
            data={"csrfmiddlewaretoken": self._csrf()},
            allow_redirects=False,
            name="report submit",
            catch_response=True,
        ) as r:
            if r.status_code != 302:
                r.failure(f"report {pk} submit: {r.status_code}")
                return
        _accepted_lines.append(json.dumps({"id": int(pk), "marker": marker, "figures": len(figures)}))


class StepLoad(LoadTestShape):
    """DUIKOU_LOAD_STEPS users, each number held DUIKOU_LOAD_STEP_SECONDS, until one step's settled part passes the
    p95 bound or has an error (more users would only queue longer); then DUIKOU_LOAD_REFINE steps between the most
    users held and the fewest that failed (saturation.next_users).

    After a step that failed, every user is stopped and the next step starts once all have finished: the server
    answers the queue that step left before the next one begins. Otherwise the next step is judged while the server
    still drains the failed step's backlog: its throughput counts the old queue, and its latency the wait behind it."""

    draining_since: float | None = None

    def tick(self):
        now = time.time()
        if _steps and _steps[-1]["end"] is None:
            if now - _steps[-1]["start"] < STEP_SECONDS:
                return _steps[-1]["users"], _steps[-1]["spawn_rate"]
            _steps[-1]["end"] = now
            _steps[-1]["held"] = holds(step_table(_samples, _steps[-1:], SETTLE_SECONDS)[0], STOP_P95_MS)
        users = next_users(STEPS, [(step["users"], step["held"]) for step in _steps], REFINE)
        if users is None:
            return None
        if _steps and not _steps[-1]["held"]:
            self.draining_since = self.draining_since or now
            # Users stop once their task is done (--stop-timeout bounds it): wait for the last one.
            if self.runner.user_count > 0 and now - self.draining_since < DRAIN_SECONDS:
                return 0, max(1.0, _steps[-1]["users"] / 5)
        self.draining_since = None
        previous = _steps[-1]["users"] if _steps and _steps[-1]["held"] else 0
        # The new users start over ARRIVAL_SECONDS, then wait a think time before their first request.
        _steps.append(
            {
                "users": users,
                "start": now,
                "end": None,
                "spawn_rate": max(1.0, abs(users - previous) / ARRIVAL_SECONDS),
            }
        )
        return users, _steps[-1]["spawn_rate"]


if not STEPS:
    del StepLoad  # a fixed number of users (-u, -t) instead


@events.request.add_listener
def _note(name, response_time, exception, **_kwargs):
    _samples.append((time.time(), name, response_time, exception is None))


@events.quitting.add_listener
def _write_accepted(environment, **_kwargs):
    with ACCEPTED.open("a", encoding="utf-8") as out:
        out.writelines(line + "\n" for line in _accepted_lines)
    if samples := os.environ.get("DUIKOU_LOAD_SAMPLES"):
        for step in _steps:
            step["end"] = step["end"] or time.time()
        Path(samples).write_text(json.dumps({"steps": _steps, "samples": _samples}), encoding="utf-8")
