"""Load the knowledge base and its index when the action server starts.

rasa-sdk imports every module of this package at start-up, so the first visitor does
not wait for the index to be built. Without a valid knowledge base there are no vetted
help numbers to give, so the server refuses to start rather than serve without them.
"""
import logging
import sys

from actions.knowledge.store import KnowledgeError, default_store

logger = logging.getLogger(__name__)

try:
    default_store().get()
except KnowledgeError as error:
    for problem in error.problems:
        logger.error("%s", problem)
    logger.critical("Kennisbank laadt niet (%d fout(en)); de actieserver start niet. Draai 'make check'.",
                    len(error.problems))
    sys.exit(1)
