# The two commands of the README: `make build` and `make test`.
# scripts/setup.sh makes the environment in $REFPUB_VENV when set (CI: a fresh folder), else .venv.
VENV := $(or $(REFPUB_VENV),.venv)
BIN := $(VENV)/bin

.PHONY: build test lint check setup setup-dev setup-bench bench clean lock

build: setup
	$(BIN)/refpub build

test: setup-dev lint
	$(BIN)/python -m pytest -n auto --dist loadgroup

# Style and mistakes a linter finds (pyproject.toml [tool.ruff]); `ruff format` fixes the layout.
# Then the type check of src/refpub (pyproject.toml [tool.mypy]).
lint: setup-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

check: setup
	$(BIN)/refpub check

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh dev

setup-bench:
	scripts/setup.sh bench

# The full run (100, 1,000 and 10,000 entries) takes about an hour on 2 cores; BENCH="--quick" is 100 and 1,000 once.
bench: setup-bench
	$(BIN)/python benchmarks/run.py $(BENCH)

# Refresh uv.lock after changing dependencies in pyproject.toml (see docs/developers.md).
lock:
	scripts/lock.sh

clean:
	rm -rf build
