"""`make run`: start the action server and the Rasa server, print the address, stop on Ctrl-C.

TERM, INT or HUP, once or more (a service manager signals the whole process group, and
make passes a TERM on as well), stops both servers: the first signal starts the stop, the
ones after it are ignored. VRAAGBAAK_RASA_PORT / VRAAGBAAK_ACTION_PORT choose other ports.
"""
import os
import signal
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.serve import Stack, ask  # noqa: E402

RASA_PORT = int(os.environ.get("VRAAGBAAK_RASA_PORT", "5005"))
ACTION_PORT = int(os.environ.get("VRAAGBAAK_ACTION_PORT", "5055"))
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def _stop(signum, frame) -> None:
    for number in STOP_SIGNALS:  # stopping has begun: further signals must not interrupt it
        signal.signal(number, signal.SIG_IGN)
    raise KeyboardInterrupt


def main() -> int:
    start = time.monotonic()
    stack = Stack(RASA_PORT, ACTION_PORT)
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)
    print("Assistent starten… ", end="", flush=True)
    try:
        stack.start()
        stack.wait_ready()
        try:
            ask(RASA_PORT, "hallo", sender="opstartcontrole")  # warms the model; not kept after expiry
        except OSError as error:  # the servers answer their health checks; say so and go on
            print(f"(eerste testbericht mislukt: {error}; zie logs/) ", end="")
        print(f"klaar in {time.monotonic() - start:.0f} s")
        print(f"Vraagbaak draait: open http://localhost:{RASA_PORT}/ in je browser "
              f"(REST: http://localhost:{RASA_PORT}/webhooks/rest/webhook). Stoppen: Ctrl-C.")
        while all(p.alive() for p in stack.processes):
            time.sleep(1)
        print("Een server is gestopt; zie logs/ voor details.")
        return 1
    except KeyboardInterrupt:
        print("\nStoppen…")
        return 0
    except (RuntimeError, TimeoutError) as error:
        print(f"mislukt: {error}")
        return 1
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
