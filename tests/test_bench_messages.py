"""Which messages the benchmark sends (bench/messages.py): no servers needed."""

import itertools
from collections import defaultdict
from pathlib import Path

from bench import messages
from bench.messages import LANGUAGES, conversation_stream, conversations, parse_cases

ROOT = Path(__file__).resolve().parent.parent


def take(stream, n):
    return list(itertools.islice(stream, n))


def test_messages_come_from_the_dev_set_only():
    assert messages.DEV_SET.resolve() == (ROOT / "tests" / "eval" / "heldout.yml").resolve()
    import yaml
    dev = {str(t).strip() for c in yaml.safe_load(messages.DEV_SET.read_text(encoding="utf-8"))["cases"]
           for t in c["turns"]}
    assert {m for _, m in take(conversation_stream(0, 1, "t"), 2000)} <= dev


def test_at_least_300_distinct_messages_in_all_six_languages():
    convs = conversations()
    distinct = {t for c in convs for t in c.turns}
    assert len(distinct) >= 300
    by_lang = defaultdict(set)
    for c in convs:
        by_lang[c.lang].update(c.turns)
    assert set(by_lang) == set(LANGUAGES)
    assert all(len(by_lang[lang]) >= 10 for lang in LANGUAGES)
    assert any(len(c.turns) > 1 for c in convs)  # follow-ups are there


def test_one_user_meets_all_languages_and_300_distinct_messages():
    sent = take(conversation_stream(0, 1, "t"), 800)
    assert len({m for _, m in sent}) >= 300
    lang_of = {t: c.lang for c in conversations() for t in c.turns}
    assert {lang_of[m] for _, m in sent} == set(LANGUAGES)


def test_users_walk_their_own_slices():
    for users in (20, 50):
        streams = [take(conversation_stream(u, 1, "t", users=users), 12) for u in range(users)]
        seen = [{m for _, m in s} for s in streams]
        total = sum(len(s) for s in seen)
        union = set().union(*seen)
        assert len(union) >= 0.95 * total  # hardly any message is replayed by another user
        senders = [{s for s, _ in st} for st in streams]
        assert not set.intersection(senders[0], senders[1])


def test_seed_makes_runs_repeatable_and_changes_the_order():
    a = take(conversation_stream(3, 1, "t", users=20), 50)
    assert a == take(conversation_stream(3, 1, "t", users=20), 50)
    assert [m for _, m in a] != [m for _, m in take(conversation_stream(3, 2, "t", users=20), 50)]


def test_follow_ups_stay_in_order_under_one_sender():
    convs = parse_cases({"cases": [
        {"id": "a", "turns": ["hoeveel slachtoffers?", "en meisjes?", "wat is de bron?"]},
        {"id": "b", "lang": "pl", "turns": ["potrzebuję pomocy"]},
        {"id": "c", "turns": ["hoi", "  ", "doei"]},
    ]})
    assert [c.lang for c in convs] == ["nl", "pl", "nl"]
    assert convs[2].turns == ("hoi", "doei")  # empty turns are dropped
    sent = take(conversation_stream(0, 5, "t", convs=convs), 3 * 6)
    by_sender = defaultdict(list)
    for sender, message in sent:
        by_sender[sender].append(message)
    assert len(by_sender) == 9  # every conversation, each lap, has a sender of its own
    assert sorted(map(tuple, by_sender.values())) == sorted([c.turns for c in convs] * 3)
    # the real dev set: every multi-turn case arrives whole and in order
    cases = {c.turns for c in conversations() if len(c.turns) > 1}
    by_sender = defaultdict(list)
    for sender, message in take(conversation_stream(0, 1, "t"), 1000):
        by_sender[sender].append(message)
    checked = 0
    for turns in by_sender.values():
        if len(turns) > 1:
            assert tuple(turns) in cases
            checked += 1
    assert checked >= 20


def test_warmup_messages():
    warm = messages.warmup_messages(10, 1)
    assert len(warm) == 10 and all(isinstance(m, str) and m for m in warm)
