"""Start the action server: `python -m bot.actionserver --actions actions -p 5055`.

The same command line as `python -m rasa_sdk`, with two things first:
- every log record is cleaned of message text and personal data (bot/logfilter.py),
  before rasa-sdk is imported, as in the Rasa server;
- the knowledge base is loaded and its search index built, so the first visitor does not
  wait for it. Without a valid knowledge base there are no vetted help numbers to give,
  so the server does not start (exit code 1).
"""
import logging
import os
import sys

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from bot.logfilter import install as _install_log_filter  # noqa: E402

_install_log_filter()

logger = logging.getLogger("bot.actionserver")


def warm_up() -> bool:
    """Load the knowledge base and build the index; False (with the problems logged) when
    no valid version loads."""
    from actions.knowledge.store import KnowledgeError, default_store

    try:
        default_store().get().retriever
    except KnowledgeError as error:
        logging.basicConfig(format="%(levelname)s %(name)s - %(message)s")
        for problem in error.problems:
            logger.error("%s", problem)
        logger.critical("Kennisbank laadt niet (%d fout(en)); de actieserver start niet. "
                        "Draai 'make check'.", len(error.problems))
        return False
    return True


def main() -> None:
    if not warm_up():
        sys.exit(1)
    from rasa_sdk.__main__ import main as rasa_sdk_main

    sys.argv[0] = "rasa_sdk"
    rasa_sdk_main()


if __name__ == "__main__":
    main()
