# Two commands on a fresh machine with Python 3.11:
#   make demo   create .venv, install, generate demo data, build the warehouse, serve on :8501
#   make test   create/update .venv, run every check (lint, dbt, pytest)
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= demo
SEED ?= 42

.PHONY: demo test test-spark pytest install generate quality build serve lint docs bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

generate: install
	$(BIN)/clearinghouse generate --scale $(SCALE) --seed $(SEED) --out data/raw --truth data/truth

quality: install
	$(BIN)/clearinghouse quality --out warehouse/quality

build: install
	$(BIN)/clearinghouse build

serve: install
	$(BIN)/clearinghouse serve

demo: install
	$(BIN)/clearinghouse generate --scale demo --seed $(SEED) --out data/raw --truth data/truth
	$(BIN)/clearinghouse inspect data/raw
	$(BIN)/clearinghouse build
	$(BIN)/clearinghouse serve

lint: install
	$(BIN)/ruff check .
	CLEARINGHOUSE_DB=:memory: $(BIN)/sqlfluff lint --processes 0 models analyses

docs: install
	$(BIN)/clearinghouse docs

# lint and pytest side by side
test: install
	@$(MAKE) --no-print-directory -j 2 lint pytest

# two workers; a module's tests stay on one worker (its fixtures are built once), and the
# demo and small warehouses are built once per run and shared (tests/conftest.py)
pytest: install
	@test -x /usr/bin/chromium || printf '\n!!! /usr/bin/chromium is missing: the real-browser tests of the dashboard will be SKIPPED (apt-get install -y chromium) !!!\n\n'
	$(BIN)/python -m pytest -n 2 --dist loadscope
	@echo "(the DuckDB-vs-Spark comparison, tests/test_spark.py, is not part of make test: make test-spark)"

# every mart built on Spark equals DuckDB's (tests/test_spark.py; Java 17; docs/scaling-out.md)
$(VENV)/.installed-spark: pyproject.toml | $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $@

test-spark: $(VENV)/.installed-spark
	$(BIN)/python -m pytest -m spark tests/test_spark.py

bench: install
	$(BIN)/python benchmarks/bench.py --scales demo small

clean:
	rm -rf target logs warehouse data .pytest_cache
