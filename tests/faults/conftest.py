"""Scratch databases for tests that run duikou in subprocesses (kill -9, backup and restore).

Each scratch database is separate from the pytest database: a fresh SQLite file, or a fresh PostgreSQL
database on the server the suite uses. The suite's own database decides which kind is made by default.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from filelock import FileLock

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

    def copy_to(self, path: Path):
        with sqlite3.connect(self.tmp / "data" / "duikou.sqlite3") as source, sqlite3.connect(path) as copy:
            source.backup(copy)

    def copy_from(self, template: str):
        """Start from a migrated template instead of migrating (a migration run costs ~10 s of CPU)."""
        if self.vendor == "postgresql":
            self._admin(f'CREATE DATABASE "{self.dbname}" TEMPLATE "{template}"')
        else:
            with (
                sqlite3.connect(template) as source,
                sqlite3.connect(self.tmp / "data" / "duikou.sqlite3") as copy,
            ):
                source.backup(copy)

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


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((REPO / "src" / "duikou").glob("*/migrations/*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, worker_id):
    """One migrated database per kind for the whole run, shared by the xdist workers (made under a file lock),
    named by the migrations it holds so a template left on the server by an older run is never used."""
    shared = tmp_path_factory.getbasetemp()
    shared = shared if worker_id == "master" else shared.parent
    digest = _migrations_digest()

    def template(vendor: str) -> str:
        with FileLock(shared / f"scratch-template-{vendor}.lock"):
            maker = Scratch(vendor, shared / f"scratch-template-{vendor}")
            if vendor == "postgresql":
                name = f"duikou_scratch_template_{digest}"
                import psycopg

                with psycopg.connect(postgres_server_url() + "/postgres", autocommit=True) as conn:
                    if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                        return name
                # Migrated under a scratch name and renamed when whole: a run killed part-way leaves no template.
                (maker.tmp / "data").mkdir(parents=True, exist_ok=True)
                maker._admin(f'CREATE DATABASE "{maker.dbname}"')
                maker.migrate()
                maker._admin(f'ALTER DATABASE "{maker.dbname}" RENAME TO "{name}"')
                return name
            path = shared / f"scratch-template-{digest}.sqlite3"
            if not path.exists():
                (maker.tmp / "data").mkdir(parents=True, exist_ok=True)
                maker.migrate()
                maker.copy_to(path)
            return str(path)

    return template


@pytest.fixture
def scratch(tmp_path, migrated_template):
    """A fresh, migrated database of the suite's kind."""
    made = []

    def make(vendor: str | None = None, *, migrate: bool = True) -> Scratch:
        s = Scratch(vendor or suite_vendor(), tmp_path / f"s{len(made)}")
        (s.tmp / "data").mkdir(parents=True)
        made.append(s)
        if migrate:
            s.copy_from(migrated_template(s.vendor))
        elif s.vendor == "postgresql":
            s._admin(f'CREATE DATABASE "{s.dbname}"')
        return s

    yield make
    for s in made:
        s.drop()
