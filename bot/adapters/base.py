"""What an adapter's `attach` needs of the running bot (`bot.app.CommonGround`).

A protocol rather than an import of `bot.app`, so adapters don't depend on the composition root.
"""

from __future__ import annotations

from typing import Protocol

from bot.context import Services
from bot.core import Core
from bot.delivery.router import DeliveryRouter
from bot.store.database import Database


class BotParts(Protocol):
    @property
    def core(self) -> Core: ...

    @property
    def db(self) -> Database: ...

    @property
    def services(self) -> Services: ...

    @property
    def router(self) -> DeliveryRouter: ...
