# Two commands matter: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two install levels in one venv: the demo needs the package and its map extra only; the tests
# add the test tools (pytest, hypothesis, ruff, mypy, the docs builder, selenium).
DEMO_STAMP := $(VENV)/.installed-demo
STAMP      := $(VENV)/.installed-test

.PHONY: demo test lint venv validate bench clean browser docs

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[maps]'
	@touch $(DEMO_STAMP)

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP) $(DEMO_STAMP)

venv: $(STAMP)

## demo: the CPC-outage scenario against the 2025 baseline: table + map in out/
demo: $(DEMO_STAMP)
	$(BIN)/transcaspian demo --out out --force

## test: static checks (ruff, mypy), then the whole suite on every core (installs Chromium for the browser test when apt is usable)
test: lint
	@bash tools/ensure_browser.sh || true
	$(BIN)/python -m pytest -q -n auto

## lint: ruff (style, imports, complexity <= 15) and mypy over the package; CI fails on either
lint: $(STAMP)
	$(BIN)/ruff check src tests tools benchmarks examples
	$(BIN)/mypy

## docs: the architecture notes and the API reference (from the docstrings) as a static site in site/, offline
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

validate: $(STAMP)
	$(BIN)/transcaspian validate

bench: $(STAMP)
	$(BIN)/python benchmarks/solve.py
	$(BIN)/python benchmarks/netflow.py --lp-max 10000

clean:
	rm -rf $(VENV) out build dist .pytest_cache
