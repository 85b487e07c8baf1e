"""The cached action-reply validator accepts and refuses exactly what Rasa's own does."""
import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

from bot import speedups

GOOD = {"events": [{"event": "slot", "name": "last_entry", "value": "x"}],
        "responses": [{"text": "hoi"}]}
BAD = [{"events": "geen lijst"}, {"responses": ["geen object"]}, {"events": [{"event": "onbekend"}]}]


def test_valid_reply_passes():
    assert speedups.validate_action_result(None, GOOD) is True


@pytest.mark.parametrize("reply", BAD)
def test_invalid_reply_is_refused_like_rasa_does(reply):
    with pytest.raises(ValidationError):
        validate(reply, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError):
        speedups.validate_action_result(None, reply)
