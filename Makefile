# QOF warehouse. `make run` builds the warehouse from a bare Python 3.11; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export GX_ANALYTICS_ENABLED := False

EXTRACT_DIR ?= data/synthetic
TEST_EXTRACT_DIR := target/test_extract
TEST_DUCKDB := target/test_warehouse.duckdb
TEST_OUTPUT := target/test_output
# Patients per benchmark extract; BENCH_5M=1 adds 5,000,000 (needs far more disk and time).
BENCH_SIZES ?= 100000 1000000
BENCH_5M ?=

.PHONY: install run generate build test lint pytest dbt-test bench docs clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

generate: install
	$(BIN)/qof generate --out $(EXTRACT_DIR)

# Build the warehouse (with data-quality alerts, Great Expectations checkpoint and worklists),
# then the month-by-month trajectory of this QOF year and the one before.
run: install
	@test -f $(EXTRACT_DIR)/practices.csv -o -f $(EXTRACT_DIR)/practices.parquet || $(BIN)/qof generate --out $(EXTRACT_DIR)
	$(BIN)/qof build --extract-dir $(EXTRACT_DIR)
	$(BIN)/qof trajectory --extract-dir $(EXTRACT_DIR)
	$(BIN)/qof report

build: install
	$(BIN)/qof build --extract-dir $(EXTRACT_DIR)

lint: install
	$(BIN)/ruff check qof_warehouse tests_py
	$(BIN)/ruff format --check qof_warehouse tests_py
	$(BIN)/sqlfluff lint models tests analyses --processes 2

# Two workers, one test module each at a time (module fixtures build their warehouse once).
pytest: install
	$(BIN)/pytest -q -n 2 --dist loadfile

# dbt build (all data and unit tests) on a small generated extract with dirty rows; the warehouse
# and everything the build writes stay under target/, never in output/ or target/qof_warehouse.duckdb
# (tests_py/test_cli_paths.py checks).
dbt-test: install
	rm -rf $(TEST_OUTPUT)
	$(BIN)/qof generate --out $(TEST_EXTRACT_DIR) --patients 4000 --practices 6 --pcns 2 --icbs 2 --seed 7
	$(BIN)/qof build --extract-dir $(TEST_EXTRACT_DIR) --duckdb $(TEST_DUCKDB) \
		--alerts-dir $(TEST_OUTPUT)/data_quality --worklists-dir $(TEST_OUTPUT)/worklists \
		--cqrs-dir $(TEST_OUTPUT)/cqrs

test: lint pytest dbt-test

# Scale benchmark: generate, floor scan, build, trajectory and report per size (docs/scale.md).
bench: install
	$(BIN)/python -m qof_warehouse.bench --sizes $(BENCH_SIZES) $(if $(BENCH_5M),5000000)

docs: install
	QOF_EXTRACT_DIR=$(EXTRACT_DIR) QOF_DUCKDB=target/qof_warehouse.duckdb $(BIN)/dbt docs generate --profiles-dir . --static

clean:
	rm -rf target logs output data/synthetic
