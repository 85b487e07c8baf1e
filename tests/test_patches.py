"""At most three patches of library functions, each pinned to the library's source.

bot/patches.py replaces three functions of Rasa 3.6.21 where no public extension point
exists (docs/architecture.md, "Patches"). When an upgrade changes one of them, its source
hash changes and this test fails: look at the new version, then update the hash.
"""
import hashlib

from bot import patches

PINNED = {
    "rasa.server.add_root_route": "acc5f7c278af32f8",
    "RemoteAction._validate_action_result": "f8cdb4be68123961",
    "rasa.telemetry.initialize_error_reporting": "17de74b41a45a81c",
}


def test_at_most_three_patches():
    assert len(patches.original_sources()) <= 3


def test_patched_functions_are_unchanged_in_the_pinned_library():
    found = {name: hashlib.sha256(source.encode()).hexdigest()[:16]
             for name, source in patches.original_sources().items()}
    assert found == PINNED


def test_apply_replaces_them_and_keeps_the_originals():
    import rasa.server
    import rasa.telemetry
    from rasa.core.actions.action import RemoteAction

    patches.apply()
    assert rasa.server.add_root_route is patches._add_root_route
    assert rasa.telemetry.initialize_error_reporting is patches._no_error_reporting
    assert RemoteAction._validate_action_result.__module__ == "bot.speedups"
    assert set(patches.original_sources()) == set(PINNED)


def test_no_other_module_patches_libraries():
    """The patches live in one module: no other module of ours assigns to a library."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    assignment = re.compile(r"^\s*(rasa|rasa_sdk|sanic|sanic_cors|logging|warnings|spacy)\.[\w.]+\s*=[^=]", re.M)
    for path in list((root / "bot").rglob("*.py")) + list((root / "actions").rglob("*.py")):
        if path.name == "patches.py":
            continue
        text = path.read_text(encoding="utf-8")
        assert not assignment.search(text), path
        assert "request_middleware" not in text and "callHandlers" not in text, path
        assert "_sanic_cors" not in text and "._tracker_store" not in text, path
        assert "exec(compile" not in text, path
        if path.parent.name == "actions":  # rasa-sdk imports these: no exit at import
            assert "sys.exit" not in text, path
