"""Who sent a Slack request, read from its body in memory so one person's requests keep their
order in the inbox: every shape Slack sends (events, slash commands, interactions, Socket Mode).
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.adapters.slack.intake import sender_of

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def test_an_event_names_its_team_and_user() -> None:
    body = json.dumps({"type": "event_callback", "team_id": "T1", "event": {"user": "U1"}})
    assert sender_of(body, JSON) == "T1:U1"


def test_a_slash_command_over_http_and_over_socket_mode() -> None:
    assert sender_of(urlencode({"command": "/coprod", "team_id": "T1", "user_id": "U2"}), FORM) == (
        "T1:U2"
    )
    body = json.dumps({"command": "/coprod", "team_id": "T1", "user_id": "U2"})
    assert sender_of(body, JSON) == "T1:U2"


def test_a_button_press_names_its_presser() -> None:
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U3"}}
    assert sender_of(urlencode({"payload": json.dumps(payload)}), FORM) == "T1:U3"
    payload = {"type": "view_submission", "user": {"id": "U3", "team_id": "T9"}}
    assert sender_of(json.dumps(payload), JSON) == "T9:U3"


def test_bodies_that_name_no_one_are_none() -> None:
    assert sender_of("not json", JSON) is None
    assert sender_of(json.dumps([1, 2]), JSON) is None
    assert sender_of(json.dumps({"type": "url_verification"}), JSON) is None
    assert sender_of(urlencode({"payload": "{broken"}), FORM) is None
    assert sender_of(json.dumps({"type": "event_callback", "event": {}}), JSON) is None
