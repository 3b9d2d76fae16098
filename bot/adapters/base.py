"""The one contract between the composition root and the adapters.

`Adapter` is what `bot.app` and `bot.__main__` know of a platform: `bot.adapters.ADAPTERS` lists
one object per adapter package, and they are wired from that list without naming any platform.
`BotParts` is the adapter's view of the running bot (`bot.app.CommonGround`), and `Handler` its
view of the core: protocols rather than imports of `bot.app`, so adapters don't depend on the
composition root.

An `Adapter` object must be cheap to import (the command line lists the platforms' sub-commands):
it reads its settings without its platform's SDK and imports the SDK only in `attach`, once the
settings say the platform is switched on. This module, too, imports the core only for type checks.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Protocol, TypeAlias

if TYPE_CHECKING:
    import argparse

    from aiohttp import web

    from bot.context import Services
    from bot.core import Core
    from bot.delivery.drainer import Drainer
    from bot.delivery.router import DeliveryRouter
    from bot.effects import Effect
    from bot.events import Event
    from bot.store.database import Database

    # What `ArgumentParser.add_subparsers` returns: where an adapter adds its own sub-commands.
    SubCommands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


class BotParts(Protocol):
    """What an adapter's `attach` needs of the running bot."""

    @property
    def core(self) -> Core: ...

    @property
    def db(self) -> Database: ...

    @property
    def services(self) -> Services: ...

    @property
    def router(self) -> DeliveryRouter: ...

    @property
    def drainer(self) -> Drainer:
        """The outbox drain: an adapter calls `wake()` once it has answered a request, so the
        posts and messages the core stored with the change go out right after."""
        ...


class Handler(Protocol):
    """`Core.handle`: one event in, effects out; `once` is the delivery's id for deduplication."""

    def __call__(self, event: Event, *, once: str | None = None) -> Awaitable[list[Effect]]: ...


class Adapter(Protocol):
    """One platform, as the composition root and the command line see it."""

    @property
    def name(self) -> str:
        """The platform's name for operators ("Slack")."""
        ...

    @property
    def guide(self) -> str:
        """The README section on connecting it ("" when there is nothing to set up)."""
        ...

    def configured(self, environ: Mapping[str, str]) -> bool:
        """Whether these environment variables connect the platform (for the operator report)."""
        ...

    def missing(self, environ: Mapping[str, str]) -> str | None:
        """What is missing when some of its settings are present but not enough (None: nothing)."""
        ...

    def settings_problem(self) -> str | None:
        """A plain line saying why its settings cannot work (None: they can); it stops `serve`,
        `web` and `clock` before they touch the database."""
        ...

    def warning(self, environ: Mapping[str, str] | None = None) -> str:
        """A loud line for the log when serving its route with these settings is unsafe (""
        when it is not; None reads the process's own settings)."""
        ...

    def attach(self, app: web.Application | None, bot: BotParts) -> None:
        """Switch the platform on when its settings say so: register its `Deliverer` with
        `bot.router` and, given the web app, mount its routes and its start and stop hooks."""
        ...

    def add_commands(self, commands: SubCommands) -> None:
        """Add the platform's own sub-commands to the command line (most add none)."""
        ...
