# The two set-up commands a newcomer needs: `make run` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint bench slow3g reliability mutation backup restore clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Serve the portal with demo data on SQLite at http://127.0.0.1:8000 (DEBUG on).
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole suite: SQLite by default, PostgreSQL when DATABASE_URL is set.
test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## Page benchmark at national scale against DATABASE_URL (default: the rmp_scale database that
## `manage.py generate_scale_data` fills); writes nothing but two accounts. docs/performance.md
BENCH_ARGS ?=
bench: install
	$(BIN)/python tests/perf/bench.py $(BENCH_ARGS)

## Officer pages on slow 3G in headless Chromium (production settings, demo data). docs/performance.md
slow3g: install
	$(BIN)/python tests/perf/slow_3g.py $(SLOW3G_ARGS)

## Load and fault runs: 20 officers for 60 s, then with PostgreSQL restarted. docs/reliability.md
reliability: install
	$(BIN)/python tests/reliability/load.py --seconds 60
	$(BIN)/python tests/reliability/load.py --seconds 60 --restart-db

## Mutation testing of the business-rule modules ([tool.mutmut] in pyproject.toml): mutmut
## copies the project into mutants/ and runs the modules' unit tests against each mutant.
## Not part of CI; about 3,100 mutants, 1.5 hours or more on 2 cores. docs/testing.md
MUTMUT_ARGS ?= --max-children 2
mutation: install
	$(BIN)/mutmut run $(MUTMUT_ARGS)
	$(BIN)/mutmut results

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

## A timestamped backup in backups/ (PostgreSQL dump or SQLite copy), of DATABASE_URL's database.
backup: install
	$(BIN)/python manage.py backup

## Restore a backup into an EMPTY database: make restore FILE=backups/rmp-....dump
restore: install
	test -n "$(FILE)" || (echo "usage: make restore FILE=backups/rmp-YYYYmmdd-HHMMSS.dump" && exit 2)
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles test-artifacts
