#!/usr/bin/env bash
# Set up a machine for refpub: system packages (fonts, HarfBuzz subsetting, Java for EPUBCheck,
# PDF tools), a virtual environment in .venv and the package itself.
#   scripts/setup.sh          runtime only
#   scripts/setup.sh dev      runtime + test tools
#   scripts/setup.sh bench    runtime + test tools + the benchmark's baselines (pandoc, typst)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

apt_packages=(
  fonts-noto-cjk          # Japanese text (Noto Sans/Serif CJK)
  fonts-dejavu-core       # a Latin fallback face
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; HarfBuzz subsetting is ~15x faster
  gettext                 # msgfmt --check for catalogs
  default-jre-headless    # Java, for EPUBCheck (`refpub doctor` and the tests check the EPUBs with it)
)
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  apt_packages+=(poppler-utils qpdf libzbar0 pandoc)   # pdftotext/pdffonts, qpdf --check, QR decoding; pandoc --citeproc reads the CSL-JSON reading list
fi
if [ "$extras" = "bench" ]; then
  apt_packages+=(pandoc)   # the peer pipeline of benchmarks/run.py (EPUB); never needed to build
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO=sudo; else SUDO=; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ "$extras" = "dev" ]; then
  .venv/bin/python -m pip install -q -e ".[dev]"
elif [ "$extras" = "bench" ]; then
  .venv/bin/python -m pip install -q -e ".[dev,bench]"
else
  .venv/bin/python -m pip install -q -e .
fi
