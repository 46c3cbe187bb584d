# duikou — the two commands of the README are `make demo` and `make test`; everything else is a step of them.
VENV     ?= .venv
PY       := $(VENV)/bin/python
DUIKOU   := $(VENV)/bin/duikou
PYTEST   := $(VENV)/bin/pytest
export DUIKOU_DATA_DIR ?= $(CURDIR)/data

.PHONY: setup demo serve test test-postgres check lint format lint-imports django-checks check-deploy bench system-packages messages clean

setup: $(VENV)/.installed node_modules/.installed system-packages messages

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

system-packages:
	bash scripts/install-system-packages.sh

# English pages need the compiled catalogues (.mo, not in git); msgfmt comes from the gettext package.
# Run inside the package so compilemessages finds only its own locale/ (not the venv's).
messages: $(VENV)/.installed system-packages
	cd src/duikou && DJANGO_SETTINGS_MODULE=duikou.settings $(abspath $(PY)) -m django compilemessages -v 0

# Sets up, loads the five seed plans into SQLite under ./data, prints the admin login, serves :8000.
demo: setup
	$(DUIKOU) demo
	$(DUIKOU) serve --bind 127.0.0.1:8000

# The suite runs on every core (pytest-xdist, a test file per worker so module fixtures are made once);
# `make test PYTEST_WORKERS=0` runs it in one process.
PYTEST_WORKERS ?= auto
PYTEST_ARGS    ?= -q -p no:randomly -n $(PYTEST_WORKERS) --maxprocesses=4 --dist loadfile

# The whole suite on the embedded SQLite database.
test: setup
	$(PYTEST) $(PYTEST_ARGS)

# The whole suite again on PostgreSQL (127.0.0.1:5432, trust auth, database `test`), but for the reader's tests:
# the reader imports no Django (tests/reader/test_reader_no_django.py), so a second database changes nothing there.
test-postgres: setup
	DUIKOU_DATABASE_URL=$${DUIKOU_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test} \
	$(PYTEST) $(PYTEST_ARGS) --ignore=tests/reader

# Every check CI runs (.ci/run), in the order that fails fastest: style, layers, Django's checks, migrations, the
# production settings' deploy check, the suite on SQLite. docs/development.md has the time each step takes.
check: setup lint lint-imports django-checks check-deploy
	$(MAKE) test

# ruff (pinned in pyproject.toml): lint and format. `make format` rewrites the files the format check names.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

# The layers and the contracts of .importlinter (import-linter, pinned): run from src/ so `duikou` is the package.
lint-imports: $(VENV)/.installed
	cd src && $(abspath $(VENV))/bin/lint-imports --config ../.importlinter --no-cache

# Django's system checks and a migration for every model change (--check fails on a missing one).
django-checks: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=duikou.settings $(PY) -m django check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=duikou.settings $(PY) -m django makemigrations --check --dry-run

# `check --deploy` on the production settings (DUIKOU_PRODUCTION=1), every warning an error, through the project's
# own `duikou deploycheck`; a throwaway key and example host stand in for a deployment's own.
check-deploy: $(VENV)/.installed
	DUIKOU_PRODUCTION=1 DUIKOU_SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	DUIKOU_ALLOWED_HOSTS=duikou.example.gov.cn DUIKOU_CSRF_TRUSTED_ORIGINS=https://duikou.example.gov.cn \
	$(DUIKOU) deploycheck

# National scale by default (the first run generates ~24 M rows: ~6 min on PostgreSQL, ~15 min on SQLite, then
# reuses them); `make bench BENCH_ARGS="--scale city"` for a quick look.
BENCH_ARGS ?= --scale national --load
bench: setup
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules data
