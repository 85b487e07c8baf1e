#!/usr/bin/env bash
# Usage: scripts/content_hash.sh STAMP FILE...
# Writes the SHA-256 of the files' names and contents to STAMP, but only when it differs
# from what STAMP holds: make then rebuilds what depends on STAMP only when a file's
# content changed, whatever the file times (a fresh clone, a checkout, a touch).
set -eu
stamp=$1; shift
new=$(sha256sum -- "$@" | sha256sum | cut -d' ' -f1)
if [[ ! -f "$stamp" ]] || [[ "$(cat "$stamp")" != "$new" ]]; then
  mkdir -p "$(dirname "$stamp")"
  printf '%s\n' "$new" > "$stamp"
fi
