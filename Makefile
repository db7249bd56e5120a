# Learning Commons: `make run` to try it, `make test` to check it, `make bench` for the figures.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Two workers: tests wait on the database and the browser as much as on the CPU. pytest-randomly
# shuffles the order on every run, so a test that leans on another's leftovers shows up; the seed is
# in the header ("Using --randomly-seed=N"): replay an order with PYTEST_ARGS="-n 2 -p randomly
# --randomly-seed=N", or leave it out with -p no:randomly.
PYTEST_ARGS ?= -n 2
# The clock-sensitive tests (marker `clock`) at fixed instants: a Sunday 23:30 UTC; Europe/London's
# DST start and end; America/New_York's DST start and end; New Year's Eve half a minute before
# midnight; a leap day.
CLOCK_INSTANTS ?= 2026-11-29T23:30Z 2027-03-28T00:30Z 2026-10-25T00:30Z 2027-03-14T06:30Z \
	2026-11-01T05:30Z 2026-12-31T23:59:30Z 2028-02-29T12:00Z

.PHONY: run test test-clock bench loadtest install lint check-migrations pytest clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo --if-empty
	PORT=$(PORT) $(BIN)/python scripts/devserver.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

check-migrations: $(STAMP)
	DJANGO_SETTINGS_MODULE=p2pu.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=p2pu.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

# Tests that fork processes (marker `forks`) run afterwards in a pytest process of their own: a process that
# has run browser tests holds other threads, and forking it is unsafe.
pytest: $(STAMP) node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS) -m "not forks"
	$(BIN)/python -m pytest -m forks -p no:randomly -q

test: lint check-migrations pytest

# One session runs every clock-sensitive test at every instant (each test is parametrized by instant, so a
# failure names the instant in its id).
test-clock: $(STAMP)
	TEST_NOW="$(CLOCK_INSTANTS)" $(BIN)/python -m pytest -m clock -p no:randomly $(PYTEST_ARGS) -q

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache

# The loopback load test (loadtest/run.py): needs DATABASE_URL (PostgreSQL) and REDIS_URL.
LOADTEST_USERS ?= 40
LOADTEST_SECONDS ?= 60
loadtest: $(STAMP)
	LOADTEST_USERS=$(LOADTEST_USERS) LOADTEST_SECONDS=$(LOADTEST_SECONDS) $(BIN)/python loadtest/run.py
