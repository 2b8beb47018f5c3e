# Two commands matter: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test venv validate bench clean browser docs

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

## demo: the CPC-outage scenario against the 2025 baseline: table + map in out/
demo: $(STAMP)
	$(BIN)/transcaspian demo --out out

## test: the whole suite (installs Chromium for the browser test when apt is usable)
test: $(STAMP)
	@bash tools/ensure_browser.sh || true
	$(BIN)/python -m pytest -q

## docs: the architecture notes and the API reference (from the docstrings) as a static site in site/, offline
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --site-dir site

validate: $(STAMP)
	$(BIN)/transcaspian validate

bench: $(STAMP)
	$(BIN)/python benchmarks/solve.py

clean:
	rm -rf $(VENV) out build dist .pytest_cache
