"""The group's own pages: served by the bot's web app, rendered on the server, reached by a
single-use link from chat (`dashboard`), with no passwords and no JavaScript.

Rooms: `link_secrets` (making and hashing the secrets of links and sessions), `links` (the link
`dashboard` sends), `opening` (using a link: preview fetchers, refusals, the session cookie),
`sessions` (who is asking, checked against their membership and role on every request),
`csrf`, `rate_limits`, `security_headers`, `log_safety`, `rendering` (Jinja2), `navigation`,
`members/` and `facilitators/` (what each page shows), `trends/`, `charts/` and `report/` (the
facilitators' figures, their pictures and the impact report), `period` (the period asked for),
`web_routes` (the addresses, added at start) and `page_handlers` (what each answers, loaded at
the first page request).
"""
