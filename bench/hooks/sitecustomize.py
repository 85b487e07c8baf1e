"""Cache counters of a server under the benchmark (only on PYTHONPATH when bench/ starts it).

With VRAAGBAAK_BENCH_CACHE_STATS set to a directory, a daemon thread writes, every second,
`cache-stats-<pid>.json` there: for every functools.lru_cache function of the project's own
modules (actions.*, bot.*) its hits, misses and size. Names and counts only, never a message.
Production never has this directory on its path.
"""

import json
import os
import sys
import threading
import time

_DIR = os.environ.get("VRAAGBAAK_BENCH_CACHE_STATS")


def _collect():
    out = {}
    for name, module in list(sys.modules.items()):
        if not (name == "actions" or name.startswith(("actions.", "bot."))) or module is None:
            continue
        for attr, value in list(vars(module).items()):
            info = getattr(value, "cache_info", None)
            if callable(info) and getattr(value, "__module__", None) == name:
                try:
                    i = info()
                except Exception:  # pragma: no cover - a foreign cache_info
                    continue
                out[f"{name}.{attr}"] = {"hits": i.hits, "misses": i.misses,
                                         "size": i.currsize}
    return out


def _writer(path):
    while True:
        time.sleep(1.0)
        try:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump({"argv0": os.path.basename(sys.argv[0] if sys.argv else ""),
                           "caches": _collect()}, fh)
            os.replace(tmp, path)
        except Exception:  # noqa: BLE001 - counters must never disturb the server
            pass


if _DIR:
    threading.Thread(target=_writer, args=(os.path.join(_DIR, f"cache-stats-{os.getpid()}.json"),),
                     name="bench-cache-stats", daemon=True).start()
