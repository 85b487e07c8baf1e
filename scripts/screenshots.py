"""Screenshots of the chat page for the README (docs/screenshots/), made again by hand:

    make train                      # a model must exist
    scripts/ensure_browser.sh       # Chromium and axe-core
    .venv/bin/python scripts/screenshots.py

Starts the assistant on free ports with the real knowledge base, opens the chat page in
Chromium (Playwright) and writes:

    help-nl-360px.png     a Dutch help question on a 360 px phone: tap-to-call cards
    help-pl-360px.png     the same in Polish on the Dutch page (cards in Polish)
    card-details-360px.png  a Dutch card with its details opened (hours, anonymity, date)
    help-nl.png           a Dutch help question and its answer with contact cards (900 px)
    conversation-en.png   the page switched to English, a question and a help request
    help-pl.png           a help request in Polish on the Dutch page

It prints the last answers of each conversation and the tel: links of the cards, so you
can check them before committing; it fails when a help answer has no tappable number.
Not part of `make test`.
"""
from __future__ import annotations

import socket
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

OUT = REPO_ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WIDTH, HEIGHT = 900, 900
PHONE_WIDTH, PHONE_HEIGHT = 360, 740
TIMEOUT_MS = 60_000

HELP_NL = "Mijn baas heeft mijn paspoort afgepakt en betaalt me niet. Waar kan ik hulp krijgen?"
HELP_PL = "Szef zabrał mi paszport i nie płaci. Gdzie mogę dostać pomoc?"

# (file, width, switch to English first?, messages typed one by one, open the first card's details?)
CONVERSATIONS = [
    ("help-nl-360px.png", PHONE_WIDTH, False, [HELP_NL], False),
    ("help-pl-360px.png", PHONE_WIDTH, False, [HELP_PL], False),
    ("card-details-360px.png", PHONE_WIDTH, False, [HELP_NL], True),
    ("help-nl.png", WIDTH, False, [HELP_NL], False),
    ("conversation-en.png", WIDTH, True, ["What is human trafficking?",
                                          "My boss took my passport and I am not paid. Where can I get help?"], False),
    ("help-pl.png", WIDTH, False, [HELP_PL], False),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def send(page, text: str) -> None:
    before = page.locator(".msg-bot").count()
    page.fill("#input", text)
    page.keyboard.press("Enter")
    page.locator(".msg-bot").nth(before).wait_for()
    page.locator("#send:not([disabled])").wait_for()


def shoot(browser, url: str, name: str, width: int, english: bool, messages, open_details: bool) -> bool:
    height = PHONE_HEIGHT if width == PHONE_WIDTH else HEIGHT
    context = browser.new_context(viewport={"width": width, "height": height}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url + "/")
    page.locator(".msg-intro .replies button").first.wait_for()
    if english:
        page.locator("#languages button[data-lang=en]").click()
    for text in messages:
        send(page, text)
    cards = page.locator(".msg-card")
    if open_details and cards.count():
        cards.first.locator("summary").click()
    page.mouse.move(0, 0)
    OUT.mkdir(parents=True, exist_ok=True)
    if open_details and cards.count():
        cards.first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / name))
    else:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(OUT / name), full_page=True)
    last = page.locator(".msg-bot").last
    print(f"\n== {name} (page lang={page.locator('html').get_attribute('lang')}, "
          f"answer lang={last.get_attribute('lang')})")
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('#log .msg-bot')).slice(-3)
        .map(m => m.lang + ': ' + Array.from(m.querySelectorAll('p')).map(p => p.textContent).join(' / '))""")
    for text in shown:
        print("  | " + text)
    calls = page.locator(".msg-card a.card-call")
    links = [f"{calls.nth(i).inner_text()} -> {calls.nth(i).get_attribute('href')}" for i in range(calls.count())]
    print(f"  cards: {cards.count()}, tel: links: " + "; ".join(links))
    context.close()
    return bool(links)


def main() -> int:
    from playwright.sync_api import sync_playwright

    from bot.serve import DEFAULT_MODEL, Stack

    if not DEFAULT_MODEL.exists():
        print("Geen getraind model: draai eerst `make train`.", file=sys.stderr)
        return 1
    if not Path(CHROMIUM).exists():
        print("Chromium ontbreekt: draai scripts/ensure_browser.sh", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as logs:
        stack = Stack(rasa_port=free_port(), action_port=free_port(), log_dir=Path(logs),
                      env={"VRAAGBAAK_RATE_LIMIT_FACTOR": "100"})
        with stack, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                missing = [name for name, *conversation in CONVERSATIONS
                           if not shoot(browser, stack.url, name, *conversation)]
            finally:
                browser.close()
    print(f"\nGeschreven in {OUT.relative_to(REPO_ROOT)}/")
    if missing:
        print("Geen nummer om op te tikken in: " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
