# Two commands do everything on a fresh Debian machine with Python 3.11:
#   make demo   - set up, generate the sample Nantong market, load, build, publish, brief and serve the
#                 dashboard on http://127.0.0.1:8501 (DEMO_ARGS=--no-serve to stop after the build)
#   make test   - set up and run the test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup system demo test bench lint format docs clean

system:  ## Debian packages (Python venv, CJK font, poppler, pango, chromium): installs as root
	@bash scripts/system-packages.sh

$(STAMP): pyproject.toml
	@bash scripts/system-packages.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

demo: system $(STAMP)
	$(BIN)/housewatch demo $(DEMO_ARGS)

test: system $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python tests/benchmarks/run_all.py

docs: $(STAMP)  ## regenerate docs/DATA_DICTIONARY.md from the last build
	$(BIN)/python -m pipeline.dictionary data/analytics.duckdb docs/DATA_DICTIONARY.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) data .pytest_cache
