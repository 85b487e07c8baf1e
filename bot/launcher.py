"""Start the Rasa server: `python -m bot.launcher run --model models ...`.

Before Rasa is imported: no usage data leaves the machine, and every log record is
cleaned of message text and personal data (bot/logfilter.py). Then the knowledge base's
crisis part is checked (without it there is no vetted emergency number to give), the
three remaining patches are applied (bot/patches.py: the chat page on `/`, the cached
action-reply validator, no crash reports to outside hosts) and the normal Rasa command
line runs.
"""
import os
import sys

os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# Sanic refuses bodies above this before reading them; the front door's own, smaller
# limit (settings.yml front_door.max_body_bytes) answers with a friendly text.
os.environ.setdefault("SANIC_REQUEST_MAX_SIZE", "1048576")

from bot.logfilter import install as _install_log_filter  # noqa: E402

_install_log_filter()


def _knowledge_or_exit() -> None:
    """Crisis patterns and help numbers come from knowledge/: without a valid base the
    assistant would have no vetted emergency number to give, so it does not start."""
    from actions.knowledge.store import KnowledgeError, crisis_store

    try:
        crisis_store().get()
    except KnowledgeError as error:
        print(f"De kennisbank laadt niet ({len(error.problems)} fout(en)); de assistent start niet. "
              "Draai 'make check' voor de details.", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        _knowledge_or_exit()
    from bot import patches

    patches.apply()

    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
