"""Build rasa-sdk trackers for action tests (as in RasaHQ/financial-demo)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(text: str, intent: str, entities: Optional[List[Dict[str, Any]]] = None,
                 slots: Optional[Dict[str, Any]] = None, sender: str = "test") -> Tracker:
    return Tracker.from_dict({
        "sender_id": sender,
        "slots": slots or {},
        "latest_message": {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
        "events": [],
        "paused": False,
        "latest_input_channel": "rest",
        "active_loop": {},
        "latest_action_name": "action_listen",
    })


async def run_action(action, text: str, intent: str, **kwargs):
    """Run `action` and return (texts, buttons, events)."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, make_tracker(text, intent, **kwargs), {})
    texts = [m.get("text") or m.get("response") for m in dispatcher.messages]
    buttons = [b for m in dispatcher.messages for b in (m.get("buttons") or [])]
    return texts, buttons, events, dispatcher.messages
