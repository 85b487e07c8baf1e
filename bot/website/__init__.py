"""The website chat: a page on `/`, its static widget and a JSON channel.

- `channel.WebsiteInput` – Rasa input channel under /webhooks/website/ (message, config,
  forget), with rate limiting, CORS for configured origins and security headers.
- `pages.add_root_route(app)` – the chat page on `/` and the widget files under /website/.
- `config` – the `website:` section of bot/settings.yml with safe defaults.
- `security` – response headers, CORS checks and the per-client rate limiter.
See docs/website.md.
"""
