#!/usr/bin/env bash
# Sets up everything `make run` and `make test` need on a fresh Debian machine: the Debian packages
# that are missing (as root, or through sudo), the venv in .venv/, and the Python packages.
# Usage: scripts/setup.sh [run|test]
set -euo pipefail
cd "$(dirname "$0")/.."
purpose=${1:-run}

# the CJK faces embedded in the letters, and the HarfBuzz subsetter WeasyPrint needs to embed them fast
# (without it WeasyPrint falls back to fontTools: 15 s a letter instead of 0.3 s)
debian_packages="fonts-noto-cjk libharfbuzz-subset0"
if [ "$purpose" = test ]; then
  # the store tests run on PostgreSQL too; pdftotext and pdffonts check the letters' text and fonts
  # (and chromium is the browser Playwright drives for the page tests); wrk is the load generator of
  # bench/progress.py (`make bench` sets up the test purpose too)
  debian_packages="$debian_packages postgresql poppler-utils chromium wrk"
fi

missing=()
for pkg in $debian_packages; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else sudo="none"; fi
  if [ "$sudo" = none ]; then
    echo "setup: cannot install ${missing[*]} without root; the tests that need them will be skipped" >&2
  else
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$candidate; break
  fi
done
[ -n "$python" ] || { echo "setup: Python 3.11 is required" >&2; exit 1; }
[ -x .venv/bin/python ] || "$python" -m venv .venv

# Reinstall only when pyproject.toml changed since the last install.
stamp=".venv/.xiufu-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
  rm -f .venv/.xiufu-installed-*
  touch "$stamp"
fi
