"""Start the Rasa server with the chat page on `/`.

Rasa registers "Hello from Rasa" on `/` itself, so a channel cannot take the root path.
This launcher swaps that route for the website's page (and a health route), then runs
the normal Rasa command line: `python -m bot.launcher run --model models ...`.
"""
import os
import sys

# Before Rasa is imported: no usage data or crash reports leave the machine.
os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# No message text, sender ids or personal data in the log (see bot/logfilter.py).
from bot.logfilter import install as _install_log_filter  # noqa: E402

_install_log_filter()


def _add_root_route(app) -> None:
    from sanic import response

    @app.get("/health")
    async def health(request):
        return response.json({"status": "ok"})

    try:
        from bot.website.pages import add_root_route as add_chat_page
    except ImportError:  # the website is optional for integrations
        @app.get("/")
        async def root(request):
            return response.text("Vraagbaak")
    else:
        add_chat_page(app)


def _knowledge_or_exit() -> None:
    """Crisis patterns and help numbers come from knowledge/: without a valid base the
    assistant would have no vetted emergency number to give, so it does not start."""
    from actions.knowledge.store import KnowledgeError, default_store

    try:
        default_store().get()
    except KnowledgeError as error:
        print(f"De kennisbank laadt niet ({len(error.problems)} fout(en)); de assistent start niet. "
              "Draai 'make check' voor de details.", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        _knowledge_or_exit()
    import rasa.server
    import rasa.core.run
    import rasa.telemetry

    rasa.telemetry.initialize_error_reporting = lambda: None  # no crash reports to outside hosts
    rasa.server.add_root_route = _add_root_route
    rasa.core.run.server.add_root_route = _add_root_route

    import bot.speedups

    bot.speedups.apply()

    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
