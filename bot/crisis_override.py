"""NLU component: crisis patterns from knowledge/crisis.yml override the classifier.

Recall of crisis messages must not depend on one statistical model. When a pattern
matches, the intent becomes crisis_danger or crisis_suicide with confidence 1.0, whatever
the classifier thought, at any turn of the conversation.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from actions.knowledge.store import KnowledgeError, default_store

logger = logging.getLogger(__name__)

CRISIS_INTENTS = {"danger": "crisis_danger", "suicide": "crisis_suicide"}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisPatternOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisPatternOverride":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        try:
            detector = default_store().get().crisis
        except KnowledgeError:
            logger.error("Crisispatronen niet beschikbaar: de kennisbank laadt niet.")
            return messages
        for message in messages:
            rule = detector.detect(message.get(TEXT) or "")
            if rule is None:
                continue
            name = CRISIS_INTENTS[rule.kind]
            intent = {"name": name, "confidence": 1.0}
            ranking = [r for r in (message.get(INTENT_RANKING_KEY) or []) if r.get("name") != name]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data):
        return training_data
