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
  apt_packages+=(poppler-utils qpdf libzbar0)   # pdftotext/pdffonts, qpdf --check, QR decoding
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

# --- Fonts for the project's languages -----------------------------------------------------
# Every language in `languages` of content/publication.yaml needs a face fontconfig matches for
# it (`fc-list :lang=my`). While some language has none, install the next Noto package (they
# bring most scripts: Myanmar, Khmer, Sinhala, Devanagari, Bengali, Arabic, ...). Computed from
# the project, so a project in English and Japanese installs nothing more.
# PROJECT=path/to/project scripts/setup.sh checks another project.
fontless_languages() {
  .venv/bin/python - "${PROJECT:-.}/content/publication.yaml" <<'PY'
import subprocess, sys, yaml
try:
    with open(sys.argv[1], encoding="utf-8") as f:
        languages = (yaml.safe_load(f) or {}).get("languages") or []
except OSError:
    languages = []
for lang in languages:
    if not subprocess.run(["fc-list", f":lang={lang}", "family"], capture_output=True, text=True).stdout.strip():
        print(lang)
PY
}
for font_package in fonts-noto-core fonts-noto-extra; do
  needing="$(fontless_languages | tr '\n' ' ')"
  [ -z "${needing// /}" ] && break
  if dpkg-query -W -f='${Status}' "$font_package" 2>/dev/null | grep -q "install ok installed"; then continue; fi
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null; then SUDO=sudo; else SUDO=; fi
  echo "setup: no font for ${needing}: installing $font_package"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$font_package"
done
needing="$(fontless_languages | tr '\n' ' ')"
if [ -n "${needing// /}" ]; then
  echo "setup: warning: still no font for ${needing}; install one that covers its script (see docs/translators.md)" >&2
fi
