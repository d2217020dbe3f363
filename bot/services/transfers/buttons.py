"""组织关系转接: the button payloads (issue 27)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload

TRANSFERS = "tr"


@dataclass(frozen=True)
class TransferOut(Payload):
    """The six-month reminder about a mobile member: 「办理转出」 begins their 转出, step by step."""

    PREFIX: ClassVar[str] = "tr:out"
    member_id: int


@dataclass(frozen=True)
class TransferOutUsual(Payload):
    """A 转出 begun from the reminder: the usual 有效期 of three months, with one press."""

    PREFIX: ClassVar[str] = "tr:out3"
    member_id: int
