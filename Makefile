# Every target sets up .venv first, so a fresh clone needs nothing but python3 and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint bench reliability-report

$(STAMP): setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## The main job: the example DR stack's whole lifecycle against the local emulator.
demo: $(STAMP)
	$(BIN)/python -m examples.demo

## Lint, type-check and the test suite (what .ci/run calls).
test: lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m bench

## Run tests/reliability (which write build/reports/reliability.md) and publish the report in docs/.
reliability-report: $(STAMP)
	$(BIN)/python -m pytest tests/reliability
	cp build/reports/reliability.md docs/reliability.md
