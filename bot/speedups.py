"""Small, behaviour-preserving speed fixes for Rasa 3.6, applied by bot.patches.

RemoteAction validates every action server reply with jsonschema.validate(), which checks
the schema itself again on each call: about 100 ms per action on two cores, most of a
reply's time. We build the validator once and validate against the same schema.
"""
from __future__ import annotations

import functools

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@functools.lru_cache(maxsize=1)
def _action_result_validator():
    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self, result) -> bool:
    try:
        _action_result_validator().validate(result)
        return True
    except ValidationError as error:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

