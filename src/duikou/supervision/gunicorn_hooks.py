"""gunicorn configuration used by `duikou serve`: the master starts the scheduler beside the web workers and
stops it when it exits, so the daily run needs no cron. One scheduler per `serve`; several are safe (the daily
run is claimed by a unique row, each delivery by a conditional update)."""

import os
import subprocess
import sys

_scheduler: subprocess.Popen | None = None


def scheduler_command() -> list[str]:
    duikou = os.path.join(os.path.dirname(sys.executable), "duikou")
    return (
        [duikou, "scheduler"] if os.path.exists(duikou) else [sys.executable, "-m", "duikou.cli", "scheduler"]
    )


def on_starting(server):
    global _scheduler
    if os.environ.get("DUIKOU_SCHEDULER", "1") == "0":
        return
    _scheduler = subprocess.Popen(scheduler_command())
    server.log.info("scheduler started (pid %s)", _scheduler.pid)


def on_exit(server):
    global _scheduler
    if _scheduler is not None and _scheduler.poll() is None:
        _scheduler.terminate()
        try:
            _scheduler.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _scheduler.kill()
    _scheduler = None
