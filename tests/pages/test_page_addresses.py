"""The pages' addresses are added at start, their code only at the first page request."""

from __future__ import annotations

import subprocess
import sys

from bot.pages.page_handlers import HANDLERS, PAGES_TABLE
from bot.pages.web_routes import PAGE_ADDRESSES, ROUTES


def test_every_address_has_its_handler_and_every_page_its_address() -> None:
    assert tuple(row[0] for row in PAGES_TABLE) == PAGE_ADDRESSES
    assert {name for _, _, name in ROUTES} == set(HANDLERS)


def test_starting_the_web_app_loads_none_of_the_pages_code() -> None:
    """Templates, charts and figures wait for the first page request (a host that starts the
    bot on a chat request should not wait for them)."""
    script = (
        "import sys\n"
        "from bot.app import build, web_app\n"
        "from bot.settings import Settings\n"
        "web_app(build(Settings(database_url='sqlite+aiosqlite:///:memory:')))\n"
        "print(sorted(m for m in ('jinja2', 'pygal', 'weasyprint', 'bot.pages.page_handlers') "
        "if m in sys.modules))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert found.stdout.strip().splitlines()[-1] == "[]"
