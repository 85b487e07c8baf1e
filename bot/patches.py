"""The only places where Vraagbaak replaces a function of a library (Rasa 3.6.21).

Each has no public extension point in the pinned version; each is applied by
`bot.launcher` before Rasa starts, and tests/test_patches.py fails when the pinned library
changes the function that is replaced (its source hash is pinned there), so a Rasa
upgrade makes someone look again. See docs/architecture.md, "Patches".

1. `rasa.server.add_root_route` → the chat page on `/` (plus `/health` and the widget
   files). Rasa registers "Hello from Rasa" on `/` itself and an input channel is always
   mounted under /webhooks/; Sanic 21.12 refuses a second route on `/`.
2. `RemoteAction._validate_action_result` → the same JSON-schema check with a validator
   that is built once (bot/speedups.py). Rasa checks the schema itself again on every
   action call: about 100 ms per action on two cores, most of a reply's time.
3. `rasa.telemetry.initialize_error_reporting` → nothing. Rasa sets up crash reports to
   an outside host (Sentry) from the write key in its package, also when
   RASA_TELEMETRY_ENABLED=false; a traceback can hold what someone typed.
"""
from __future__ import annotations

import inspect
from typing import Callable, Dict, Tuple


def _targets() -> Dict[str, Tuple[object, str]]:
    import rasa.server
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction

    return {
        "rasa.server.add_root_route": (rasa.server, "add_root_route"),
        "RemoteAction._validate_action_result": (RemoteAction, "_validate_action_result"),
        "rasa.telemetry.initialize_error_reporting": (rasa.telemetry, "initialize_error_reporting"),
    }


_ORIGINALS: Dict[str, Callable] = {}


def original_sources() -> Dict[str, str]:
    """The source text of each function that `apply()` replaces, as the library has it."""
    sources = {}
    for name, (owner, attribute) in _targets().items():
        function = _ORIGINALS.get(name) or getattr(owner, attribute)
        sources[name] = inspect.getsource(function)
    return sources


def _add_root_route(app) -> None:
    from bot.website.pages import add_root_route as add_chat_page

    add_chat_page(app)


def _no_error_reporting() -> None:
    return None


def apply() -> None:
    from bot.speedups import validate_action_result

    replacements = {
        "rasa.server.add_root_route": _add_root_route,
        "RemoteAction._validate_action_result": validate_action_result,
        "rasa.telemetry.initialize_error_reporting": _no_error_reporting,
    }
    for name, (owner, attribute) in _targets().items():
        _ORIGINALS.setdefault(name, getattr(owner, attribute))
        setattr(owner, attribute, replacements[name])
