# Thin aliases; see README.md. Python 3.11 on PATH is all a fresh machine needs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test test-all demo lint fixtures bench bench-quick eval clean

install: $(STAMP)

# Re-installs only when the packaging metadata changes (idempotent, fast otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: install
	$(BIN)/python -m pytest

test-all: install
	$(BIN)/python -m pytest -m ''

demo: install
	$(BIN)/python -m crawler.demo --out snapshots

lint: install
	$(BIN)/ruff check .

fixtures: install
	$(BIN)/python -m tests.fixtures.regenerate

# The generalisation corpus: every template family served, crawled and scored (docs/eval.md).
eval: install
	$(BIN)/python -m tests.corpus.eval

bench: install
	$(BIN)/python -m bench.run

bench-quick: install
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
