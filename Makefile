# 三零 registry. `make run` sets everything up and serves the demo county; `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
REQ_STAMP := $(VENV)/.req-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
DEV_STAMP := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
NPM_STAMP := node_modules/.stamp-$(shell cat package.json package-lock.json | cksum | cut -d' ' -f1)

.PHONY: run test setup setup-dev assets migrate lint bench load restore-drill clean

run: setup migrate
	$(PY) manage.py seed_demo --if-empty
	@echo "三零创建管理系统: http://127.0.0.1:$(PORT)/  (演示账号见 README.md)"
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: setup-dev
	@$(PY) -m pytest $(PYTEST_ARGS)

setup: $(REQ_STAMP) $(NPM_STAMP)

setup-dev: $(DEV_STAMP) $(NPM_STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(REQ_STAMP): requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.req-*; touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.dev-* $(VENV)/.req-*; touch $@ $(REQ_STAMP)

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

migrate: setup
	$(PY) manage.py migrate --noinput -v0

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) node_modules var/staticfiles

# Timings against their targets, with lower bounds from the same run (scripts/bench.py): a city (or
# BENCH_ARGS="--scale province") built in a throwaway PostgreSQL database (BENCH_PG_URL, default the
# local server as postgres): snapshots of a month and a year, p50/p95 of the pages, the committee
# report, the incremental update, and scripts/bench_excel.py (60,000-row export, 10,000-row import).
# Prints a table, writes var/bench.json, drops its databases. The city takes ~15 min, the province longer.
bench: setup
	$(PY) scripts/bench.py $(BENCH_ARGS)

# Load (not part of `make test`): a fresh PostgreSQL database with the demo and 50 clerks, gunicorn,
# 50 simulated clerks for LOAD_SECONDS (120) s; zero errors and every created dispute present, or it
# fails. Prints p50/p95/p99 per request kind, writes var/load.json, drops the database.
load: setup-dev
	$(PY) scripts/load.py $(LOAD_ARGS)

# Backup drill (docs/backup.md): pg_dump a database, pg_restore it into a fresh one, compare table
# counts, sequences and one month's committee report, print the restore time. With DATABASE_URL set,
# that database is the source (it is only read); without it, a fresh demo database is built and dropped.
restore-drill: setup
	$(PY) scripts/restore_drill.py $(if $(DATABASE_URL),,--demo) $(DRILL_ARGS)
