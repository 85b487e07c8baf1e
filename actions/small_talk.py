"""Small talk (greeting, thanks, "are you a person?") in the visitor's language.

The responses live in bot/domain.yml with a variation per language; this action picks
the one for the language of the message, which Rasa's own rendering cannot do in the
turn the language changes. The Dutch intent classifier also files longer messages in
Polish, Romanian, Bulgarian or Ukrainian as small talk ("Szef zabrał mi paszport…" as a
greeting): such a message goes through the one decision first (help preferred).
"""
from typing import Text

from actions import common
from actions.answer import answer_by_decision

RESPONSE_BY_INTENT = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_youre_welcome",
    "affirm": "utter_affirm",
    "deny": "utter_deny",
    "bot_challenge": "utter_bot_challenge",
    "what_can_you_do": "utter_what_can_you_do",
    "privacy_question": "utter_privacy",
}
# Small talk is short; a longer message in another language is more likely a question.
QUESTION_WORDS = 4


class ActionSmallTalk(common.VraagbaakAction):
    def name(self) -> Text:
        return "action_small_talk"

    def respond(self, dispatcher, tracker, snap):
        text = common.message_text(tracker)
        help_language = snap.kb.is_help_language(self.lang)
        # English small talk is in the training data; a help language's is not.
        if help_language and len(text.split()) >= QUESTION_WORDS:
            events = answer_by_decision(self, dispatcher, tracker, snap, prefer="help", clarify=False)
            if events is not None:
                return events
        response = RESPONSE_BY_INTENT.get(common.intent_of(tracker), "utter_help_pointer")
        if help_language and not common.has_variation(self.domain, response, self.lang):
            response = "utter_help_pointer"  # what can be said in this language
        common.utter(dispatcher, response, self.lang, self.domain)
        return []
