"""/appraisal's button payloads: a 民主测评 ballot (the grade for one member). The payload goes from the voter's
private chat to the bot and is never stored: only the count under the grade is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload
from bot.services.appraisal.rules import Grade

APPRAISAL = "apr"


@dataclass(frozen=True)
class Ballot(Payload):
    """One 民主测评 ballot: this grade for this member in this 评议."""

    PREFIX: ClassVar[str] = "apr:vote"
    appraisal_id: int
    subject_id: int
    grade: Grade
