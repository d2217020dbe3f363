"""/carevisit: the button payloads of care."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload

CARE = "care"


@dataclass(frozen=True)
class CarePick(Payload):
    """/carevisit's guided list: log a visit on this care case, step by step."""

    PREFIX: ClassVar[str] = "care:pick"
    case_id: int


@dataclass(frozen=True)
class CareSkip(Payload):
    """/carevisit step by step: no next step."""

    PREFIX: ClassVar[str] = "care:skip"
