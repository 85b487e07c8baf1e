"""Dutch conversations the load generator sends to both bots.

Each conversation is what one visitor of the chat page might type in one visit: a greeting,
questions about figures or help, follow-ups that lean on the previous answer ("en meisjes?",
"wat is de bron?") and a thank-you or goodbye. Every conversation gets a sender id of its own
(as the web widget gives every visit one), so trackers stay the size of a real conversation.
The default `rasa init` bot gets exactly the same messages: it misunderstands them, which does
not matter for a latency reference.
"""

from __future__ import annotations

import random
from typing import Iterator, List, Tuple

CONVERSATIONS: List[List[str]] = [
    ["hoi", "hoeveel slachtoffers van mensenhandel zijn er in Nederland?", "en meisjes?",
     "wat is de bron?", "bedankt!"],
    ["goedemorgen", "hoeveel kinderen worden er seksueel misbruikt?", "wat is de bron?", "doei"],
    ["waar kan ik hulp krijgen als ik word uitgebuit?", "kan dat anoniem?", "dank je"],
    ["hallo", "wat kun je allemaal?", "hoeveel minderjarigen zijn slachtoffer van seksuele uitbuiting?",
     "en jongens?", "wat is de bron?"],
    ["ik maak me zorgen om een vriendin die misschien wordt uitgebuit, wie kan ik bellen?",
     "kan ik daar anoniem bellen?", "bedankt voor de hulp"],
    ["hoeveel mensen worden slachtoffer van arbeidsuitbuiting?", "en meisjes?",
     "waar komt dat cijfer vandaan?"],
    ["hey", "hoe vaak komt online seksueel misbruik van kinderen voor?", "en bij jongens?",
     "wat is de bron?", "oké, dankjewel"],
    ["ik wil melden dat ik misbruikmateriaal van kinderen online heb gezien, waar kan dat?",
     "kan dat anoniem?", "dank je wel"],
    ["hallo", "ben jij een robot?", "hoeveel slachtoffers van mensenhandel worden er per jaar gemeld?",
     "en minderjarigen?", "wat is de bron?", "doei"],
    ["ik ben docent en denk dat een leerling wordt misbruikt, wat moet ik doen?",
     "bij welke organisatie kan ik terecht?", "bedankt"],
    ["goedemiddag", "hoeveel jongens worden slachtoffer van seksueel geweld?", "en meisjes?",
     "wat is de bron?"],
    ["ik heb hulp nodig", "ik ben zelf slachtoffer van uitbuiting", "kan ik anoniem chatten?",
     "dankjewel"],
]

# The message used to find out whether a freshly started server answers.
PROBE_MESSAGE = "hallo"


def conversation_stream(user: int, seed: int, tag: str) -> Iterator[Tuple[str, str]]:
    """Endless (sender id, message) pairs for one simulated user.

    The user walks through the conversations in an order of its own (seeded, so runs are
    repeatable); every conversation has a fresh sender id `bench-<tag>-u<user>-c<n>`.
    """
    rng = random.Random(seed * 1000 + user)
    n = 0
    while True:
        order = list(range(len(CONVERSATIONS)))
        rng.shuffle(order)
        for index in order:
            sender = f"bench-{tag}-u{user:02d}-c{n:04d}"
            n += 1
            for message in CONVERSATIONS[index]:
                yield sender, message
