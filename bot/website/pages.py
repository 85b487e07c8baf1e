"""The chat page on `/` and the widget's files under /website/ (no CDN, no framework).

`add_root_route(app)` is called by bot.launcher instead of Rasa's own "Hello from Rasa".
The page is a template: {{notice}}, {{neutral_url}}, {{max_chars}} and the page's own
texts ({{exit}}, {{hint}}, ... from `website.page.nl` in bot/settings.yml) are filled in
per request (HTML-escaped), as is the language switch; help numbers come from
knowledge/help.yml, never from this code, and in the notice each is a tel: link. chat.js switches the texts to another language
with the config endpoint's `languages`.
"""
from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any, Dict, Optional

from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.website.config import DEFAULT_LANGUAGE, page_languages, page_texts, public_config, website_settings
from bot.website.security import page_csp, secure

STATIC_DIR = Path(__file__).with_name("static")
ASSETS = {
    "chat.js": "text/javascript; charset=utf-8",
    "chat.css": "text/css; charset=utf-8",
    "embed.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
_SLOT = re.compile(r"\{\{(\w+)\}\}")


def language_buttons(config: Dict[str, Any], current: str) -> str:
    """The language switch: one button per page language, named in its own language."""
    buttons = []
    for lang in page_languages(config):
        name = page_texts(config, lang).get("language_name") or lang
        buttons.append(
            f'<button type="button" class="language" data-lang="{html.escape(lang, quote=True)}" '
            f'lang="{html.escape(lang, quote=True)}" aria-pressed="{str(lang == current).lower()}">'
            f"{html.escape(name)}</button>")
    return "\n      ".join(buttons)


def tappable(text: str, phones) -> str:
    """`text` HTML-escaped, with each of the directory's numbers (`phones`: number and
    tel: href, longest first) as a tel: link; a number inside a longer one stays text."""
    numbers = [p for p in phones if p.get("number") and re.fullmatch(r"tel:\+?\d{3,15}", p.get("href") or "")]
    if not numbers:
        return html.escape(text, quote=True)
    hrefs = {p["number"]: p["href"] for p in numbers}
    pattern = re.compile(r"(?<![\d-])(" + "|".join(re.escape(p["number"]) for p in numbers) + r")(?!\d)")
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last:match.start()], quote=True))
        out.append(f'<a class="tel" href="{hrefs[match.group(1)]}">{html.escape(match.group(1))}</a>')
        last = match.end()
    out.append(html.escape(text[last:], quote=True))
    return "".join(out)


def render_page(config: Dict[str, Any], template: Optional[str] = None) -> str:
    """The page in Dutch (the switch and chat.js change it to another language)."""
    template = template if template is not None else (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    public = public_config(config)
    texts = public["languages"][DEFAULT_LANGUAGE]
    values = {key: value for key, value in texts.items() if isinstance(value, str)}
    values.update({
        "lang": DEFAULT_LANGUAGE,
        "notice": public["notice"],
        "neutral_url": public["neutral_url"],
        "max_chars": str(public["max_message_chars"]),
    })
    raw = {"language_buttons": language_buttons(config, DEFAULT_LANGUAGE),  # escaped inside
           "notice": tappable(public["notice"], public.get("phones") or [])}

    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name in raw:
            return raw[name]
        return html.escape(values.get(name, ""), quote=True)

    return _SLOT.sub(fill, template)


def _channel(app):
    """The website channel when it is registered (so page and API share settings and
    the front door)."""
    from bot.website.channel import WebsiteInput

    for channel in getattr(app.ctx, "input_channels", None) or []:
        if isinstance(channel, WebsiteInput):
            return channel
    return None


def add_root_route(app) -> None:
    """The chat page on `/`, the widget files and `/health`, behind the front door."""
    from bot.frontdoor import FrontDoor

    fallback = website_settings()
    fallback_door = FrontDoor()
    template = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    files = {name: (STATIC_DIR / name).read_bytes() for name in ASSETS}

    def settings_and_door(request: Request):
        channel = _channel(request.app)
        return (channel.config, channel.front_door) if channel else (fallback, fallback_door)

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        _, door = settings_and_door(request)
        return secure(request, await door.check(request, "page") or response.json({"status": "ok"}))

    @app.get("/")
    async def chat_page(request: Request) -> HTTPResponse:
        config, door = settings_and_door(request)
        csp = page_csp(config["allowed_origins"])
        refused = await door.check(request, "page")
        return secure(request, refused or response.html(render_page(config, template)), csp=csp)

    @app.get("/website/<name:str>")
    async def website_file(request: Request, name: str) -> HTTPResponse:
        config, door = settings_and_door(request)
        refused = await door.check(request, "page")
        if refused is not None:
            return secure(request, refused)
        if name not in files:  # a fixed list: no paths from the request reach the disk
            return secure(request, response.text("Niet gevonden", status=404))
        reply = response.raw(files[name], content_type=ASSETS[name])
        csp = page_csp(config["allowed_origins"])
        return secure(request, reply, csp=csp, cache="no-cache")
