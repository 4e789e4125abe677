# Xieshang: `make demo` runs the platform on SQLite; `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# 1 builds a full year at the scale of the work report (several minutes); the default starts within a minute.
DEMO_SCALE ?= 0.1
DEMO_ENV := DEBUG=1 XIESHANG_DEV=1 XIESHANG_PORTAL_DEFAULT=zhengzhou DATABASE_URL=sqlite:///$(CURDIR)/var/xieshang.sqlite3 REDIS_URL= TASKS_BACKEND=django_tasks_db.DatabaseBackend

.PHONY: help install demo otp test faults faults-load lint format messages clean bench-pages bench-pages-check \
	cluster cluster-stop cluster-status cluster-test

help:
	@echo "make demo   - install, build the demo organization and serve it on http://$(HOST):$(PORT)"
	@echo "make test   - run the whole test suite (SQLite, or DATABASE_URL if set)"
	@echo "make lint   - ruff (style, complexity), import contracts (lint-imports), mypy"
	@echo "make faults - fault tests on PostgreSQL + Redis (killed worker, Redis down, database restart), JSON lines"
	@echo "make faults-load - 200 users for 5 minutes under faults (worker killed twice, Redis restarted once)"
	@echo "make bench-pages [SCALE=small|full] - whole pages over HTTP beside the framework's floor (bench/pages)"
	@echo "make cluster / cluster-stop / cluster-status - the production topology on loopback (scripts/cluster.py)"
	@echo "make cluster-test - the tests against that cluster (tests/cluster, its own directory and ports)"

# Python 3.12 is pinned in .python-version; scripts/find_python.sh finds it (pyenv or python3.12 on PATH).
$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@PYTHON=$$(scripts/find_python.sh) && echo "Using $$PYTHON" && \
	  { [ -x $(PY) ] || $$PYTHON -m venv $(VENV); }
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	  else echo "npm not found: the accessibility checks (axe-core) will be skipped"; fi

demo: install
	@mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --noinput -v0
	$(DEMO_ENV) $(MANAGE) compilemessages -v0 --ignore=.venv --ignore=node_modules 2>/dev/null || true
	$(DEMO_ENV) $(MANAGE) demo_data --scale $(DEMO_SCALE)
	@echo ""
	@echo "协商 Xieshang is starting on http://$(HOST):$(PORT)  (Ctrl-C stops the server and the task worker)"
	@echo "第二因素 Staff second factor: in another terminal, 'make otp USER=proposals' prints the current code"
	@echo "短信 SMS (log gateway) appear in this console and in the notifications_smsmessage table."
	@trap 'kill 0' INT TERM EXIT; \
	  $(DEMO_ENV) $(MANAGE) task_worker --no-reload --queue-name '*' >var/worker.log 2>&1 & \
	  while true; do $(DEMO_ENV) $(MANAGE) workflow_reminders >>var/daily.log 2>&1; \
	    $(DEMO_ENV) $(MANAGE) consultation_notices >>var/daily.log 2>&1; \
	    $(DEMO_ENV) $(MANAGE) send_digests >>var/daily.log 2>&1; \
	    $(DEMO_ENV) $(MANAGE) open_data >>var/daily.log 2>&1; \
	    $(DEMO_ENV) $(MANAGE) partitions >>var/daily.log 2>&1; sleep 86400; done & \
	  $(DEMO_ENV) $(MANAGE) runserver --noreload $(HOST):$(PORT)

otp:
	@$(DEMO_ENV) $(MANAGE) demo_otp $(USER)

# The suite runs on two pytest-xdist workers (CI's machine has two cores; each worker has its own test database and
# Redis database); PYTEST_WORKERS=0 runs it in one process, e.g. to debug one test.
PYTEST_WORKERS ?= 2
test: install node_modules/.installed
	$(PY) -m pytest $(if $(filter-out 0,$(PYTEST_WORKERS)),-n $(PYTEST_WORKERS) --dist loadgroup) $(PYTEST_ARGS)

# Fault tests against PostgreSQL and Redis on this machine (each test starts its own redis-server / PostgreSQL
# instance where it stops one; the shared servers are only used for the test database). One JSON line per test;
# exits non-zero when anything was lost or duplicated. FAULTS_TASKS=1000 tasks for the killed worker.
FAULTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/xieshang_faults
FAULTS_REDIS_URL ?= redis://127.0.0.1:6379/15
faults: install
	@mkdir -p var && rm -f var/faults.jsonl
	@DATABASE_URL=$(FAULTS_DATABASE_URL) REDIS_URL=$(FAULTS_REDIS_URL) FAULTS_TASKS=$${FAULTS_TASKS:-1000} FAULTS_KILLS=$${FAULTS_KILLS:-5} \
	  FAULTS_JSONL=$(CURDIR)/var/faults.jsonl $(PY) -m pytest -q -p no:cacheprovider -m faults $(FAULTS_ARGS) tests/faults \
	  >var/faults.log 2>&1; status=$$?; \
	  $(PY) bench/faults/load.py --database-url $(FAULTS_LOAD_DATABASE_URL) $(FAULTS_SMOKE_ARGS) \
	    --out $(CURDIR)/var/faults.jsonl --workdir $(CURDIR)/var/faults-load >var/faults-load.log 2>&1; load=$$?; \
	  cat var/faults.jsonl 2>/dev/null; \
	  [ $$status -eq 0 ] || { tail -40 var/faults.log; echo "faults: FAILED (var/faults.log)"; }; \
	  [ $$load -eq 0 ] || { tail -20 var/faults-load.log; echo "faults: load smoke FAILED (var/faults-load.log)"; }; \
	  [ $$status -eq 0 ] && [ $$load -eq 0 ]

# The load test under faults (bench/faults/load.py): 200 signed-in users mixing pages and writes for 5 minutes on
# PostgreSQL + a redis-server of its own, the task worker SIGKILLed twice and Redis restarted once; appends its JSON
# line to bench/faults/results-load.jsonl. Too long for make test; make faults runs the smoke (20 users × 30 s).
FAULTS_LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/xieshang_faults_load
FAULTS_SMOKE_ARGS ?= --users 20 --seconds 30
faults-load: install
	$(PY) bench/faults/load.py --database-url $(FAULTS_LOAD_DATABASE_URL) $(LOAD_ARGS)

lint: install
	$(VENV)/bin/ruff check xieshang tests bench
	$(VENV)/bin/ruff format --check xieshang tests bench
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy xieshang/workflow xieshang/core xieshang/instructions xieshang/moderation \
	  $(foreach app,proposals opinions consultations activities assemblies registers announcements,xieshang/$(app)/services xieshang/$(app)/selectors.py) \
	  xieshang/duties/services xieshang/duties/selectors

format: install
	$(VENV)/bin/ruff format xieshang tests bench
	$(VENV)/bin/ruff check --fix xieshang tests bench

messages: install
	$(VENV)/bin/python scripts/translations.py update && $(VENV)/bin/python scripts/translations.py compile

# Page benchmark (bench/pages/README.md): PostgreSQL + Redis, a database of its own (created and built once).
SCALE ?= small
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/xieshang_bench_pages_$(SCALE)
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
bench-pages: install
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) $(PY) bench/pages/run.py --scale $(SCALE) $(BENCH_ARGS)

# CI: the "ci" scale against bench/pages/baseline.json (fails on a query more or a ratio to the floor worse by > 50 %)
bench-pages-check: install
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_bench_pages_ci REDIS_URL=$(BENCH_REDIS_URL) \
	  $(PY) bench/pages/check.py

# Several machines on one (decision 0042, docs/deployment.md): PostgreSQL primary + streaming replica, PgBouncer,
# Redis, two gunicorn app servers, uvicorn for the live stream, nginx, two task workers, under var/cluster on
# 127.0.0.1:15400-15420. `make cluster-test` starts its own in var/cluster-test (ports from 15500) and stops it.
cluster: install
	$(PY) scripts/cluster.py start

cluster-stop:
	$(PY) scripts/cluster.py stop

cluster-status:
	$(PY) scripts/cluster.py status

cluster-test: install
	$(PY) -m pytest -q -p no:cacheprovider -m cluster tests/cluster $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules var staticfiles .pytest_cache
