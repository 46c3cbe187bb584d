"""gunicorn hooks used by `duikou serve`: the master starts the application's background processes beside the
web workers and stops them when it exits, so the demo's one command needs no cron and no second terminal:

- `duikou scheduler` — the daily run and deliveries (supervision); several are safe (the daily run is claimed by a
  unique row, each delivery by a conditional update);
- `duikou worker` — the task queue (core/jobs.py): imports, publishing, exports, bulletins, OCR; several are safe
  (each job is claimed by a conditional update, each queue row under a row lock).

DUIKOU_SCHEDULER=0 or DUIKOU_WORKER=0 leaves one out (a production site running `duikou worker` elsewhere).

Each web worker warms itself before its first request (`post_worker_init`): without that, the first requests a
freshly started worker serves import the views, build the URL resolver and compile the templates, and are slow.
The master does none of it (it has not loaded Django, and must not open database connections its workers share).
After the warm-up the worker freezes what it has loaded (`settle`): the garbage collector then never walks the
~200,000 objects of Django, the views and the compiled templates again, so a full collection costs ~0 ms instead of
~200 ms in the middle of a request (measured in a warmed process on the busy bench machine). It then collects its
youngest generation after 50,000 new objects instead of 700: a page builds thousands of rows, model instances and
template nodes, and at 700 the collector ran about 13 times a request; at 50,000 the report flow and a unit's pages
cost 7–10 % less CPU (the sum of the medians of benchmarks/reportflow_bench.py's requests: 160 and 162 ms against 146
and 145, national PostgreSQL, run alternately), with the same peak memory."""

import gc
import os
import subprocess
import sys

BACKGROUND = {"scheduler": "DUIKOU_SCHEDULER", "worker": "DUIKOU_WORKER"}
# The collector's thresholds in a settled worker (see the module's docstring): the youngest generation collected after
# 50,000 new objects; the older two as Python's defaults.
WORKER_GC_THRESHOLDS = (50_000, 10, 10)
_processes: dict[str, subprocess.Popen] = {}


def command(name: str) -> list[str]:
    duikou = os.path.join(os.path.dirname(sys.executable), "duikou")
    return [duikou, name] if os.path.exists(duikou) else [sys.executable, "-m", "duikou.cli", name]


def on_starting(server):
    for name, switch in BACKGROUND.items():
        if os.environ.get(switch, "1") == "0":
            continue
        _processes[name] = subprocess.Popen(command(name))
        server.log.info("%s started (pid %s)", name, _processes[name].pid)


def warm() -> list[str]:
    """Load the URL resolver (and with it every view), compile every template of the project's apps into the
    cached loader, build the per-day light expressions and read the code's digest; no database query. Returns the
    templates that did not compile (a fragment meant to be included in a context of its own may not stand alone)."""
    from pathlib import Path

    from django.apps import apps
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines
    from django.urls import get_resolver, reverse
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        get_resolver().url_patterns  # noqa: B018 (imports every URLconf and view)
        reverse("web:home")  # fills the resolver's reverse table for the language
    failed = []
    for config in apps.get_app_configs():
        if not config.name.startswith("duikou."):
            continue
        root = Path(config.path) / "templates"
        for path in sorted(root.rglob("*.html")) if root.is_dir() else []:
            name = path.relative_to(root).as_posix()
            for engine in engines.all():
                try:
                    engine.get_template(name)
                except TemplateSyntaxError:
                    failed.append(name)
    from duikou.plans.models import Task
    from duikou.supervision import lights

    lights.annotate_lights(Task.objects.all())  # builds (and caches) today's expressions; runs no query
    from duikou.core import versioned

    versioned.code_stamp()  # read once per process, before the first kept page (~20 ms)
    return failed


def settle() -> list[str]:
    """warm(), then move everything loaded so far out of the garbage collector's sight (gc.freeze): objects that
    live as long as the worker are never scanned again. What benchmarks/pages_bench.py runs before timing too, so
    the bench measures what a production worker runs; then sets the collector's thresholds of a worker
    (WORKER_GC_THRESHOLDS). Returns warm()'s templates that did not compile."""
    failed = warm()
    gc.collect()  # what the warm-up left as garbage is freed, not frozen
    gc.freeze()
    gc.set_threshold(*WORKER_GC_THRESHOLDS)
    return failed


def post_worker_init(worker):
    try:
        failed = settle()
    except Exception:  # a worker that could not warm up still serves, only its first requests are slower
        worker.log.exception("warm-up failed")
        return
    if failed:
        worker.log.warning("templates that did not compile at warm-up: %s", ", ".join(failed))


def on_exit(server):
    for process in _processes.values():
        if process.poll() is None:
            process.terminate()
    for process in _processes.values():
        try:
            process.wait(timeout=30)  # the worker finishes the task in hand
        except subprocess.TimeoutExpired:
            process.kill()  # a job it was running is taken up again by the next worker
    _processes.clear()
