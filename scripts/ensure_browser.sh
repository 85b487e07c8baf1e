#!/usr/bin/env bash
# Make sure the browser tests can run: Debian's Chromium at /usr/bin/chromium and
# axe-core in tests/e2e/node_modules. Playwright's own browser download is not used.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
  echo "Chromium installeren (eenmalig, ongeveer 2 minuten)…"
  if [[ $(id -u) -eq 0 ]]; then
    apt-get install -y chromium >/dev/null || { apt-get update >/dev/null && apt-get install -y chromium >/dev/null; }
  elif command -v sudo >/dev/null; then
    sudo apt-get install -y chromium >/dev/null || { sudo apt-get update >/dev/null && sudo apt-get install -y chromium >/dev/null; }
  else
    echo "Chromium ontbreekt. Installeer het als beheerder: apt-get install -y chromium" >&2
    exit 1
  fi
fi

if [[ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]]; then
  command -v npm >/dev/null || { echo "npm ontbreekt; installeer Node.js (apt-get install -y nodejs npm)." >&2; exit 1; }
  echo "axe-core installeren in tests/e2e…"
  (cd tests/e2e && { npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent axe-core@4; })
fi
