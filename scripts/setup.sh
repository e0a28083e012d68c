#!/usr/bin/env bash
# Install whatever engage needs that this machine lacks, and nothing else.
# Each step checks first, so a second run on a ready machine takes about a second.
# `--python-only` (for `make lock`) stops once the virtualenv has the locked packages.
set -euo pipefail
cd "$(dirname "$0")/.."
python_only=0
[ "${1:-}" = "--python-only" ] && python_only=1

if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: engage needs Python 3.11 or later as python3" >&2
  exit 1
fi
python_version=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')

apt_packages=(espeak-ng ffmpeg chromium fonts-noto-color-emoji fonts-opendyslexic fonts-noto-core sqlite3 zbar-tools nginx util-linux libpango-1.0-0 libpangoft2-1.0-0 postgresql postgresql-contrib libpq5)
# Debian's own Python makes a virtualenv only with its pythonX.Y-venv package (ensurepip).
if dpkg-query -S "$(readlink -f "$(command -v python3)")" >/dev/null 2>&1; then
  apt_packages+=("python${python_version}-venv")
fi
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The HTML checker runs on Java; any headless JRE will do.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: these need root: apt-get install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

mkdir -p .stamps
# A virtualenv whose pip does not run (half-made by a failed first try, or its Python gone in
# an upgrade) is made again rather than trusted.
if [ -e .venv ] && ! .venv/bin/python -m pip --version >/dev/null 2>&1; then
  echo "setup: .venv is broken or half-made; making it again"
  rm -rf .venv .stamps/python
fi
if [ ! -e .venv ]; then
  echo "setup: creating .venv"
  if ! python3 -m venv .venv; then
    rm -rf .venv
    exit 1
  fi
fi
# Exact versions with hashes from requirements/dev.txt (`make lock` writes it from
# pyproject.toml); installed again whenever the lock, pyproject.toml or the Python changes.
python_state=$(cat requirements/dev.txt pyproject.toml <(.venv/bin/python -VV) | sha256sum)
if [ "$(cat .stamps/python 2>/dev/null)" != "$python_state" ]; then
  echo "setup: installing the locked Python packages"
  pip=(.venv/bin/python -m pip --disable-pip-version-check --quiet)
  # The pip that Python 3.11's venv starts with (23.2) refuses a locked package that another
  # asks for with an extra (WeasyPrint's fonttools[woff]) and fetches an unpinned one instead,
  # so the locked pip goes in first, on its own.
  awk '/^pip==/ {p = 1} p {print} p && !/\\$/ {exit}' requirements/dev.txt >.stamps/pip.txt
  "${pip[@]}" install --require-hashes -r .stamps/pip.txt
  "${pip[@]}" install --require-hashes -r requirements/dev.txt
  # setuptools' advice about editable installs is for package authors, not someone setting up.
  PYTHONWARNINGS=ignore "${pip[@]}" install --no-deps --no-build-isolation -e .
  if [ "$python_only" -eq 1 ]; then
    exit 0
  fi
  .venv/bin/python scripts/lock_check.py
  echo "$python_state" >.stamps/python
fi
[ "$python_only" -eq 1 ] && exit 0

if [ ! -f .stamps/npm ] || [ package.json -nt .stamps/npm ] || [ package-lock.json -nt .stamps/npm ]; then
  echo "setup: installing npm dev packages"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  touch .stamps/npm
fi

if [ -d translations ] && ls translations/*/LC_MESSAGES/*.po >/dev/null 2>&1; then
  stale=0
  for po in translations/*/LC_MESSAGES/*.po; do
    [ -f "${po%.po}.mo" ] && [ "${po%.po}.mo" -nt "$po" ] || stale=1
  done
  if [ "$stale" -eq 1 ]; then
    .venv/bin/pybabel -q compile -d translations
  fi
fi
