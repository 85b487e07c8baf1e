"""The Rasa server serves our model without importing TensorFlow (bot/notensorflow.py).

Real TensorFlow costs seconds of start-up and some 300 MB in every Rasa server. These
tests fail when it comes back while serving, when Rasa's import chain asks the stand-in
for something else than the two base classes it is known to need, or when a model with a
TensorFlow component would be served with the stand-in.
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from bot import notensorflow

REPO_ROOT = Path(__file__).resolve().parents[1]

# What Rasa 3.6.21's own modules take from `tensorflow` when `rasa run` is imported. When
# an upgrade changes this list, check that the new names are still only needed to define
# training classes, then update it (or drop the stand-in).
RASA_ASKS = [
    ["rasa.utils.tensorflow.callback", "tensorflow", "keras"],
    ["rasa.utils.tensorflow.callback", "tensorflow.keras", "callbacks"],
    ["rasa.utils.tensorflow.callback", "tensorflow.keras.callbacks", "Callback"],
    ["rasa.utils.tensorflow.data_generator", "tensorflow.keras.utils", "Sequence"],
]

# Runs in a fresh interpreter: what the launcher does for `run` with a model without
# TensorFlow, then what the Rasa server imports, then every component class the stand-in
# is allowed for.
_IMPORT_CHAIN = """
import json, sys
from bot import notensorflow, patches
notensorflow.install()
patches.apply()
patches.apply_serving_without_tensorflow()
import rasa.__main__, rasa.cli.run, rasa.core.run, rasa.server, rasa.core.agent
import rasa.shared.utils.common as common
for name in sorted(notensorflow.WITHOUT_TENSORFLOW):
    common.class_from_module_path(name)
print(json.dumps({
    "stand_in": notensorflow.installed(),
    "asked": sorted({a for a in notensorflow.ASKED if a[0].startswith("rasa")}),
    "tensorflow_modules": sorted(m for m in sys.modules if m.split(".")[0] in
                                 ("tensorflow", "keras", "tensorflow_hub", "tensorflow_text", "tensorflow_addons")),
}))
"""


def _archive(path: Path, classes) -> Path:
    metadata = {"predict_schema": {"nodes": {f"node{i}": {"uses": name} for i, name in enumerate(classes)}}}
    data = json.dumps(metadata).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


OUR_MODEL = [
    "rasa.nlu.utils.spacy_utils.SpacyNLP",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "rasa.core.policies.rule_policy.RulePolicy",
    "bot.crisis_override.CrisisPatternOverride",
]


def test_a_model_without_tensorflow_components_gets_the_stand_in(tmp_path):
    assert not notensorflow.needs_tensorflow(_archive(tmp_path / "light.tar.gz", OUR_MODEL))


@pytest.mark.parametrize("component", [
    "rasa.nlu.classifiers.diet_classifier.DIETClassifier",
    "rasa.core.policies.ted_policy.TEDPolicy",
    "rasa.nlu.selectors.response_selector.ResponseSelector",
    "rasa.nlu.featurizers.dense_featurizer.lm_featurizer.LanguageModelFeaturizer",
    "someone_elses.Component",
])
def test_a_model_with_any_other_component_gets_the_real_tensorflow(tmp_path, component):
    assert notensorflow.needs_tensorflow(_archive(tmp_path / "heavy.tar.gz", OUR_MODEL + [component]))


def test_an_unreadable_or_missing_model_gets_the_real_tensorflow(tmp_path):
    (tmp_path / "broken.tar.gz").write_bytes(b"not a tar file")
    assert notensorflow.needs_tensorflow(tmp_path / "broken.tar.gz")
    assert notensorflow.needs_tensorflow(tmp_path / "absent.tar.gz")
    assert notensorflow.needs_tensorflow(tmp_path)  # a folder without models


def test_the_newest_model_in_a_folder_decides(tmp_path):
    import os

    _archive(tmp_path / "old.tar.gz", OUR_MODEL + ["rasa.core.policies.ted_policy.TEDPolicy"])
    os.utime(tmp_path / "old.tar.gz", (1, 1))
    _archive(tmp_path / "new.tar.gz", OUR_MODEL)
    assert not notensorflow.needs_tensorflow(tmp_path)


def test_only_serving_installs_the_stand_in():
    """`train` (and anything but `run`) keeps the real TensorFlow: the launcher decides it."""
    source = (REPO_ROOT / "bot" / "launcher.py").read_text(encoding="utf-8")
    assert source.count("install_if_unneeded(") == 1
    code = ("import sys; from bot import launcher, notensorflow; launcher.prepare(['train', '--model', 'models']); "
            "import tensorflow; print(notensorflow.installed(), hasattr(tensorflow, 'function'))")
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", code], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "False True"


def test_names_the_stand_in_lacks_raise_attribute_error():
    """skops scans sys.modules with getattr(module, name, default): a missing name must
    raise AttributeError, as with a real module."""
    code = ("from bot import notensorflow; notensorflow.install(); import sys; tf = sys.modules['tensorflow']; "
            "assert getattr(tf, 'sqrt', None) is None; assert not hasattr(tf.keras.utils, 'zetac'); "
            "import tensorflow.keras.utils as u; print(u.Sequence.__module__)")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "bot.notensorflow"


def test_rasas_import_chain_takes_only_the_two_base_classes():
    result = subprocess.run([sys.executable, "-W", "ignore", "-c", _IMPORT_CHAIN], cwd=REPO_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["stand_in"]
    assert found["asked"] == RASA_ASKS
    # nothing behind the stand-in: no part of the real TensorFlow or Keras was imported
    assert found["tensorflow_modules"] == ["tensorflow", "tensorflow.keras", "tensorflow.keras.callbacks",
                                           "tensorflow.keras.utils"]


@pytest.mark.slow
def test_the_rasa_server_answers_without_loading_tensorflow(tmp_path):
    """Started as make run starts it (bot/serve.py): it answers, and TensorFlow's shared
    library is not in its memory map (with real TensorFlow it is: libtensorflow_framework)."""
    from bot.serve import DEFAULT_MODEL, Stack, ask
    from tests.conftest import free_port

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train` (make test doet dat zelf).")
    assert not notensorflow.needs_tensorflow(DEFAULT_MODEL), "the model has a TensorFlow component"
    with Stack(rasa_port=free_port(), action_port=free_port(), log_dir=tmp_path) as stack:
        reply = ask(stack.rasa_port, "hallo", sender="notensorflow")
        rasa = stack.processes[-1]
        maps = Path(f"/proc/{rasa.pid}/maps").read_text()
        status = Path(f"/proc/{rasa.pid}/status").read_text()
    assert reply and "Vraagbaak" in reply[0]["text"]
    assert "libtensorflow" not in maps and "_pywrap_tensorflow" not in maps
    rss_mb = int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) // 1024
    assert rss_mb < 600, f"Rasa server uses {rss_mb} MB after a message (about 410 without TensorFlow)"
