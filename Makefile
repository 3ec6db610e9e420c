# The two commands of the README: `make build` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: build test check setup setup-dev bench clean

build: setup
	$(BIN)/refpub build

test: setup-dev
	$(BIN)/python -m pytest -n auto

check: setup
	$(BIN)/refpub check

setup:
	scripts/setup.sh

setup-dev:
	scripts/setup.sh dev

bench: setup-dev
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build
