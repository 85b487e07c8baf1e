"""The log filter installed by bot.launcher and bot.actionserver keeps personal data out
of log lines (through Python's record factory, so for every handler)."""
import logging
import sys

import pytest

from bot import logfilter


@pytest.fixture
def log_lines():
    logfilter.install()
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(logging.Formatter("%(levelname)s %(message)s").format(record))

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(handler)
    root.setLevel(old_level)
    logfilter.uninstall()


def test_sql_parameters_and_ids_are_hidden(log_lines):
    logging.getLogger("rasa.core.tracker_store").error(
        "Error happened when trying to save conversation tracker: (psycopg2.OperationalError) "
        "server closed the connection\n[SQL: INSERT INTO events (sender_id, data) VALUES "
        "(%(sender_id)s, %(data)s)]\n[parameters: {'sender_id': 'gebruiker-42', "
        "'data': '{\"text\": \"help mij\"}'}]\n(Background on this error at: https://sqlalche.me/e/14/e3q8)")
    logging.getLogger("rasa.core.lock_store").error("Could not acquire lock for conversation_id 'gebruiker-42'.")
    text = "\n".join(log_lines)
    assert "OperationalError" in text and "server closed the connection" in text
    assert "gebruiker-42" not in text and "help mij" not in text


def test_personal_data_in_messages_and_tracebacks_is_redacted(log_lines):
    try:
        raise ValueError("sender 'kind-7' schreef: bel 0612345678 of mail kim@example.nl")
    except ValueError:
        logging.getLogger("rasa.core.processor").exception("Fout bij verwerken")
    text = "\n".join(log_lines)
    assert "Fout bij verwerken" in text and "ValueError" in text
    for secret in ("kind-7", "0612345678", "kim@example.nl"):
        assert secret not in text


def test_debug_from_the_message_path_is_dropped(log_lines):
    logging.getLogger("rasa.core.processor").debug("Received user message 'geheim-bericht'")
    logging.getLogger("rasa_sdk.executor").debug("Received request {'text': 'geheim-bericht'}")
    logging.getLogger("rasa.core.processor").info("Loading model")
    assert not any("geheim-bericht" in line for line in log_lines)
    assert any("Loading model" in line for line in log_lines)


def test_sanic_access_records_lose_the_client_address(log_lines):
    record = logging.LogRecord("sanic.access", logging.INFO, __file__, 1, "", None, None)
    record.host, record.request, record.status = "203.0.113.9:51234", "POST /webhooks/rest/webhook", 200
    assert logfilter.clean_record(record)
    assert record.host == "-"


@pytest.mark.parametrize("module,library", [("launcher", "from rasa"), ("actionserver", "from rasa_sdk")])
def test_both_servers_install_the_filter_first(module, library):
    from conftest import REPO_ROOT

    source = (REPO_ROOT / "bot" / f"{module}.py").read_text()
    assert source.index("_install_log_filter()") < source.index(library)


def test_handlers_added_later_get_clean_records_too(log_lines):
    """Rasa and coloredlogs replace handlers after start-up; the record is clean already."""
    import io

    stream = io.StringIO()
    late = logging.StreamHandler(stream)
    logging.getLogger().addHandler(late)
    try:
        logging.getLogger("rasa.core.lock_store").error("Lock for conversation 'late-id-9' failed")
    finally:
        logging.getLogger().removeHandler(late)
    assert "Lock for conversation" in stream.getvalue() and "late-id-9" not in stream.getvalue()


def test_rasa_warnings_with_user_text_are_replaced(log_lines):
    import warnings

    warnings.warn("Failed to parse arguments in line '/kapot{ geheim-bericht'.", UserWarning)
    assert any("tekst weggelaten" in line for line in log_lines)
    assert not any("geheim" in line for line in log_lines)
    for text in ("Failed to parse arguments in line '/kapot{ geheim-bericht'. Continuing without x",
                 "Parsed an intent 'geheim-intent' which is not defined in the domain.",
                 "Invalid entity specification: geheim. Assuming no entities."):
        cleaned = logfilter.clean_warning(UserWarning(text))
        assert "geheim" not in cleaned and "tekst weggelaten" in cleaned
    assert logfilter.clean_warning("Iets anders: mail kim@example.nl") == "Iets anders: mail [E-MAIL]"
