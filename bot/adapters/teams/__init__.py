"""Microsoft Teams: the adapter object `bot.adapters.ADAPTERS` lists (the
`bot.adapters.base.Adapter` contract), with the `teams-package` sub-command. Botbuilder is not
imported with it; `attach` imports it, unless Teams is switched off."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.adapters.teams import settings

if TYPE_CHECKING:
    from aiohttp import web

    from bot.adapters.base import BotParts, SubCommands
    from bot.settings import Settings


class Teams:
    """Teams over the Bot Framework (`POST /api/messages`), on only with `MICROSOFT_APP_ID` (or,
    for local testing, `TEAMS_ALLOW_UNAUTHENTICATED=true`)."""

    name = "Microsoft Teams"
    guide = "Setting up on Microsoft Teams"

    def configured(self, environ: Mapping[str, str]) -> bool:
        return settings.configured(environ)

    def missing(self, environ: Mapping[str, str]) -> str | None:
        return None

    def settings_problem(self) -> str | None:
        problem = settings.settings_problem()
        if problem is None:
            return None
        return f"The Teams settings are not right: {problem}. See config/example.env."

    def warning(self, environ: Mapping[str, str] | None = None) -> str:
        return settings.auth_warning(environ)

    def listen_problem(self, host: str) -> str | None:
        return settings.listen_problem(host)

    def attach(self, app: web.Application | None, bot: BotParts) -> None:
        """With MICROSOFT_APP_ID (or TEAMS_ALLOW_UNAUTHENTICATED=true), unless
        TEAMS_ENABLED=false: its deliverer on `bot.router` (reaching conversations through the
        references it stored) and, given a web app, POST /api/messages there, with Bot Framework
        authentication when MICROSOFT_APP_ID is set."""
        found = settings.TeamsSettings()
        if not found.active:
            return
        from bot.adapters.teams import adapter

        adapter.attach(app, bot, found)

    def add_commands(self, commands: SubCommands) -> None:
        package = commands.add_parser(
            "teams-package",
            help="build the Microsoft Teams app package (zip) with the configured app id",
            description="Zip the Teams manifest template and its icons (the ones that come with "
            "Common Ground, or your own copy given with --manifest), with MICROSOFT_APP_ID (or "
            "--app-id) filled in, for uploading in Teams.",
        )
        package.add_argument(
            "--app-id", help="the bot's Microsoft App ID (default: MICROSOFT_APP_ID)"
        )
        package.add_argument(
            "--out",
            default="commonground-teams.zip",
            help="the zip to write (default: %(default)s)",
        )
        package.add_argument(
            "--manifest",
            metavar="PATH",
            help="your own edited copy of the manifest template; icons missing beside it are "
            "drawn (default: the template that comes with Common Ground)",
        )
        package.set_defaults(run=_teams_package, quiet=True)


def _teams_package(args: argparse.Namespace, _settings: Settings) -> int:
    import sys
    from pathlib import Path

    from bot.adapters.teams.package import PackageRefused, build_package

    app_id = args.app_id or settings.TeamsSettings().app_id
    try:
        manifest = Path(args.manifest) if args.manifest else None
        written = build_package(app_id, Path(args.out), manifest)
    except PackageRefused as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Wrote the Teams app package to {written}. Upload it in Teams: Apps, Manage your apps,")
    print("Upload an app (or give it to your Teams admin for the organisation's app catalogue).")
    return 0


TEAMS = Teams()
