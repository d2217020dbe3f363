"""What handlers reach through `context`: the store, the settings and the person behind the update."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.domain.rights import Actor, OrgTree
from bot.store import Store


class OutboxSender(Protocol):
    """What the services need of the outbox sender (bot.runtime.delivery.Sender, which imports this module):
    a poke when something was queued, and a stop at shutdown."""

    def poke(self) -> None: ...

    async def stop(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    settings: Settings
    store: Store
    state: dict[str, Any] = field(default_factory=dict)  # small in-process state (e.g. error throttle)
    clock: Callable[[], datetime] = utc_now  # replaced in tests to move time
    sender: OutboxSender | None = None

    def now(self) -> datetime:
        return self.clock()

    def poke_sender(self) -> None:
        """Something was queued in the outbox: send it now rather than at the next poll."""
        if self.sender is not None:
            self.sender.poke()

    async def tree(self) -> OrgTree:
        return OrgTree.of(await self.store.units.all())


#: The application as Zhibu builds it (with ZhibuContext, which PTB's generics cannot carry through
#: `context.application`); handlers' `register(app)` take it.
ZhibuApp = Application[Any, Any, Any, Any, Any, Any]


class ZhibuContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context with typed access to the bot's services and the current actor."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self.actor: Actor | None = None
        self.lang: str = "zh"
        self.ended_conversation = False  # a command just ended a conversation in progress

    @property
    def services(self) -> Services:
        services = self.application.bot_data.get("services")
        if not isinstance(services, Services):
            raise RuntimeError("the application was not built by build_application()")
        return services

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def settings(self) -> Settings:
        return self.services.settings
