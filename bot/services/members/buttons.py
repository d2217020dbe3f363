"""/invite: the button payloads of members."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload

INVITES = "inv"


@dataclass(frozen=True)
class InviteRelink(Payload):
    """/invite for a linked member: unlink `telegram_id` (the account the secretary was shown) and make a
    new invite link."""

    PREFIX: ClassVar[str] = "inv:relink"
    member_id: int
    telegram_id: int


@dataclass(frozen=True)
class InviteKeep(Payload):
    """/invite for a linked member: leave the account as it is."""

    PREFIX: ClassVar[str] = "inv:keep"
    member_id: int
