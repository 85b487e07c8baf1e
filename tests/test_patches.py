"""At most four patches of library functions, each pinned to the library's source.

bot/patches.py replaces four functions of Rasa 3.6.21 where no public extension point
exists (docs/architecture.md, "Patches"); the fourth only while the TensorFlow stand-in
serves (bot/notensorflow.py). When an upgrade changes one of them, its source
hash changes and this test fails: look at the new version, then update the hash.
"""
import hashlib

import pytest

from bot import patches

PINNED = {
    "rasa.server.add_root_route": "acc5f7c278af32f8",
    "RemoteAction._validate_action_result": "f8cdb4be68123961",
    "rasa.telemetry.initialize_error_reporting": "17de74b41a45a81c",
    "ModelMetadata.from_dict": "ee3da9f00c7daa75",
}


def test_at_most_four_patches():
    assert len(patches.original_sources()) <= 4


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


def _serialized_metadata(train_component: str) -> dict:
    node = {"uses": train_component, "fn": "train", "needs": {}, "config": {}, "constructor_name": "create",
            "eager": False, "is_target": True, "is_input": False, "resource": None}
    return {"trained_at": "2026-01-01T00:00:00", "rasa_open_source_version": "3.6.21", "model_id": "x",
            "domain": {}, "train_schema": {"nodes": {"train_x": node}}, "predict_schema": {"nodes": {}},
            "training_type": 3, "project_fingerprint": "x", "core_target": None, "nlu_target": "x",
            "language": "nl"}


def test_serving_without_tensorflow_loads_models_without_their_train_schema():
    """The train schema names every training component; its classes are not imported."""
    from rasa.engine.exceptions import GraphSchemaException
    from rasa.engine.storage.storage import ModelMetadata

    serialized = _serialized_metadata("no_such_module.TrainOnlyComponent")
    original = ModelMetadata.__dict__["from_dict"]
    with pytest.raises(GraphSchemaException):
        ModelMetadata.from_dict(_serialized_metadata("no_such_module.TrainOnlyComponent"))
    try:
        patches.apply_serving_without_tensorflow()
        metadata = ModelMetadata.from_dict(serialized)
    finally:
        ModelMetadata.from_dict = original
    assert metadata.train_schema.nodes == {} and metadata.language == "nl"
    assert serialized["train_schema"]["nodes"]  # the caller's dict is left as it was


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
