"""The pages' real templates with a minimal stand-in for the shared `base.html` (the real one
belongs to the pages' foundation, and is what the app renders them with): enough to render a
page and read what it says. The stand-in comes first, so these tests read the page's own part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader, StrictUndefined

import bot.pages

TEMPLATES = Path(bot.pages.__file__).parent / "templates"
STAND_IN_BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %}</title></head>
<body><main>{% block main %}{% endblock %}</main></body></html>
"""


def environment() -> Environment:
    return Environment(
        loader=ChoiceLoader(
            [DictLoader({"base.html": STAND_IN_BASE}), FileSystemLoader(TEMPLATES)]
        ),
        autoescape=True,
        undefined=StrictUndefined,
    )


def render(name: str, **context: Any) -> str:
    page = {
        "group": {"id": 1, "name": "Parents <and> Partners"},
        "person": {"name": "Sam"},
        "csrf_token": "t",
        "nav": [],
    }
    return environment().get_template(name).render(**page, **context)
