#!/usr/bin/env bash
# Install whatever engage needs that this machine lacks, and nothing else.
# Each step checks first, so a second run on a ready machine takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(espeak-ng ffmpeg chromium fonts-noto-color-emoji fonts-opendyslexic fonts-noto-core sqlite3 zbar-tools nginx util-linux)
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
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  python3 -m venv .venv
fi
if [ ! -f .stamps/python ] || [ pyproject.toml -nt .stamps/python ]; then
  echo "setup: installing Python packages"
  .venv/bin/pip install -q --disable-pip-version-check -e '.[dev]'
  touch .stamps/python
fi

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
