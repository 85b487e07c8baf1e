"""A stand-in `tensorflow` module for a Rasa server whose model needs no TensorFlow.

Rasa 3.6 imports TensorFlow when it starts, even when no component of the model uses it:
`rasa.core.agent` → policies → tracker featurizers → `rasa.nlu.extractors.extractor` →
`rasa.utils.train_utils` → `rasa.utils.tensorflow.callback` → `import tensorflow`. Importing
it costs seconds and some 300 MB. At import time Rasa needs only two names from it, both as
base classes of classes it never instantiates when serving such a model:
`tf.keras.callbacks.Callback` and `tensorflow.keras.utils.Sequence`.

`bot.launcher` calls `install_if_unneeded(model)` before Rasa is imported, only for
`run` and only when every component of the model's prediction graph is in
`WITHOUT_TENSORFLOW` (or is one of ours, in `bot.`). Otherwise, and always for `train`,
the real TensorFlow is imported as usual. While the stand-in is installed, loading the
model also skips the train schema (bot/patches.py, `ModelMetadata.from_dict`): its recipe
validator imports DIET, and serving never uses it.

Any other name raises AttributeError, as a real module does: skops (imported by Rasa)
scans `sys.modules` with `getattr(module, name, default)`. Every name asked for is
recorded in `ASKED`, so tests/test_notensorflow.py notices when Rasa's import chain changes.
"""
from __future__ import annotations

import json
import sys
import tarfile
import types
from pathlib import Path
from typing import List, Optional, Set, Tuple

# Components of Rasa 3.6 that neither import nor run TensorFlow when they predict.
WITHOUT_TENSORFLOW = frozenset({
    "rasa.core.policies.ensemble.DefaultPolicyPredictionEnsemble",
    "rasa.core.policies.memoization.MemoizationPolicy",
    "rasa.core.policies.memoization.AugmentedMemoizationPolicy",
    "rasa.core.policies.rule_policy.RulePolicy",
    "rasa.graph_components.converters.nlu_message_converter.NLUMessageConverter",
    "rasa.graph_components.providers.domain_provider.DomainProvider",
    "rasa.graph_components.providers.rule_only_provider.RuleOnlyDataProvider",
    "rasa.nlu.classifiers.fallback_classifier.FallbackClassifier",
    "rasa.nlu.classifiers.logistic_regression_classifier.LogisticRegressionClassifier",
    "rasa.nlu.classifiers.regex_message_handler.RegexMessageHandler",
    "rasa.nlu.extractors.entity_synonyms.EntitySynonymMapper",
    "rasa.nlu.extractors.regex_entity_extractor.RegexEntityExtractor",
    "rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer.CountVectorsFeaturizer",
    "rasa.nlu.featurizers.sparse_featurizer.regex_featurizer.RegexFeaturizer",
    "rasa.nlu.tokenizers.spacy_tokenizer.SpacyTokenizer",
    "rasa.nlu.tokenizers.whitespace_tokenizer.WhitespaceTokenizer",
    "rasa.nlu.utils.spacy_utils.SpacyNLP",
})
OUR_COMPONENTS = "bot."

# (asking module, stand-in module, attribute) for each name asked for, in order.
ASKED: List[Tuple[str, str, str]] = []


class _StandIn(types.ModuleType):
    """A module that records which names are asked of it and holds only what it was given."""

    def __getattribute__(self, name: str):
        if not name.startswith("__"):
            caller = sys._getframe(1).f_globals.get("__name__", "?")
            ASKED.append((caller, types.ModuleType.__getattribute__(self, "__name__"), name))
        return types.ModuleType.__getattribute__(self, name)

    def __getattr__(self, name: str):  # only reached for names the stand-in lacks
        raise AttributeError(f"{self.__name__} is a stand-in for a model without TensorFlow; "
                             f"it has no attribute {name!r}")


class Callback:
    """Stands in for `tf.keras.callbacks.Callback` (base class of Rasa's training callbacks)."""


class Sequence:
    """Stands in for `tf.keras.utils.Sequence` (base class of Rasa's training data generators)."""


def _module(name: str, **attributes) -> _StandIn:
    module = _StandIn(name, "Stand-in: the model being served has no TensorFlow component.")
    module.__file__ = __file__
    module.__path__ = []  # a package, so that `import tensorflow.keras.utils` finds its parts
    for key, value in attributes.items():
        setattr(module, key, value)
    return module


def install() -> None:
    """Put the stand-in into sys.modules (before anything imports the real one)."""
    if "tensorflow" in sys.modules:
        return
    callbacks = _module("tensorflow.keras.callbacks", Callback=Callback)
    utils = _module("tensorflow.keras.utils", Sequence=Sequence)
    keras = _module("tensorflow.keras", callbacks=callbacks, utils=utils)
    tensorflow = _module("tensorflow", keras=keras)
    ASKED.clear()
    sys.modules.update({module.__name__: module for module in (tensorflow, keras, callbacks, utils)})


def installed() -> bool:
    return isinstance(sys.modules.get("tensorflow"), _StandIn)


def _archive(model: Path) -> Optional[Path]:
    """The archive Rasa loads for `--model`: the file, or the newest archive in the folder."""
    if model.is_dir():
        archives = sorted(model.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
        return archives[-1] if archives else None
    return model if model.is_file() else None


def components(model: Path) -> Optional[Set[str]]:
    """The component classes of the model's prediction graph, or None if it cannot be read."""
    archive = _archive(model)
    if archive is None:
        return None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                if member.name.lstrip("/").lstrip("./") == "metadata.json":
                    metadata = json.load(tar.extractfile(member))
                    return {node["uses"] for node in metadata["predict_schema"]["nodes"].values()}
    except (OSError, tarfile.TarError, KeyError, ValueError, TypeError):
        return None
    return None


def needs_tensorflow(model: Path) -> bool:
    found = components(model)
    if not found:
        return True
    return any(not (name in WITHOUT_TENSORFLOW or name.startswith(OUR_COMPONENTS)) for name in found)


def install_if_unneeded(model: Path) -> bool:
    """Install the stand-in when the model needs no TensorFlow; True if it was installed."""
    if needs_tensorflow(model):
        return False
    install()
    return True
