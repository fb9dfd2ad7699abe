# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat setup.cfg pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint browser bench clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $@

## Set up, harvest the bundled demo sites over HTTP, index them and serve on http://$(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/directory init
	$(BIN)/directory demo --host $(HOST) --port $(PORT)

## Install everything the tests need (a headless Chromium included), lint, and run the whole suite
test: $(STAMP) browser lint
	$(BIN)/python -m pytest

## ruff (settings in pyproject.toml) over the code and the tests
lint: $(STAMP)
	$(BIN)/ruff check directory scrapers bench tests tools docs

# Debian's Chromium drives the page tests; Playwright's own browser download cannot work offline.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "WARNING: could not install chromium; browser tests will be skipped"; }

## Benchmarks (not part of make test); results go to docs/BENCHMARKS.md. One of them: make bench BENCH=web
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet tantivy  # a reference engine for the index benchmark only
	@command -v wrk >/dev/null 2>&1 || { echo "Installing Debian's wrk for the web load benchmark..."; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	  || echo "WARNING: could not install wrk; the web benchmark will say it did not run"; }
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) build *.egg-info
