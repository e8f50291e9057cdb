# Every target sets up what it needs first, so a fresh clone needs nothing but python3, make and go.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The Pulumi CLI the demo and the tests run: a `pulumi` on PATH if new enough, else the pinned one built
# into .tools/bin (tools/pulumi-cli). .tools/bin also holds the provider launcher for the virtualenv.
TOOLS  := $(CURDIR)/.tools/bin
WITH_CLI := PATH="$(TOOLS):$$PATH"
# pytest in parallel (pytest-xdist): more workers than the 2 cores, as most tests wait (on the CLI, the emulator's
# copies, provider processes), and `worksteal` so that a worker that is done takes tests queued on a busy one.
# Each worker has its own emulator server, Pulumi backends and temp dirs (pytest's tmp_path is per worker).
# Tests marked `serial` (pyproject.toml says why) run after it, alone.
PYTEST_WORKERS ?= 4
PYTEST := $(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist worksteal

.PHONY: setup cli demo check test lint bench reliability-report sdk-matrix

$(STAMP): setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

cli: $(STAMP)
	tools/pulumi-cli/ensure.sh $(CURDIR)/$(BIN)/python

## The main job: the example DR stack's whole lifecycle through the real `pulumi` CLI against the emulator.
demo: cli
	$(WITH_CLI) $(BIN)/python -m examples.demo

## The everyday loop: lint, type-check, the architecture contracts and every test that needs no CLI (all but
## tests/e2e, marked `cli`).
check: lint
	$(PYTEST) -m "not cli and not serial"
	$(BIN)/python -m pytest -m "serial and not cli"

## Lint, type-check, the SDK matrix and the whole test suite (what .ci/run calls). The matrix's newest leg is the
## suite itself: a fresh clone's .venv has the newest SDK the range allows (pip resolves it), so only the oldest
## leg runs in a virtualenv of its own here.
test: lint cli
	$(WITH_CLI) PYTEST_ADDOPTS="-n $(PYTEST_WORKERS) --dist worksteal" $(PYTHON) tools/sdk_matrix.py oldest
	$(BIN)/python -c "import importlib.metadata as m; print('the suite runs on pulumi', m.version('pulumi'))"
	$(WITH_CLI) $(PYTEST) -m "not serial"
	$(WITH_CLI) $(BIN)/python -m pytest -m serial

## The tests that depend on the Pulumi SDK's internals, on the oldest and the newest SDK setup.py allows, each in
## a virtualenv of its own (build/sdk-matrix/); `make test` runs its oldest leg.
sdk-matrix: cli
	$(WITH_CLI) PYTEST_ADDOPTS="-n $(PYTEST_WORKERS) --dist worksteal" $(PYTHON) tools/sdk_matrix.py

## ruff, mypy --strict, import-linter's layers contract and pylint's duplicate-code check (pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/pylint --score=n pulumi_fsx_copy devkit tests bench examples tools

bench: cli
	$(WITH_CLI) $(BIN)/python -m bench

## Run tests/reliability (which write build/reports/reliability.md) and publish the report in docs/.
reliability-report: $(STAMP)
	$(BIN)/python -m pytest tests/reliability
	cp build/reports/reliability.md docs/reliability.md
