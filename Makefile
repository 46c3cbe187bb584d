# duikou — the two commands of the README are `make demo` and `make test`; everything else is a step of them.
VENV     ?= .venv
PY       := $(VENV)/bin/python
DUIKOU   := $(VENV)/bin/duikou
PYTEST   := $(VENV)/bin/pytest
export DUIKOU_DATA_DIR ?= $(CURDIR)/data

.PHONY: setup demo serve test test-postgres check bench system-packages messages clean

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

# The whole suite on the embedded SQLite database.
test: setup
	$(PYTEST) -q -p no:randomly

# The whole suite again on PostgreSQL (127.0.0.1:5432, trust auth, database `test`).
test-postgres: setup
	DUIKOU_DATABASE_URL=$${DUIKOU_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test} $(PYTEST) -q -p no:randomly

check: setup
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	DJANGO_SETTINGS_MODULE=duikou.settings $(PY) -m django check
	DJANGO_SETTINGS_MODULE=duikou.settings $(PY) -m django makemigrations --check --dry-run
	$(MAKE) test

# National scale by default (the first run generates ~24 M rows: ~6 min on PostgreSQL, ~15 min on SQLite, then
# reuses them); `make bench BENCH_ARGS="--scale city"` for a quick look.
BENCH_ARGS ?= --scale national --load
bench: setup
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules data
