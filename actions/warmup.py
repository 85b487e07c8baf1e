"""Load the knowledge base and its index when the action server starts.

rasa-sdk imports every module of this package at start-up, so the first visitor does
not wait for the index to be built.
"""
import logging

from actions.knowledge.store import KnowledgeError, default_store

logger = logging.getLogger(__name__)

try:
    default_store().get()
except KnowledgeError as error:
    logger.error("Kennisbank laadt niet bij het starten: %d fout(en). Draai 'make check'.", len(error.problems))
