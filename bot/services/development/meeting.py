"""A 支部党员大会 step (接收预备党员, 转正) linked to the meeting and the resolution that took it (issue 24).

`/development 王小明 | 支部大会 | 2026-06-20 | 会议 12` names the notice of the meeting; its minutes hold the
resolution of kind 接收预备党员 (or 预备党员转正 for 转正), with the outcome the minutes judged when they were saved
(`bot.domain.resolutions`: quorum, written opinions, more than half of those expected with a vote). Nothing is
counted again here: the step stands only when that resolution passed, at a 支部党员大会 of the person's branch held
that day. When the minutes hold more than one such resolution, the one naming the person is taken (`决议 2` picks
one by its number). The step keeps the notice and the resolution's number, and the count as the minutes give it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.results import Reply, say
from bot.services.development.rules import Step
from bot.store import Store
from bot.store.minutes import Resolution

_MEETING = re.compile(r"(?:会议|meeting|notice)\s*[#＃]?\s*(\d{1,9})|[#＃]\s*(\d{1,9})", re.IGNORECASE)
_RESOLUTION = re.compile(r"(?:决议|resolution)\s*[#＃]?\s*(\d{1,3})", re.IGNORECASE)
#: The resolution kind (minutes, SPEC §10) each step is taken by.
KIND = {Step.ADMIT: "admit", Step.CONFIRM: "confirm"}


def reference(note: str) -> tuple[int, int | None] | None:
    """`会议 12`, `#12`, `meeting 12` (with `决议 2`): the notice and the resolution's number; None when not named."""
    found = _MEETING.search(note)
    if found is None:
        return None
    chosen = _RESOLUTION.search(note)
    return int(found[1] or found[2]), int(chosen[1]) if chosen else None


@dataclass(frozen=True)
class Linked:
    """The resolution a step is taken by: where, which, and the count written into the step."""

    notice_id: int
    seq: int
    note: str


@dataclass(frozen=True)
class Asked:
    """What the secretary wrote: the step, the person (name, branch), the day, the note."""

    step: Step
    name: str
    unit_id: int
    on: date
    note: str


def _pick(resolutions: tuple[Resolution, ...], kind: str, name: str, seq: int | None) -> list[tuple[int, Resolution]]:
    numbered = [(i + 1, r) for i, r in enumerate(resolutions) if r.kind == kind]
    if seq is not None:
        return [(i, r) for i, r in numbered if i == seq]
    named = [(i, r) for i, r in numbered if name in r.text]
    return named or (numbered if len(numbered) == 1 else [])


async def linked_vote(store: Store, asked: Asked, tz: ZoneInfo) -> Linked | Reply | None:
    """The resolution the note names, or the refusal naming what is wrong; None when the note names no meeting."""
    ref = reference(asked.note)
    if ref is None:
        return None
    notice_id, seq = ref
    notice = await store.notices.get(notice_id)
    if notice is None or notice.unit_id != asked.unit_id or notice.kind != "general" or notice.cancelled_at:
        return say("development.meeting.not_general", number=notice_id)
    held = notice.starts_at.astimezone(tz).date()
    if held != asked.on:
        return say("development.meeting.other_day", number=notice_id, day=held.isoformat())
    minutes = await store.minutes.get(notice_id)
    kind = KIND[asked.step]
    found = _pick(minutes.resolutions if minutes else (), kind, asked.name, seq)
    if len(found) != 1:
        return say(f"development.meeting.no_{kind}", number=notice_id, name=asked.name)
    number, resolution = found[0]
    if not resolution.passed:
        return say(
            "development.meeting.not_passed",
            number=notice_id,
            seq=number,
            yes=resolution.yes,
            needed=resolution.needed if resolution.needed is not None else "—",
        )
    present = resolution.yes + resolution.no + resolution.abstain
    expected = resolution.base if resolution.base is not None else present
    # the count in the words the register reads back (`common.vote`); the meeting is kept in its own columns
    count = f"应到{expected} 实到{present} 赞成{resolution.yes} 书面{resolution.written_yes}"
    return Linked(notice_id, number, count)
