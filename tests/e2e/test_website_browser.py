"""The chat page in real Chromium against the real assistant (action server + Rasa).

Needs: a trained model, /usr/bin/chromium and axe-core in tests/e2e/node_modules
(`scripts/ensure_browser.sh` sets both up). Run: `make test-e2e` or
`.venv/bin/python -m pytest -m slow tests/e2e`. With VRAAGBAAK_SCREENSHOTS=1 the
screenshots in docs/screenshots/ are written again.

The assistant runs on free ports with a temporary copy of knowledge/ in which one vetted
entry holds injected markup, a local "neutral site" for the quick exit, and a local page
that embeds the chat with embed.js.
"""
from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

from tests.conftest import REPO_ROOT, free_port

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
INJECTED = '<img src=x onerror="window.__xss=true"><script>window.__xss=true</script>'
TIMEOUT_MS = 45_000


# --------------------------------------------------------------------------- fixtures

class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the browser may leave a page while it loads


@pytest.fixture(scope="module")
def ports():
    return {"rasa": free_port(), "actions": free_port(), "host": free_port()}


@pytest.fixture(scope="module")
def other_site(tmp_path_factory, ports):
    """A local web site: the 'neutral' page, a page visited before the chat, and a page
    that embeds the chat with one script tag."""
    root = tmp_path_factory.mktemp("site")
    (root / "neutraal.html").write_text(
        '<!doctype html><html lang="nl"><title>Het weer</title><h1>Het weer vandaag</h1></html>')
    (root / "vorige.html").write_text(
        '<!doctype html><html lang="nl"><title>Nieuws</title><h1>Nieuws</h1></html>')
    (root / "host.html").write_text(
        '<!doctype html><html lang="nl"><title>Gemeente</title><h1>Gemeente</h1>'
        f'<script src="http://127.0.0.1:{ports["rasa"]}/website/embed.js" defer></script></html>')
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = _QuietServer(("127.0.0.1", ports["host"]), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{ports['host']}"
    server.shutdown()


@pytest.fixture(scope="module")
def injected_entry(tmp_path_factory):
    """A copy of knowledge/ where one vetted explanation entry carries injected markup."""
    from actions.knowledge.store import KnowledgeStore

    copy = tmp_path_factory.mktemp("knowledge") / "knowledge"
    shutil.copytree(REPO_ROOT / "knowledge", copy)
    for path in sorted(copy.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for entry in data.get("entries") or []:
            if entry.get("status") == "vetted" and entry.get("kind") != "figure" and entry["id"] != "mh_definitie":
                entry["text"] = f"{entry['text']} Test: {INJECTED}"
                path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
                KnowledgeStore(copy).get()  # the changed copy must still pass validation
                return copy, entry["id"], (entry.get("questions") or [entry["title"]])[0]
    pytest.fail("Geen geschikt item gevonden in knowledge/")


@pytest.fixture(scope="module")
def bot(tmp_path_factory, ports, other_site, injected_entry):
    from bot.serve import DEFAULT_MODEL, Stack

    if not DEFAULT_MODEL.exists():
        pytest.fail("Geen getraind model: draai eerst `make train`.")
    env = {
        "VRAAGBAAK_KNOWLEDGE_DIR": str(injected_entry[0]),
        "VRAAGBAAK_NEUTRAL_URL": f"{other_site}/neutraal.html",
        "VRAAGBAAK_EMBED_ORIGINS": other_site,
    }
    stack = Stack(rasa_port=ports["rasa"], action_port=ports["actions"],
                  log_dir=tmp_path_factory.mktemp("logs"), env=env)
    with stack:
        yield stack


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or not AXE.exists():
        pytest.fail("Chromium of axe-core ontbreekt: draai scripts/ensure_browser.sh")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh tab (nothing shared between tests) that records CSP violations and errors."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.problems = []
    tab.on("console", lambda m: m.type == "error" and tab.problems.append(m.text))
    tab.on("pageerror", lambda e: tab.problems.append(str(e)))
    yield tab
    context.close()


# --------------------------------------------------------------------------- helpers

def bot_texts(page):
    return page.locator(".msg-bot").all_inner_texts()


def wait_for_bot_messages(page, count):
    # Locators, not wait_for_function: the page's CSP (rightly) forbids string evaluation.
    page.locator(".msg-bot").nth(count - 1).wait_for()
    expect(page.locator("#send")).to_be_enabled()


def type_and_send(page, text):
    """Keyboard only: Tab to the input field, type, press Enter."""
    for _ in range(12):
        if page.evaluate("document.activeElement && document.activeElement.id") == "input":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "input"
    before = page.locator(".msg-bot").count()
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    wait_for_bot_messages(page, before + 1)


def run_axe(page):
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")  # devtools evaluation, not blocked by the CSP
    return page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))}))""")


def open_chat(page, url):
    """Open the chat page and wait for the greeting with its starter buttons."""
    page.goto(url + "/")
    page.locator(".msg-intro .replies button").first.wait_for()


def card_marker(lang):
    """The closing line of every contact card in `lang` ("(Details checked on ...")."""
    interface = yaml.safe_load((REPO_ROOT / "knowledge" / "interface.yml").read_text(encoding="utf-8"))
    return interface["interface"]["data_checked"][lang].split("{date}")[0].strip()


def contact_cards(page, lang):
    """The contact cards in `lang` (their whole text, the closed details too)."""
    marker = card_marker(lang)
    return [text for text in page.locator(f'.msg-card[lang="{lang}"]').all_text_contents() if marker in text]


def all_bot_text(page):
    """Everything the bot messages hold, also what sits in a closed <details>."""
    return "\n".join(page.locator(".msg-bot").all_text_contents())


def last_replies(page, count=4):
    """The last bot messages with their lang attribute, for a failure message."""
    return page.evaluate("""n => Array.from(document.querySelectorAll('#log .msg-bot')).slice(-n)
        .map(m => m.lang + ': ' + m.innerText.slice(0, 160))""", count)


def wrong_lang_messages(page):
    """Every message element must carry a lang attribute of a supported language."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('#log .msg'))
        .filter(m => !['nl', 'en', 'pl', 'ro', 'bg', 'uk'].includes(m.lang)).length""")


def csp_problems(page):
    return [p for p in page.problems if "Content Security Policy" in p]


def api(bot, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(bot.url + path, data=data, headers={
        "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status, reply.headers, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


# --------------------------------------------------------------------------- tests

def test_question_by_keyboard_answer_with_source_and_quick_reply(bot, page, kb):
    started = time.monotonic()
    page.goto(bot.url + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator("h1").inner_text() == "Vraagbaak"
    notice = page.locator("#notice").inner_text()
    assert "chatbot" in notice and "geen mens" in notice
    assert f"Bel meteen {kb.organisations['org_112'].phone}." in notice

    type_and_send(page, "Wat is mensenhandel?")
    answer = bot_texts(page)[-1]
    assert "uitbuit" in answer and "Bron:" in answer, answer
    assert page.locator(".msg-bot .source").count() >= 1

    type_and_send(page, "hallo")
    reply = page.get_by_role("button", name="Uitleg", exact=True).last
    before = page.locator(".msg-bot").count()
    reply.click()
    wait_for_bot_messages(page, before + 1)
    assert page.locator(".msg-user").last.inner_text().endswith("Uitleg")
    assert "uitleg" in bot_texts(page)[-1].lower()
    assert page.locator(".msg-bot").last.locator(".replies button").count() >= 2

    assert csp_problems(page) == [] and page.problems == []
    # Nothing of the conversation is kept in the browser.
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert page.context.cookies() == []

    target = SCREENSHOTS if os.environ.get("VRAAGBAAK_SCREENSHOTS") else None
    page.mouse.move(0, 0)
    page.locator("#input").focus()
    if target:
        target.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(target / "chat-desktop.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    if target:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.screenshot(path=str(target / "chat-360px.png"))
    print(f"\nvraag, antwoord en snelknop in de browser: {time.monotonic() - started:.1f} s")


def test_opening_shows_greeting_with_starters_from_the_server(bot, page):
    status, _, config = api(bot, "/webhooks/website/config")
    assert status == 200
    dutch = config["languages"]["nl"]
    open_chat(page, bot.url)
    intro = page.locator(".msg-intro")
    assert intro.get_attribute("lang") == "nl"
    assert dutch["greeting"] in intro.inner_text()
    titles = intro.locator(".replies button").all_inner_texts()
    assert titles == [s["title"] for s in dutch["starters"]]
    assert titles == ["Cijfers", "Uitleg", "Hulp zoeken", "English"]
    english = intro.get_by_role("button", name="English", exact=True)
    assert english.get_attribute("lang") == "en"  # a word in another language (WCAG 3.1.2)
    switch = page.locator("#languages button")
    assert switch.all_inner_texts() == ["Nederlands", "English"]
    assert switch.nth(0).get_attribute("aria-pressed") == "true"

    # A starter button works like the assistant's own buttons.
    before = page.locator(".msg-bot").count()
    intro.get_by_role("button", name="Hulp zoeken", exact=True).click()
    wait_for_bot_messages(page, before + 1)
    assert page.locator(".msg-user").last.inner_text().endswith("Hulp zoeken")
    assert page.locator(".msg-bot").last.get_attribute("lang") == "nl"
    assert page.problems == []


def test_language_switch_changes_the_page_and_tells_the_assistant(bot, page):
    open_chat(page, bot.url)
    page.locator("#languages").get_by_role("button", name="English").click()
    html = page.locator("html")
    assert html.get_attribute("lang") == "en"
    expect(page.locator("#exit")).to_have_text("Leave this site")
    assert page.locator("label[for=input]").inner_text() == "Type your question"
    assert page.locator("#send").inner_text() == "Send"
    assert "chatbot and not a person" in page.locator("#notice").inner_text()
    assert "Esc twice" in page.locator(".tip").inner_text()
    assert page.title().startswith("Vraagbaak – questions")
    intro = page.locator(".msg-intro")
    assert intro.get_attribute("lang") == "en"
    assert intro.locator(".replies button").all_inner_texts() == ["Figures", "Explanations", "Find help", "Nederlands"]
    assert intro.get_by_role("button", name="Nederlands").get_attribute("lang") == "nl"

    # A button carries no words to detect: the assistant answers in the page's language.
    before = page.locator(".msg-bot").count()
    intro.get_by_role("button", name="Find help", exact=True).click()
    wait_for_bot_messages(page, before + 1)
    assert page.locator(".msg-bot").last.get_attribute("lang") == "en"
    assert page.locator(".msg-user").last.get_attribute("lang") == "en"
    # Its buttons (who is asking) lead on, and stay English.
    question = bot_texts(page)[-1]
    choices = page.locator(".msg-bot").last.locator(".replies button")
    if choices.count():
        before = page.locator(".msg-bot").count()
        choices.first.click()
        wait_for_bot_messages(page, before + 1)
        assert bot_texts(page)[-1] != question, "the same question came back: payload not understood"
        assert page.locator(".msg-bot").last.get_attribute("lang") == "en"

    # Back to Dutch in the middle of a conversation: the assistant greets in Dutch.
    before = page.locator(".msg-bot").count()
    page.locator("#languages").get_by_role("button", name="Nederlands").click()
    wait_for_bot_messages(page, before + 1)
    assert html.get_attribute("lang") == "nl"
    assert page.locator(".msg-bot").last.get_attribute("lang") == "nl"
    assert "Hoi!" in bot_texts(page)[-1]
    expect(page.locator("#exit")).to_have_text("Verlaat deze site")
    assert wrong_lang_messages(page) == 0
    assert page.problems == []


def test_english_conversation_ends_with_an_english_contact_card(bot, page):
    open_chat(page, bot.url)
    page.locator(".msg-intro").get_by_role("button", name="English", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"
    type_and_send(page, "What is human trafficking?")
    assert page.locator(".msg-bot").last.get_attribute("lang") == "en"
    assert any("Source:" in text for text in bot_texts(page)[-3:]), bot_texts(page)[-3:]
    type_and_send(page, "My boss took my passport and I am not paid. Where can I get help?")
    cards = contact_cards(page, "en")
    assert cards, last_replies(page)
    assert card_marker("nl") not in all_bot_text(page)  # no Dutch card in between
    assert page.locator(".msg-user").last.get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("lang") == "en"
    assert wrong_lang_messages(page) == 0


def test_polish_help_request_ends_with_a_polish_contact_card(bot, page):
    open_chat(page, bot.url)
    type_and_send(page, "Szef zabrał mi paszport i nie płaci. Gdzie mogę dostać pomoc?")
    assert contact_cards(page, "pl"), last_replies(page)
    assert page.locator(".msg-user").last.get_attribute("lang") == "pl"
    assert page.locator("html").get_attribute("lang") == "nl"  # the page itself stays Dutch
    assert page.locator(".msg-intro").get_attribute("lang") == "nl"
    assert wrong_lang_messages(page) == 0


HELP = {
    "nl": "Mijn baas heeft mijn paspoort afgepakt en betaalt me niet. Waar kan ik hulp krijgen?",
    "pl": "Szef zabrał mi paszport i nie płaci. Gdzie mogę dostać pomoc?",
}


def unknown_lines(lang):
    """The interface's 'hours not checked' / 'not sure whether anonymous' lines in `lang`."""
    interface = yaml.safe_load((REPO_ROOT / "knowledge" / "interface.yml").read_text(encoding="utf-8"))["interface"]
    return [interface[key][lang].split("{")[0] for key in ("hours_unknown", "anonymous_unknown") if key in interface]


def numbers_outside_links(page, kb):
    """The directory's phone numbers that the page shows as plain text (not in a link; a
    card's name, such as "Alarmnummer 112", has its call button below it)."""
    from actions.knowledge import formatting

    plain = page.evaluate("""() => {
        const out = [], walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) if (!walk.currentNode.parentElement.closest('a, noscript, .card-name')) out.push(walk.currentNode.data);
        return out;
    }""")
    found = []
    for phone in formatting.known_phone_numbers(kb):
        pattern = re.compile(r"(?<![\d-])" + re.escape(phone["number"]) + r"(?!\d)")
        found += [(phone["number"], text) for text in plain if pattern.search(text)]
    return found


def tap_target(locator):
    box = locator.bounding_box()
    return box["width"], box["height"]


@pytest.mark.parametrize("lang", ["nl", "pl"])
def test_help_answer_on_a_phone_has_cards_with_a_number_to_tap(bot, page, kb, other_site, lang):
    """At 360 px: every card shows its name and a call button (tel:, at least 44 x 44 CSS
    px); the details are one tap away; no card says it does not know; axe finds nothing;
    and the quick exit still leaves at once."""
    from actions.knowledge import formatting

    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(other_site + "/vorige.html")
    open_chat(page, bot.url)
    page.problems.clear()  # the other site's missing favicon.ico is not the chat's problem
    type_and_send(page, HELP[lang])
    cards = page.locator(f'.msg-card[lang="{lang}"]')
    assert cards.count() >= 2, last_replies(page)
    names = {o.name: o for o in kb.organisations.values()}
    words = yaml.safe_load((REPO_ROOT / "bot" / "settings.yml").read_text(encoding="utf-8"))["website"]["cards"][lang]
    calls = 0
    for i in range(cards.count()):
        card = cards.nth(i)
        org = names[card.locator(".card-name").inner_text()]
        expect(card.locator(".card-purpose")).to_be_visible()
        buttons = card.locator('a.card-call[href^="tel:"]')
        assert buttons.count() == len(formatting.phone_numbers(org)), org.id
        for j in range(buttons.count()):
            button = buttons.nth(j)
            expect(button).to_be_visible()
            number = formatting.phone_numbers(org)[j]
            assert button.get_attribute("href") == formatting.tel_href(number)
            assert words["call"].format(phone=number) in button.inner_text()
            width, height = tap_target(button)
            assert width >= 44 and height >= 44, (org.id, width, height)
            calls += 1
        for link in card.locator("a.card-chat, a.card-web").all():
            assert link.get_attribute("href").startswith("https://")
            assert link.get_attribute("target") == "_blank"
            assert set(link.get_attribute("rel").split()) >= {"noopener", "noreferrer"}
            width, height = tap_target(link)
            assert width >= 44 and height >= 44
        # The details (hours, anonymity, checked date) are one tap away.
        details = card.locator("details.card-more")
        checked = card.locator("li", has_text=card_marker(lang))
        expect(checked).to_be_hidden()
        summary = details.locator("summary")
        assert summary.inner_text() == words["more"]
        assert tap_target(summary)[1] >= 44
        summary.click()
        expect(checked).to_be_visible()
        assert formatting.local_date(org.checked, lang, kb) in checked.inner_text()
        if org.hours:
            expect(card.locator("li", has_text=org.localized("hours", lang))).to_be_visible()
    assert calls >= 2
    shown = all_bot_text(page)
    for unknown in unknown_lines(lang):
        assert unknown not in shown
    # Every number on the page is a link, not only on the cards (the route's "112", the notice).
    assert numbers_outside_links(page, kb) == []
    assert page.locator("#notice a.tel").count() >= 1
    assert tap_target(page.locator("#notice a.tel").first)[1] >= 44

    violations = run_axe(page)  # with the details open
    print(f"\naxe-core 360x740 {lang} met kaarten: {len(violations)} overtredingen")
    assert violations == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert csp_problems(page) == [] and page.problems == []

    entries = page.evaluate("history.length")
    page.get_by_role("link", name="Verlaat deze site").click()
    page.wait_for_url(other_site + "/neutraal.html")
    assert page.evaluate("history.length") == entries
    page.go_back()
    assert page.url == other_site + "/vorige.html"


def test_crisis_message_gives_112_as_a_number_to_tap(bot, page, kb):
    from actions.knowledge import formatting

    page.set_viewport_size({"width": 360, "height": 740})
    open_chat(page, bot.url)
    before = page.locator(".msg-bot").count()
    type_and_send(page, "Help, hij slaat me nu")
    first = page.locator(".msg-bot").nth(before)
    link = first.locator(f'a[href="{formatting.tel_href(kb.organisations["org_112"].phone)}"]')
    expect(link.first).to_be_visible()
    width, height = tap_target(link.first)
    assert width >= 44 and height >= 44
    assert run_axe(page) == []


def test_markup_in_question_and_in_knowledge_is_shown_as_text(bot, page, injected_entry):
    page.goto(bot.url + "/")
    type_and_send(page, f"Wat is {INJECTED}?")
    assert INJECTED in page.locator(".msg-user").last.inner_text()

    # Typed "/intent{...}" is text now (only offered buttons are payloads): ask the entry's
    # own example question instead.
    type_and_send(page, injected_entry[2])
    page.locator(".msg-bot", has_text="Test: <img").first.wait_for()
    assert any(INJECTED in text for text in bot_texts(page))
    assert page.locator("#log img, #log script").count() == 0
    assert page.evaluate("window.__xss") is None
    assert csp_problems(page) == []


def test_wis_gesprek_clears_screen_and_server(bot, page):
    page.goto(bot.url + "/")
    type_and_send(page, "hallo")
    first_sender = page.evaluate("""() => new Promise(resolve => {
        const original = window.fetch;
        window.fetch = (url, options) => { resolve(JSON.parse(options.body).sender); return original(url, options); };
        document.getElementById('clear').click();
    })""")
    assert first_sender.startswith("web-")
    assert page.locator("#log .msg").count() == 1  # only the page's own greeting again
    assert page.locator("#log .msg-intro").count() == 1
    assert page.locator("#status").inner_text() == "Het gesprek is gewist."
    status, _, body = api(bot, "/webhooks/website/forget", {"sender": first_sender})
    assert status == 200 and body["forgotten"] is True  # the default store supports forgetting


@pytest.mark.parametrize("how,lang", [("button", "nl"), ("escape-twice", "nl"),
                                      ("button", "en"), ("escape-twice", "en")])
def test_quick_exit_replaces_the_page_and_back_skips_the_chat(bot, page, other_site, how, lang):
    """The same in every language: the button (in the page's language) and Esc Esc."""
    page.goto(other_site + "/vorige.html")
    open_chat(page, bot.url)
    if lang == "en":
        page.locator("#languages").get_by_role("button", name="English").click()
    type_and_send(page, "hallo" if lang == "nl" else "hello there, how are you")
    entries = page.evaluate("history.length")
    if how == "button":
        name = {"nl": "Verlaat deze site", "en": "Leave this site"}[lang]
        page.get_by_role("link", name=name).click()
    else:
        page.keyboard.press("Escape")
        page.keyboard.press("Escape")
    page.wait_for_url(other_site + "/neutraal.html")
    assert page.evaluate("history.length") == entries  # the chat's entry was replaced, not kept
    page.go_back()
    assert page.url == other_site + "/vorige.html"
    page.go_forward()
    assert page.url == other_site + "/neutraal.html"
    assert "Vraagbaak" not in page.content()


def test_unreachable_server_shows_help_numbers(bot, page, kb):
    open_chat(page, bot.url)  # the config (with help numbers) is fetched at start
    page.route("**/webhooks/website/message", lambda route: route.abort())
    page.fill("#input", "Wat is mensenhandel?")
    page.keyboard.press("Enter")
    page.locator(".msg-error").first.wait_for()
    text = page.locator(".msg-error").last.inner_text()
    assert "niet bereiken" in text
    for org in ("org_112", "org_113"):
        assert kb.organisations[org].phone in text


def test_embed_script_shows_bubble_and_exit_leaves_the_embedding_site(bot, page, other_site):
    page.goto(other_site + "/host.html")
    bubble = page.locator("button[aria-expanded]")
    assert bubble.inner_text() == "Chat met Vraagbaak"
    bubble.click()
    assert bubble.get_attribute("aria-expanded") == "true"
    chat = page.frame_locator("#vraagbaak-chat")
    assert chat.locator("h1").inner_text() == "Vraagbaak"
    chat.get_by_role("link", name="Verlaat deze site").click()
    page.wait_for_url(other_site + "/neutraal.html")


@pytest.mark.parametrize("width,height,lang", [(1280, 900, "nl"), (360, 740, "nl"), (320, 256, "nl"),
                                               (1280, 900, "en"), (360, 740, "en")])
def test_axe_finds_no_violations(bot, page, width, height, lang):
    """Desktop, a 360 px phone, and 1280×1024 at 400 % zoom (= 320×256 CSS pixels), in
    Dutch and in English; with the greeting, a conversation and a Polish answer."""
    page.set_viewport_size({"width": width, "height": height})
    open_chat(page, bot.url)
    assert run_axe(page) == []  # the page as it opens, with its starters
    if lang == "en":
        page.locator("#languages").get_by_role("button", name="English").click()
    type_and_send(page, "hallo" if lang == "nl" else "hello, what can you do?")
    type_and_send(page, "Gdzie mogę dostać pomoc, gdy szef nie płaci?")
    violations = run_axe(page)
    print(f"\naxe-core {width}x{height} {lang}: {len(violations)} overtredingen")
    assert violations == []
    assert wrong_lang_messages(page) == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus


def test_security_headers_on_page_files_and_api(bot, other_site):
    for path in ("/", "/website/chat.js", "/webhooks/website/config"):
        with urllib.request.urlopen(bot.url + path, timeout=10) as reply:
            headers = reply.headers
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"
        if path == "/":
            assert "default-src 'self'" in csp
            assert re.search(r"frame-ancestors 'self' " + re.escape(other_site) + r"(;|$)", csp)
    status, headers, body = api(bot, "/webhooks/website/message", {"sender": "kop", "message": "hallo"},
                                headers={"Origin": "https://kwaadwillend.example"})
    assert status == 200 and body["messages"]
    assert "no-store" in headers["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in headers
    headers = api(bot, "/webhooks/website/message", {"sender": "kop", "message": "hallo"},
                  headers={"Origin": other_site})[1]
    assert headers["Access-Control-Allow-Origin"] == other_site


def test_rest_channel_still_answers(bot):
    status, _, body = api(bot, "/webhooks/rest/webhook", {"sender": "rest", "message": "Wat is mensenhandel?"})
    assert status == 200 and "Bron:" in body[0]["text"]


def test_too_long_message_gets_friendly_text(bot):
    status, headers, body = api(bot, "/webhooks/website/message", {"sender": "lang", "message": "x" * 5000})
    assert status == 413 and body["error"].startswith("Je bericht is te lang")
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_rate_limit_answers_429_in_dutch(bot):
    """Runs last: it uses up this address's message budget (over-long messages are cheap)."""
    statuses = []
    for _ in range(200):
        status, headers, body = api(bot, "/webhooks/website/message", {"sender": "veel", "message": "x" * 5000})
        statuses.append(status)
        if status == 429:
            break
    assert statuses[-1] == 429, statuses
    assert "Wacht" in body["error"] and int(headers["Retry-After"]) >= 1
