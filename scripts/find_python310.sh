#!/usr/bin/env bash
# Prints the path of a working Python 3.10 interpreter, or explains the fix and exits 1.
# A pyenv shim named python3.10 may exist without a 3.10 behind it, so each candidate is run.
set -u
candidates=()
[[ -n "${PYTHON310:-}" ]] && candidates+=("$PYTHON310")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
for p in "$HOME"/.pyenv/versions/3.10.*/bin/python; do [[ -x "$p" ]] && candidates+=("$p"); done
for p in "${candidates[@]}"; do
  if "$p" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; then
    echo "$p"; exit 0
  fi
done
echo "Fout: Python 3.10 niet gevonden (Rasa 3.6 werkt alleen met 3.8-3.10); installeer het met 'pyenv install 3.10' of zet PYTHON310=/pad/naar/python3.10." >&2
exit 1
