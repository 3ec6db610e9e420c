#!/usr/bin/env bash
# Refresh uv.lock after a change to the dependencies in pyproject.toml.
#   scripts/lock.sh              keep every locked version that still satisfies pyproject.toml
#   scripts/lock.sh --upgrade    move every package to its newest allowed release
# Then run `make test` and commit uv.lock with the change that needed it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .tools/uv/bin/uv ]; then
  scripts/setup.sh >/dev/null
fi
UV_PYTHON_DOWNLOADS=never .tools/uv/bin/uv lock "$@"
