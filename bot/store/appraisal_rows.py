"""The rows of the branch's year (issue 26) as the appraisal repository returns them: talks, 民主评议 and its
ratings, 整改 items, the 组织生活会's round, pledges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Talk:
    id: int
    unit_id: int
    a_id: int
    a_name: str
    b_id: int
    b_name: str
    held_on: date
    topic: str
    note: str
    form: str = "face"


@dataclass(frozen=True)
class TalkIn:
    """A talk as logged: its day, 内容, private note, 形式 and who logged it."""

    held_on: date
    topic: str
    note: str
    form: str
    by: int | None


@dataclass(frozen=True)
class Appraisal:
    id: int
    unit_id: int
    year: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class Rating:
    member_id: int
    grade: str
    correct_by: date | None


@dataclass(frozen=True)
class AppraisalRow:
    """One member's line of the year's 民主评议 (the sheet): 自评, tallies, 评定."""

    year: int
    unit_id: int
    member_name: str
    self_text: str | None
    tally: dict[str, int]
    grade: str | None
    correct_by: date | None
    self_file: str | None = None  # the 自评 handed in as a `voice` message or a `document`


@dataclass(frozen=True)
class RectifyItem:
    id: int
    unit_id: int
    item: str
    measure: str
    responsible_id: int
    responsible_name: str
    deadline: date
    created_at: datetime
    closed_at: datetime | None
    close_note: str | None


@dataclass(frozen=True)
class Round:
    unit_id: int
    year: int
    deadline: date


@dataclass(frozen=True)
class Pledge:
    id: int
    member_id: int
    member_name: str
    unit_id: int
    year: int
    text: str
    grade: str | None
    review_note: str | None
    progress: tuple[str, ...]
