# Two commands: `make start` (the workspace) and `make test` (every test).
# Both work on a fresh machine with Python >= 3.11, git and make.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8866
POOL ?= 2
# pytest workers (pytest-xdist): the browser and report tests wait on servers and kernels, so two
# workers on two cores take about three quarters of the time of one (853 s against 1114 s); one file's
# tests stay on one worker, so a module's fixtures (the wheel, a report batch) are made once
TEST_WORKERS ?= 2
BIN = $(VENV)/bin

.PHONY: start test install install-test browser postgres lint clean bench screenshot

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python >= 3.11 is needed (found: $$($(PYTHON) --version)). Use make PYTHON=python3.11 ..."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create the virtual environment. On Debian/Ubuntu: apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## start: create/upgrade the database and serve the workspace with Voilà on 127.0.0.1
start: install
	$(BIN)/abitare serve --port $(PORT) --pool $(POOL)

## browser: make sure a Chromium for the browser tests is on the machine
browser:
	@sh scripts/ensure-chromium.sh
	@sh scripts/ensure-axe.sh

## postgres: make sure PostgreSQL's server programs are there for the storage tests
postgres:
	@sh scripts/ensure-postgres.sh

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

## test: everything (lint, content check, unit, notebooks, browser)
test: install-test browser postgres lint
	@sh scripts/ensure-hub.sh
	$(BIN)/abitare check
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

bench: install-test
	$(BIN)/python bench/page_load.py
	$(BIN)/python bench/simulation.py
	$(BIN)/python bench/reports.py

screenshot: install-test browser
	$(BIN)/python scripts/screenshot.py docs/home.png
	$(BIN)/python scripts/screenshot_board.py docs/lavagna.png docs/proiezione.png

clean:
	rm -rf $(VENV) var .pytest_cache
