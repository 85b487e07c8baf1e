"""Vetted knowledge: loading, validation, retrieval and formatting.

This package does not import Rasa or rasa-sdk, so the action server, the Rasa server
(crisis patterns), the `vraagbaak` command and the tests can all use it.
"""
from actions.knowledge.model import KnowledgeBase
from actions.knowledge.store import KnowledgeStore, default_store

__all__ = ["KnowledgeBase", "KnowledgeStore", "default_store"]
