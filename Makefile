# The two commands of the README:
#   make demo   — set up everything and serve the product on http://127.0.0.1:8000 (SQLite)
#   make test   — install what the tests need and run them (SQLite unless CCHC_DATABASE_URL is set)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# The suite runs on every core (pytest-xdist; each worker has its own test database). On
# 2 cores, 06/12/2026: 5,4 min on SQLite and 5,2 on PostgreSQL in a fresh clone's CI run
# (11,5 min in all with the installs).
# On PostgreSQL only the tests that use the database run (tests/conftest.py): the 1 071 that
# cannot reach it (parsers, calendar, formulas, property tests) give the same result on any
# database and run in the SQLite pass; they took 68 s of the PostgreSQL pass's 1 010 s of tests.
# The 2025 reorganisation is loaded once per test module, not once per test (tests/conftest.py).
# `make test PYTEST_ARGS="-n 0 tests/portal"` runs a part in one process.
PYTEST_ARGS ?= -n auto
DOSSIERS ?= 300000
DOSSIERS_2025 ?= 100000

.PHONY: demo test lint format serve clean

$(BIN)/python:
	@sh scripts/make-venv.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/base.txt
	@touch $@

$(VENV)/.test-installed: requirements/test.txt requirements/base.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/test.txt
	@touch $@ $(VENV)/.base-installed

demo: $(VENV)/.base-installed
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput --verbosity 0
	$(BIN)/python manage.py load_reference_data
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py load_frameworks
	$(BIN)/python manage.py generate_demo_parindex
	$(BIN)/python manage.py generate_demo_data --dossiers $(DOSSIERS)
	$(BIN)/python manage.py generate_demo_data --year 2025 --dossiers $(DOSSIERS_2025)
	$(BIN)/python manage.py create_illustrative_plan --year 2025
	$(BIN)/python manage.py create_illustrative_plan --year 2026
	$(BIN)/python manage.py generate_demo_tasks
	@echo "Mở trình duyệt tại http://$(HOST):$(PORT)/  (Ctrl+C để dừng)"
	@sh scripts/serve-demo.sh $(BIN)/python $(HOST):$(PORT)

test: $(VENV)/.test-installed
	@sh scripts/ensure-chromium.sh
	@sh scripts/ensure-libreoffice.sh
	@mkdir -p var
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	PYTHONPATH=src $(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	PYTHONPATH=src $(BIN)/lint-imports --no-cache

format: $(VENV)/.test-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var
