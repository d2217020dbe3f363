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


@dataclass(frozen=True)
class PledgePost(Payload):
    """发布到群: post the branch's pledge list of `year`, as previewed (`check`: a checksum of the text)."""

    PREFIX: ClassVar[str] = "apr:pub"
    unit_id: int
    year: int
    check: int


@dataclass(frozen=True)
class PledgeDrop(Payload):
    """先不发: leave the preview."""

    PREFIX: ClassVar[str] = "apr:nopub"
    unit_id: int
