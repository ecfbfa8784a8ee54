# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make demo   - set up, generate the sample Nantong market, load, build, publish, brief and serve the
#                 dashboard on http://127.0.0.1:8501 (DEMO_ARGS=--no-serve to stop after the build)
#   make test   - set up and run the test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test bench lint format docs clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (install python3.11)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/housewatch demo $(DEMO_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run_all.py

docs: $(STAMP)  ## regenerate docs/DATA_DICTIONARY.md from the last build
	$(BIN)/python -m housewatch.pipeline.dictionary data/analytics.duckdb docs/DATA_DICTIONARY.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) data .pytest_cache
