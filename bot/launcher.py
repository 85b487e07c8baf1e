"""Start the Rasa server: `python -m bot.launcher run --model models ...`.

Before Rasa is imported: no usage data leaves the machine, and every log record is
cleaned of message text and personal data (bot/logfilter.py). Then the knowledge base's
crisis part is checked (without it there is no vetted emergency number to give), the
three general patches are applied (bot/patches.py: the chat page on `/`, the cached
action-reply validator, no crash reports to outside hosts) and the normal Rasa command
line runs.

For `run` only, and only when the model has no TensorFlow component, a stand-in
`tensorflow` module is installed before Rasa is imported (bot/notensorflow.py; this is
the one place that decides it), and then the fourth patch (loading the model without its
train schema). `train` and everything else import the real TensorFlow, and so does `run`
with VRAAGBAAK_REAL_TENSORFLOW=1.
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


def _model_argument(argv) -> str:
    """The model `rasa run` will load: `--model PATH` / `-m PATH`, else Rasa's default folder."""
    for index, argument in enumerate(argv):
        if argument in ("--model", "-m") and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--model="):
            return argument.split("=", 1)[1]
    return "models"


def prepare(argv) -> bool:
    """Everything before Rasa's command line runs, for the arguments `argv` (without the
    program name). Returns True when the TensorFlow stand-in was installed."""
    serving = bool(argv) and argv[0] == "run"
    if serving:
        _knowledge_or_exit()
    without_tensorflow = False
    if serving and os.environ.get("VRAAGBAAK_REAL_TENSORFLOW") != "1":
        from pathlib import Path

        from bot import notensorflow

        without_tensorflow = notensorflow.install_if_unneeded(Path(_model_argument(argv[1:])))
    from bot import patches

    patches.apply()
    if without_tensorflow:
        patches.apply_serving_without_tensorflow()
    return without_tensorflow


def main() -> None:
    prepare(sys.argv[1:])
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
