# The commands people type: run, test, lint, fmt, bench.
#
# Each target first brings the machine up to date: a .venv with the project installed
# (again only when pyproject.toml changes) and, for running and testing, the Debian
# packages the app needs (a quick no-op when they are present).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# One stage at a time, so the output reads top to bottom even under `make -j`.
.NOTPARALLEL:

VENV := .venv
PYTHON := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
MANAGE := $(PYTHON) manage.py
PYTEST := $(VENV)/bin/pytest
STAGE := scripts/stage.sh

# Fonts for Chinese text in PDFs, WeasyPrint's Pango, a browser for the browser tests,
# poppler for reading generated PDFs back.
RUN_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 chromium poppler-utils
TEST_PACKAGES := $(RUN_PACKAGES) postgresql

RUN_ADDRESS ?= 127.0.0.1:8000
DEMO_PETITIONS ?= 300
BENCH_PETITIONS ?= 100000
# Exits 0 when the database already holds petitions, demo or real: then the demo is not loaded.
HAS_PETITIONS := from xinfang.petitions.models import Petition; \
	raise SystemExit(not Petition.objects.exists())

LINT_STAGES := lint-ruff lint-format lint-mypy lint-imports lint-migrations
# Run at the same time by `make test` (scripts/side-by-side.sh), each its own var/test-*.
SIDE_BY_SIDE := test-sqlite test-postgres test-api-fuzz
TEST_STAGES := $(LINT_STAGES) $(SIDE_BY_SIDE) test-browser

.PHONY: help run test lint fmt bench install $(TEST_STAGES)

help:
	@echo "make run    set up .venv, the database and demo data; serve on http://$(RUN_ADDRESS) with the task queue"
	@echo "make test   lint, then the tests on SQLite, on PostgreSQL, API fuzzing and in a browser"
	@echo "make lint   ruff, mypy, import layers, missing migrations"
	@echo "make fmt    fix what ruff can and format the code"
	@echo "make bench  time the petition queries on $(BENCH_PETITIONS) petitions"

$(PYTHON):
	command -v python3.11 >/dev/null && python3.11 -c 'import ensurepip' 2>/dev/null \
		|| scripts/apt-ensure.sh python3.11 python3.11-venv
	python3.11 -m venv $(VENV)

$(INSTALLED): pyproject.toml | $(PYTHON)
	$(PYTHON) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(INSTALLED)

run: export DJANGO_SETTINGS_MODULE := config.settings.local
run: install
	scripts/apt-ensure.sh $(RUN_PACKAGES)
	$(MANAGE) migrate --no-input
	$(MANAGE) shell --verbosity 0 -c '$(HAS_PETITIONS)' || $(MANAGE) demo --petitions $(DEMO_PETITIONS)
	@# The demo's cases, or those a migration of the index left out, into the similarity index.
	$(MANAGE) rebuild_similarity_index --missing
	@# Routers learnt from the demo's history, so that intake shows suggestions.
	$(MANAGE) routing train --from-db --kind category >/dev/null || echo 'routing: category router not trained'
	$(MANAGE) routing train --from-db --kind unit >/dev/null || echo 'routing: unit router not trained'
	@# The web server and, beside it, the task queue's consumer; Ctrl-C stops both.
	scripts/serve.sh $(PYTHON) $(RUN_ADDRESS)

# Every stage runs even when an earlier one fails, so one run shows everything that is
# wrong; the summary repeats each stage's result and the exit status is a failure if any failed.
# The Debian packages come first, once: the stages side by side must not both run apt.
test: install
	@scripts/apt-ensure.sh $(TEST_PACKAGES)
	@summary=$$(mktemp); status=0; export STAGE_SUMMARY=$$summary; \
	$(MAKE) --no-print-directory --keep-going $(LINT_STAGES) || status=1; \
	MAKE="$(MAKE)" scripts/side-by-side.sh $(SIDE_BY_SIDE) || status=1; \
	$(MAKE) --no-print-directory test-browser || status=1; \
	printf '\n==> summary\n'; cat "$$summary"; rm -f "$$summary"; \
	exit $$status

lint: lint-ruff lint-format lint-mypy lint-imports lint-migrations

# The test settings whatever the shell has exported; the database is chosen per stage.
$(TEST_STAGES): export DJANGO_SETTINGS_MODULE := config.settings.test
# Each stage's files (attachments, SMS outbox, routers) under var/test-<stage>/.
$(TEST_STAGES): export XINFANG_TEST_RUN = $@

lint-ruff: install
	@$(STAGE) "lint: ruff check" $(VENV)/bin/ruff check .

lint-format: install
	@$(STAGE) "lint: ruff format --check" $(VENV)/bin/ruff format --check .

lint-mypy: install
	@$(STAGE) "lint: mypy" $(VENV)/bin/mypy xinfang config

lint-imports: install
	@$(STAGE) "lint: import layers" $(VENV)/bin/lint-imports

lint-migrations: install
	@$(STAGE) "lint: migrations match models" $(MANAGE) makemigrations --check --dry-run

test-sqlite: install
	@scripts/apt-ensure.sh $(TEST_PACKAGES)
	@$(STAGE) "tests on SQLite" env -u DJANGO_DATABASE_URL $(PYTEST) -m "not browser and not fuzz"

test-postgres: install
	@scripts/apt-ensure.sh $(TEST_PACKAGES)
	@$(STAGE) "tests on PostgreSQL" scripts/with-postgres.sh $(PYTEST) -m "not browser and not fuzz"

# Schemathesis against the API's OpenAPI schema, in process on SQLite: a fixed, seeded
# number of requests per operation (xinfang/api/tests/test_fuzz.py); no server error and
# every answer as documented, or the stage fails.
test-api-fuzz: install
	@$(STAGE) "API fuzzing (schemathesis)" env -u DJANGO_DATABASE_URL $(PYTEST) -m fuzz

test-browser: install
	@scripts/apt-ensure.sh $(TEST_PACKAGES)
	@# npm fetches axe-core for the accessibility checks (any npm: Debian's, or nodejs's own).
	@command -v npm >/dev/null || scripts/apt-ensure.sh npm
	@$(STAGE) "browser tests" env -u DJANGO_DATABASE_URL $(PYTEST) -m browser

fmt: install
	$(VENV)/bin/ruff check --fix-only .
	$(VENV)/bin/ruff format .

bench: install
	$(PYTHON) bench/petitions.py --petitions $(BENCH_PETITIONS)
