"""/publicity's button payloads: post the previewed item to the bound group, or drop it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload

OPENNESS = "pub"
#: The deep link of an objection: `https://t.me/<bot>?start=oj_<item id>`.
OBJECT_LINK = "oj_"


@dataclass(frozen=True)
class PublicityPost(Payload):
    """发布到群: post this previewed item."""

    PREFIX: ClassVar[str] = "pub:post"
    item_id: int


@dataclass(frozen=True)
class PublicityDrop(Payload):
    """不发布: leave this preview."""

    PREFIX: ClassVar[str] = "pub:drop"
    item_id: int
