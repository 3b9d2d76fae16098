"""Installs into many workspaces (`SLACK_CLIENT_ID` + `SLACK_CLIENT_SECRET`): Slack's OAuth flow.

Installations and OAuth states are kept in the project's database through slack-sdk's async
SQLAlchemy stores, on the same engine; their tables (`slack_bots`, `slack_installations`,
`slack_oauth_states`) are part of our schema (`bot.store.slack_installations`) and are created by
the migrations like every other table. Each workspace's bot token is looked up by team id whenever
the bot talks to that workspace.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore

from bot.adapters.slack.delivery import SDK_LOG
from bot.adapters.slack.settings import SlackSettings
from bot.store.database import Database
from bot.store.slack_installations import BOTS_TABLE, INSTALLATIONS_TABLE, OAUTH_STATES_TABLE

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


class Installations:
    """The workspaces the app is installed in, and the OAuth flow that adds them."""

    def __init__(self, db: Database, settings: SlackSettings) -> None:
        self.db = db
        self.store = AsyncSQLAlchemyInstallationStore(
            client_id=settings.client_id,
            engine=db.engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
            logger=SDK_LOG,
        )
        self.states = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS,
            engine=db.engine,
            logger=SDK_LOG,
            table_name=OAUTH_STATES_TABLE,
        )
        self.settings = AsyncOAuthSettings(
            client_id=settings.client_id,
            client_secret=settings.client_secret,
            scopes=settings.scope_list(),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            installation_store=self.store,
            installation_store_bot_only=True,
            state_store=self.states,
            state_expiration_seconds=STATE_SECONDS,
            logger=SDK_LOG,
        )

    async def token_for(self, workspace: str) -> str | None:
        """The bot token for a workspace, or None when the app is not installed there."""
        found = await self.store.async_find_bot(enterprise_id=None, team_id=workspace)
        return found.bot_token if found is not None else None

    async def forget(self, workspace: str, enterprise: str | None = None) -> None:
        """Delete a workspace's installation and bot token (the app was uninstalled there)."""
        await self.store.async_delete_bot(enterprise_id=enterprise, team_id=workspace)
        await self.store.async_delete_installation(enterprise_id=enterprise, team_id=workspace)


def mount_oauth(app: web.Application, flow: AsyncOAuthFlow) -> None:
    """`GET /slack/install` (the Add to Slack page) and `GET /slack/oauth_redirect`."""

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    app.router.add_get(INSTALL_PATH, install)
    app.router.add_get(REDIRECT_PATH, redirect)
