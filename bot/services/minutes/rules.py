"""Minutes from the record (issue 13 item 6), the pure rules: the draft a secretary fills in step by step,
the votes of a resolution as typed (三个数：赞成 反对 弃权) and the checks against the record — the votes
cast cannot exceed those present with a vote (or 实到 for a meeting without a quorum), and a resolution is
recorded only when the quorum is met; a typed host or recorder is someone the record shows present, or
someone outside the roster (a township official) — never a member the record shows absent or on leave, nor
any other member of the roster (another branch's, or one who was not at the meeting)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.domain import drafts
from bot.domain.resolutions import ORDINARY, ResolutionKind, Votes
from bot.services.kernel.text import name_key
from bot.store.notices_seats import MeetingSeat

NAME_LIMIT, CONTENT_LIMIT, RESOLUTION_LIMIT, MAX_RESOLUTIONS = 20, 3000, 300, 20
#: A vote as typed: three whole numbers (赞成 反对 弃权), with or without the words, in any separators.
_NUMBER = re.compile(r"\d+")
VOTE_LIMIT = 100_000


class MinutesRole(StrEnum):
    """Whom a member present is chosen as (a `MinutesPerson` button's `role`)."""

    HOST = "host"  # 主持人
    RECORDER = "recorder"  # 记录人


class DraftResolution(BaseModel):
    """A resolution typed so far: its text, vote (赞成 反对 弃权), kind (`bot.domain.resolutions.ResolutionKind`)
    and the written opinions (书面意见: 赞成 反对 弃权) counted with the vote where the rule counts them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    yes: int
    no: int
    abstain: int
    kind: ResolutionKind = ORDINARY
    written: tuple[int, int, int] = (0, 0, 0)

    @property
    def votes(self) -> Votes:
        return Votes(self.yes, self.no, self.abstain)

    @property
    def opinions(self) -> Votes:
        return Votes(*self.written)


class MinutesDraft(drafts.Draft):
    """What the secretary typed so far for meeting `notice_id` (kept in user_data; survives a restart).
    `pending` is a resolution's text waiting for its vote, `pending_kind` its kind, `pending_votes` its vote
    while its written opinions are asked."""

    flow: Literal["minutes.record"] = "minutes.record"
    notice_id: int
    host: str | None = None
    recorder: str | None = None
    content: str | None = None
    resolutions: tuple[DraftResolution, ...] = ()
    pending: str | None = None
    pending_kind: ResolutionKind = ORDINARY
    pending_votes: tuple[int, int, int] | None = None
    parts: int = 0  # how many messages 会议内容 was written in (issue 23)
    voice: tuple[str, int] | None = None  # a voice message with it: Telegram file id, seconds

    def with_part(self, part: str) -> MinutesDraft | None:
        """会议内容 with one more message (a paragraph of its own), or None when it would grow past the limit."""
        joined = f"{self.content}\n{part}" if self.content else part
        if len(joined) > CONTENT_LIMIT:
            return None
        return self.replace(content=joined, parts=self.parts + 1)

    def adding(self, text: str, votes: tuple[int, int, int], written: tuple[int, int, int] = (0, 0, 0)) -> MinutesDraft:
        """The resolution typed (its text, votes 赞成 反对 弃权 and written opinions) added; nothing pending."""
        yes, no, abstain = votes
        item = DraftResolution(text=text, yes=yes, no=no, abstain=abstain, kind=self.pending_kind, written=written)
        return self.replace(
            resolutions=(*self.resolutions, item), pending=None, pending_kind=ORDINARY, pending_votes=None
        )


@dataclass(frozen=True)
class VoteProblem:
    """Why typed votes are refused: `key` (a catalogue key under minutes.err.) and its values."""

    key: str
    params: dict[str, int]


def parse_votes(text: str) -> tuple[int, int, int] | None:
    """`12 0 1`, `12，0，1`, `赞成12 反对0 弃权1`, full-width digits too: exactly three whole numbers, else None."""
    normal = unicodedata.normalize("NFKC", text)
    numbers = _NUMBER.findall(normal)
    if len(numbers) != 3 or any(len(n) > 6 for n in numbers):
        return None
    yes, no, abstain = (int(n) for n in numbers)
    return yes, no, abstain


def check_votes(votes: tuple[int, int, int], limit: int) -> VoteProblem | None:
    """The votes cast cannot be more than may vote (`limit`: present with a vote, or 实到)."""
    cast = sum(votes)
    if cast > limit:
        return VoteProblem("over", {"cast": cast, "limit": limit})
    if cast == 0:
        return VoteProblem("none", {"limit": limit})
    return None


def same_name(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def on_roster(name: str, roster: Iterable[str]) -> str | None:
    """The roster's spelling of `name` when a member of the roster bears it (any unit), else None."""
    return next((n for n in roster if same_name(n, name)), None)


def present_by_record(name: str, everyone: Sequence[MeetingSeat]) -> MeetingSeat | None:
    """The member of that name whom the record shows present."""
    return next((s for s in everyone if same_name(s.name, name) and s.present), None)


def absent_by_record(name: str, everyone: Sequence[MeetingSeat]) -> MeetingSeat | None:
    """The expected member of that name whom the record shows not present (absent or on leave): a host or
    recorder must have been there."""
    return next((s for s in everyone if same_name(s.name, name) and not s.present), None)
