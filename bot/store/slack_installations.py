"""Slack's installations, bot tokens and pending OAuth states (`slack_installations`,
`slack_bots`, `slack_oauth_states`).

slack-sdk's own SQLAlchemy stores read and write these rows; the Slack adapter builds those stores
on the project's engine with the table names below, so they use the tables our migrations create
(see `bot.store.schema`) instead of creating their own.
"""

from __future__ import annotations

from bot.store.schema import slack_bots, slack_installations, slack_oauth_states

BOTS_TABLE = slack_bots.name
INSTALLATIONS_TABLE = slack_installations.name
OAUTH_STATES_TABLE = slack_oauth_states.name
