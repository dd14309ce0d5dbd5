# Two commands: `make demo` runs a whole project lifecycle, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

NPM    := $(shell command -v npm 2>/dev/null)
AXE    := node_modules/axe-core/axe.min.js

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "reflectiebot needs Python 3.11 or newer; run e.g. make PYTHON=python3.11 $(MAKECMDGOALS)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

# axe-core for the browser tests (tests/browser), from package-lock.json; without npm they skip.
$(AXE): package.json package-lock.json
	$(NPM) ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

demo: $(STAMP)
	$(BIN)/reflectiebot demo

test: $(STAMP) $(if $(NPM),$(AXE))
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m bench --out bench/RESULTS.md

clean:
	rm -rf $(VENV) reflectiebot-demo node_modules test-artifacts .pytest_cache .mypy_cache .ruff_cache
