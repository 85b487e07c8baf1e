"""Screenshots of the chat page for the README (docs/screenshots/), made again by hand:

    make train                      # a model must exist
    scripts/ensure_browser.sh       # Chromium and axe-core
    .venv/bin/python scripts/screenshots.py

Starts the assistant on free ports with the real knowledge base, opens the chat page in
Chromium (Playwright) and writes:

    help-nl.png           a Dutch help question and its answer with contact cards
    conversation-en.png   the page switched to English, a question and a help request
    help-pl.png           a help request in Polish on the Dutch page

It prints the last answer of each conversation, so you can check it before committing.
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
TIMEOUT_MS = 60_000

# (file, switch to English first?, messages typed one by one)
CONVERSATIONS = [
    ("help-nl.png", False, ["Mijn baas heeft mijn paspoort afgepakt en betaalt me niet. Waar kan ik hulp krijgen?"]),
    ("conversation-en.png", True, ["What is human trafficking?",
                                   "My boss took my passport and I am not paid. Where can I get help?"]),
    ("help-pl.png", False, ["Szef zabrał mi paszport i nie płaci. Gdzie mogę dostać pomoc?"]),
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


def shoot(browser, url: str, name: str, english: bool, messages) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="nl-NL")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(url + "/")
    page.locator(".msg-intro .replies button").first.wait_for()
    if english:
        page.locator("#languages button[data-lang=en]").click()
    for text in messages:
        send(page, text)
    page.mouse.move(0, 0)
    page.evaluate("window.scrollTo(0, 0)")
    OUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUT / name), full_page=True)
    last = page.locator(".msg-bot").last
    print(f"\n== {name} (page lang={page.locator('html').get_attribute('lang')}, "
          f"answer lang={last.get_attribute('lang')})")
    shown = page.evaluate("""() => Array.from(document.querySelectorAll('#log .msg-bot')).slice(-3)
        .map(m => m.lang + ': ' + Array.from(m.querySelectorAll('p')).map(p => p.textContent).join(' / '))""")
    for text in shown:
        print("  | " + text)
    context.close()


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
                for name, english, messages in CONVERSATIONS:
                    shoot(browser, stack.url, name, english, messages)
            finally:
                browser.close()
    print(f"\nGeschreven in {OUT.relative_to(REPO_ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
