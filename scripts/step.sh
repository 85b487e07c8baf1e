#!/usr/bin/env bash
# Usage: scripts/step.sh "Beschrijving" LOGNAME command [args...]
# Runs a long step with its output in logs/LOGNAME.log and prints one short progress line.
set -u
label=$1; log=$2; shift 2
mkdir -p logs
start=$(date +%s)
printf '%s… ' "$label"
if "$@" >"logs/$log.log" 2>&1; then
  echo "klaar in $(( $(date +%s) - start )) s"
else
  rc=$?
  echo "MISLUKT na $(( $(date +%s) - start )) s (exit $rc). Laatste regels van logs/$log.log:"
  tail -n 25 "logs/$log.log" | sed 's/^/    /'
  exit $rc
fi
