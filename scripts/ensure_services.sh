#!/usr/bin/env bash
# Make sure the programs for the production-profile tests are installed: PostgreSQL
# (initdb, pg_ctl, postgres) and redis-server, from Debian's packages.
#
# It only installs. It never starts them as system services: the tests start their own
# PostgreSQL and Redis in a temporary folder, bound to 127.0.0.1 on free ports, and stop
# them afterwards (tests/test_scale_out.py).
#
#   scripts/ensure_services.sh          install what is missing, print where it is
#   scripts/ensure_services.sh --check  only report; exit 1 when something is missing
set -euo pipefail

pg_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      echo "$dir"; return 0
    fi
  done
  return 1
}

missing=()
pg_bin >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || [[ -x /usr/bin/redis-server ]] || missing+=(redis-server)

if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ "${1:-}" == "--check" ]]; then
    echo "Ontbreekt: ${missing[*]}. Installeer met: scripts/ensure_services.sh" >&2
    exit 1
  fi
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
      echo "Ontbreekt: ${missing[*]}. Installeer als root: apt-get install -y ${missing[*]}" >&2
      exit 1
    fi
  else
    SUDO=
  fi
  echo "Installeren: ${missing[*]} (Debian-pakketten)…"
  export DEBIAN_FRONTEND=noninteractive
  apt_log="$(cd "$(dirname "$0")/.." && pwd)/logs/apt-services.log"
  mkdir -p "$(dirname "$apt_log")"
  # Debian's packages try to start the services; a policy-rc.d that says no keeps them off.
  policy=/usr/sbin/policy-rc.d
  added_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee $policy >/dev/null && $SUDO chmod +x $policy && added_policy=1
  fi
  trap '[[ $added_policy == 1 ]] && $SUDO rm -f $policy || true' EXIT
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    # another apt run may hold the lock for a while
    if $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1; then
      break
    fi
    if [[ $attempt == 1 ]]; then $SUDO apt-get update >/dev/null 2>&1 || true; fi
    if [[ $attempt == 10 ]]; then
      echo "Installeren mislukt; zie $apt_log" >&2; exit 1
    fi
    sleep 10
  done
fi

echo "PostgreSQL: $(pg_bin)"
echo "Redis: $(command -v redis-server || echo /usr/bin/redis-server)"
