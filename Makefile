# Learning Commons: `make run` to try it, `make test` to check it, `make bench` for the figures.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# Two workers: tests wait on the database and the browser as much as on the CPU.
PYTEST_ARGS ?= -n 2

.PHONY: run test bench install lint check-migrations pytest clean

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

pytest: $(STAMP) node_modules/axe-core/axe.min.js
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint check-migrations pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf var .pytest_cache
