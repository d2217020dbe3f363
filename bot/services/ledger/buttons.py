"""/ledger and the nudge of the 20th: the button payloads of the 三会一课 ledger."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.ledger import LedgerKind
from bot.domain.payload import Payload

LEDGER = "ldg"


@dataclass(frozen=True)
class LedgerAll(Payload):
    """/ledger: the overview of every branch the person may see, page `page` (from 1), for `year`."""

    PREFIX: ClassVar[str] = "ldg:all"
    year: int
    page: int


@dataclass(frozen=True)
class LedgerView(Payload):
    """/ledger: one branch's ledger for `year`, quarter `quarter` (1-4; other values are clamped)."""

    PREFIX: ClassVar[str] = "ldg:v"
    unit_id: int
    year: int
    quarter: int


@dataclass(frozen=True)
class LedgerNotice(Payload):
    """The nudge of the 20th: start /notice with this meeting type chosen."""

    PREFIX: ClassVar[str] = "ldg:ntc"
    kind: LedgerKind
