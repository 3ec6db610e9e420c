#!/usr/bin/env bash
# Set up a machine for refpub: system packages (fonts, HarfBuzz subsetting, Java for EPUBCheck,
# PDF tools), then a virtual environment with exactly the versions in uv.lock and the package.
#   scripts/setup.sh          runtime only
#   scripts/setup.sh dev      runtime + test tools
#   scripts/setup.sh bench    runtime + test tools + the benchmark's baselines (pandoc, typst)
# The environment goes to .venv, or to $REFPUB_VENV when it is set (CI uses a fresh folder).
# Refresh the lock after changing dependencies in pyproject.toml: scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"

apt_packages=(
  fonts-noto-cjk          # Japanese text (Noto Sans/Serif CJK)
  fonts-dejavu-core       # a Latin fallback face
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint; HarfBuzz subsetting is ~15x faster
  gettext                 # msgfmt/msgcat: the tests compare refpub's catalogs with GNU gettext's
  default-jre-headless    # Java, for EPUBCheck (`refpub doctor` and the tests check the EPUBs with it)
  fontconfig              # fc-match: refpub picks each language's fonts with it
)
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  apt_packages+=(poppler-utils qpdf libzbar0 pandoc)   # pdftotext/pdffonts, qpdf --check, QR decoding; pandoc --citeproc reads the CSL-JSON reading list
  apt_packages+=(maven)   # fetches veraPDF (the PDF/UA validator of the tests) from Maven Central
fi
# --- web edition (issue 18): the browser tests drive Debian's chromium with Playwright (never a
# downloaded browser) and inject axe-core, from npm at a pinned version, into every page type.
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  apt_packages+=(chromium nodejs)
  command -v npm >/dev/null || apt_packages+=(npm)   # NodeSource's nodejs brings its own npm
fi
# --- end web edition
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
  # Wait for another apt run (unattended upgrades, a second setup) instead of failing at once.
  apt_opts=(-o DPkg::Lock::Timeout=600 -q)
  $SUDO apt-get "${apt_opts[@]}" update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}"
fi

# uv installs the locked versions; uv itself comes pinned and hash-checked from scripts/lock/uv.txt.
PYTHON="${PYTHON:-python3}"
tools=.tools/uv
if [ ! -x "$tools/bin/uv" ] || ! cmp -s scripts/lock/uv.txt "$tools/uv.txt"; then
  rm -rf "$tools"
  "$PYTHON" -m venv "$tools"
  "$tools/bin/python" -m pip install -q --require-hashes --no-deps -r scripts/lock/uv.txt
  cp scripts/lock/uv.txt "$tools/uv.txt"
fi

# --compile-bytecode: every package's modules are compiled once, here, not on each import by every
# refpub process of a machine where Python may not write its caches (PYTHONDONTWRITEBYTECODE, a
# read-only install): a cold build's imports take a second less.
sync_args=(--frozen --python "$PYTHON" --quiet --compile-bytecode)
case "$extras" in
  dev) sync_args+=(--extra dev) ;;
  bench) sync_args+=(--extra dev --extra bench) ;;
  "") ;;
  *) echo "setup: unknown option '$extras' (use dev or bench, or nothing)" >&2; exit 2 ;;
esac
export UV_PROJECT_ENVIRONMENT="${REFPUB_VENV:-.venv}"
export UV_PYTHON_DOWNLOADS=never   # use this machine's Python; never fetch one
"$tools/bin/uv" sync "${sync_args[@]}"
# refpub's own modules too (an editable install: a changed module is compiled again in memory).
"$UV_PROJECT_ENVIRONMENT/bin/python" -m compileall -q src/refpub >/dev/null

# DAISY Ace (the EPUB accessibility checker), pinned by scripts/ace/package-lock.json, into .tools/ace.
# It drives Debian's chromium (the tests set PUPPETEER_EXECUTABLE_PATH): no browser is downloaded,
# and install scripts are skipped (one of its dependencies would fetch an Electron build).
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  ace=.tools/ace
  if [ ! -x "$ace/node_modules/.bin/ace-puppeteer" ] || ! cmp -s scripts/ace/package-lock.json "$ace/package-lock.json"; then
    rm -rf "$ace"
    mkdir -p "$ace"
    cp scripts/ace/package.json scripts/ace/package-lock.json "$ace/"
    (cd "$ace" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
  fi
fi

# --- web edition (issue 18): axe-core for the accessibility checks of the browser tests, pinned,
# in a project-local folder (.tools/web/node_modules); npm comes with Debian's nodejs or NodeSource's.
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  axe_version=4.10.3
  if [ ! -f .tools/web/node_modules/axe-core/axe.min.js ] || ! grep -q "\"version\": \"$axe_version\"" .tools/web/node_modules/axe-core/package.json; then
    if ! command -v npm >/dev/null; then
      echo "setup: npm is missing (apt-get install npm); the browser tests need it for axe-core" >&2
      exit 1
    fi
    mkdir -p .tools/web
    npm install --silent --no-audit --no-fund --no-save --prefix .tools/web "axe-core@$axe_version"
  fi
fi
# --- end web edition
# --- veraPDF (issue 29): the PDF/UA-1 validator the tests run on every PDF, pinned and checked
# (scripts/verapdf/verapdf.txt), from Maven Central into .tools/verapdf/verapdf.jar; Java runs it.
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  verapdf=.tools/verapdf
  if [ ! -f "$verapdf/verapdf.jar" ] || ! cmp -s scripts/verapdf/verapdf.txt "$verapdf/verapdf.txt"; then
    artifact="$(sed -n 's/^artifact=//p' scripts/verapdf/verapdf.txt)"
    sha256="$(sed -n 's/^sha256=//p' scripts/verapdf/verapdf.txt)"
    rm -rf "$verapdf" && mkdir -p "$verapdf/download"
    mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
      -Dartifact="$artifact" -Dmdep.stripVersion=true -DoutputDirectory="$verapdf/download"
    jar="$verapdf/download/${artifact#*:}"; jar="${jar%%:*}.jar"
    if ! echo "$sha256  $jar" | sha256sum -c --quiet -; then
      echo "setup: $artifact does not have the SHA-256 in scripts/verapdf/verapdf.txt" >&2
      rm -rf "$verapdf"
      exit 1
    fi
    mv "$jar" "$verapdf/verapdf.jar" && rmdir "$verapdf/download"
    cp scripts/verapdf/verapdf.txt "$verapdf/verapdf.txt"
  fi
fi
# --- end veraPDF
# --- Fonts for the project's languages -----------------------------------------------------
# Every language in `languages` of content/publication.yaml needs a face fontconfig matches for
# it (`fc-list :lang=my`). While some language has none, install the next Noto package (they
# bring most scripts: Myanmar, Khmer, Sinhala, Devanagari, Bengali, Arabic, ...). Computed from
# the project, so a project in English and Japanese installs nothing more.
# PROJECT=path/to/project scripts/setup.sh checks another project. `dev` also checks the test
# publication in every script the tests build (tests/roots/scripts: Arabic, Burmese, Khmer, ...).
font_projects=("${PROJECT:-.}")
if [ "$extras" = "dev" ] || [ "$extras" = "bench" ]; then
  font_projects+=(tests/roots/scripts)
fi
fontless_languages() {
  "$UV_PROJECT_ENVIRONMENT/bin/python" - "${font_projects[@]/%//content/publication.yaml}" <<'PY'
import subprocess, sys, yaml
languages = []
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as f:
            languages += [l for l in (yaml.safe_load(f) or {}).get("languages") or [] if l not in languages]
    except OSError:
        pass
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
  $SUDO apt-get -o DPkg::Lock::Timeout=600 -q update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 -q install -y --no-install-recommends "$font_package"
done
needing="$(fontless_languages | tr '\n' ' ')"
if [ -n "${needing// /}" ]; then
  echo "setup: warning: still no font for ${needing}; install one that covers its script (see docs/translators.md)" >&2
fi
