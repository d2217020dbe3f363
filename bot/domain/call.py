"""Who asks, when, and in which language: the request value a use case takes beside its own input.

A front end builds one `Call` per update (`bot.handlers.common.call`) and passes it, with the `Deps`
(`bot.services.kernel.deps`), to every use case it runs: `compose.begin(deps, call, text)`. Only the actor,
the moment and the reader's language travel here; what the use case needs from the outside world (the
store, the settings) is in the `Deps`, and its own input (the text typed, the button pressed) follows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain.rights import Actor


@dataclass(frozen=True)
class Call:
    """The person acting, the moment of the update (aware, any zone) and the language answers are worded
    in."""

    actor: Actor
    now: datetime
    lang: str

    def at(self, now: datetime) -> Call:
        """The same call at another moment (a test moving time, a sweep acting for someone)."""
        return replace(self, now=now)
