"""gunicorn hooks used by `duikou serve`: the master starts the application's background processes beside the
web workers and stops them when it exits, so the demo's one command needs no cron and no second terminal:

- `duikou scheduler` — the daily run and deliveries (supervision); several are safe (the daily run is claimed by a
  unique row, each delivery by a conditional update);
- `duikou worker` — the task queue (core/jobs.py): imports, publishing, exports, bulletins, OCR; several are safe
  (each job is claimed by a conditional update, each queue row under a row lock).

DUIKOU_SCHEDULER=0 or DUIKOU_WORKER=0 leaves one out (a production site running `duikou worker` elsewhere)."""

import os
import subprocess
import sys

BACKGROUND = {"scheduler": "DUIKOU_SCHEDULER", "worker": "DUIKOU_WORKER"}
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
