"""Scratch databases for tests that run duikou in subprocesses (kill -9, backup and restore).

Each scratch database is separate from the pytest database: a fresh SQLite file, or a fresh PostgreSQL
database on the server the suite uses. The suite's own database decides which kind is made by default.
"""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def suite_vendor() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def postgres_server_url() -> str | None:
    """The PostgreSQL server of the suite, or of `make test-postgres`, if one answers."""
    url = os.environ.get("DUIKOU_DATABASE_URL", "")
    if not url.startswith("postgres"):
        url = os.environ.get("DUIKOU_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3):
            return url.rsplit("/", 1)[0]
    except Exception:
        return None


class Scratch:
    """One scratch database and the environment that points duikou at it."""

    def __init__(self, vendor: str, tmp: Path):
        self.vendor, self.tmp = vendor, tmp
        self.env = {**os.environ, "DUIKOU_DATA_DIR": str(tmp / "data"), "PYTHONUNBUFFERED": "1"}
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.dbname = None
        if vendor == "postgresql":
            server = postgres_server_url()
            if server is None:
                pytest.skip("PostgreSQL server not reachable")
            self.dbname = f"duikou_scratch_{uuid.uuid4().hex[:10]}"
            self._admin(f'CREATE DATABASE "{self.dbname}"')
            self.env["DUIKOU_DATABASE_URL"] = f"{server}/{self.dbname}"
        else:
            self.env.pop("DUIKOU_DATABASE_URL", None)

    def _admin(self, sql: str):
        import psycopg

        with psycopg.connect(postgres_server_url() + "/postgres", autocommit=True) as conn:
            conn.execute(sql)

    def duikou(self, *args, check=True, timeout=600) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [PYTHON, "-m", "duikou.cli", *args],
            env=self.env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"duikou {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def popen(self, *args) -> subprocess.Popen:
        return subprocess.Popen(
            [PYTHON, *args],
            env=self.env,
            cwd=self.tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def migrate(self):
        self.duikou("migrate", "-v", "0")

    def query(self, code: str):
        """Run Django code in a fresh process against this database; returns the JSON it prints."""
        script = (
            "import json, django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'duikou.settings')\n"
            "django.setup()\n" + code
        )
        proc = subprocess.run(
            [PYTHON, "-c", script], env=self.env, cwd=self.tmp, capture_output=True, text=True, timeout=300
        )
        if proc.returncode != 0:
            raise AssertionError(proc.stderr)
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def writer_busy(self) -> bool:
        """Whether another connection is inside a write transaction right now."""
        if self.vendor == "postgresql":
            import psycopg

            with psycopg.connect(self.env["DUIKOU_DATABASE_URL"], autocommit=True) as conn:
                row = conn.execute(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE d.datname = current_database() AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()"
                ).fetchone()
                return row[0] > 0
        import sqlite3

        conn = sqlite3.connect(self.tmp / "data" / "duikou.sqlite3", timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()

    def drop(self):
        if self.dbname:
            self._admin(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')


@pytest.fixture
def scratch(tmp_path):
    """A fresh, migrated database of the suite's kind."""
    made = []

    def make(vendor: str | None = None, *, migrate: bool = True) -> Scratch:
        s = Scratch(vendor or suite_vendor(), tmp_path / f"s{len(made)}")
        (s.tmp / "data").mkdir(parents=True)
        made.append(s)
        if migrate:
            s.migrate()
        return s

    yield make
    for s in made:
        s.drop()
