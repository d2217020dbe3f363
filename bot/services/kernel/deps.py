"""What a use case needs from outside itself, in one object: the store and the settings.

Built once per application (`bot.runtime.context.Services.deps`) and passed first to every use case:
`async def begin(deps: Deps, call: Call, text: str) -> Step`. A second front end, the CLI and the tests
build their own over the same store."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.store import Store


@dataclass(frozen=True)
class Deps:
    store: Store
    settings: Settings

    @property
    def tz(self) -> ZoneInfo:
        """The community's time zone (`TIMEZONE`): where days, months and quarters begin."""
        return self.settings.tz
