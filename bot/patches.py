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
4. `ModelMetadata.from_dict` → the same with an empty train schema, applied only while
   the TensorFlow stand-in serves (bot/notensorflow.py, `apply_serving_without_tensorflow`).
   Loading a model deserialises the train schema too, and that imports every training
   component's class; the recipe validator's module imports DIET and so TensorFlow.
   Serving uses only the predict schema.
"""
from __future__ import annotations

import inspect
from typing import Callable, Dict, Tuple


def _targets() -> Dict[str, Tuple[object, str]]:
    import rasa.server
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction
    from rasa.engine.storage.storage import ModelMetadata

    return {
        "rasa.server.add_root_route": (rasa.server, "add_root_route"),
        "RemoteAction._validate_action_result": (RemoteAction, "_validate_action_result"),
        "rasa.telemetry.initialize_error_reporting": (rasa.telemetry, "initialize_error_reporting"),
        "ModelMetadata.from_dict": (ModelMetadata, "from_dict"),
    }


# Applied only by `apply_serving_without_tensorflow()`.
_SERVING_WITHOUT_TENSORFLOW = ("ModelMetadata.from_dict",)


_ORIGINALS: Dict[str, Callable] = {}


def original_sources() -> Dict[str, str]:
    """The source text of each function that `apply()` replaces, as the library has it."""
    sources = {}
    for name, (owner, attribute) in _targets().items():
        function = _ORIGINALS.get(name) or owner.__dict__[attribute]
        sources[name] = inspect.getsource(getattr(function, "__func__", function))
    return sources


def _add_root_route(app) -> None:
    from bot.website.pages import add_root_route as add_chat_page

    add_chat_page(app)


def _no_error_reporting() -> None:
    return None


@classmethod
def _metadata_without_train_schema(cls, serialized):
    original = _ORIGINALS["ModelMetadata.from_dict"].__func__
    return original(cls, dict(serialized, train_schema={"nodes": {}}))


def _replace(replacements: Dict[str, Callable]) -> None:
    targets = _targets()
    for name, replacement in replacements.items():
        owner, attribute = targets[name]
        _ORIGINALS.setdefault(name, owner.__dict__[attribute])
        setattr(owner, attribute, replacement)


def apply() -> None:
    from bot.speedups import validate_action_result

    _replace({
        "rasa.server.add_root_route": _add_root_route,
        "RemoteAction._validate_action_result": validate_action_result,
        "rasa.telemetry.initialize_error_reporting": _no_error_reporting,
    })


def apply_serving_without_tensorflow() -> None:
    """While bot/notensorflow.py stands in for TensorFlow: load models without their train schema."""
    _replace({"ModelMetadata.from_dict": _metadata_without_train_schema})
