"""设岗定责 (/patrol, /mediate, /log, /posts, /claim, /review, /accounts, /publicity): the button payloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload, YesNo
from bot.services.duty.rules import DisputeKind, DutyPost, MediationOutcome

DUTY = "duty"


@dataclass(frozen=True)
class DutyKind(Payload):
    """/mediate: the kind of dispute."""

    PREFIX: ClassVar[str] = "duty:kind"
    kind: DisputeKind


@dataclass(frozen=True)
class DutyOutcome(Payload):
    """/mediate: the outcome."""

    PREFIX: ClassVar[str] = "duty:res"
    outcome: MediationOutcome


@dataclass(frozen=True)
class DutySkip(Payload):
    """/patrol, /mediate: skip an optional step."""

    PREFIX: ClassVar[str] = "duty:skip"


@dataclass(frozen=True)
class DutyFollowup(Payload):
    """A mediation follow-up: how it ended."""

    PREFIX: ClassVar[str] = "duty:out"
    log_id: int
    outcome: MediationOutcome


@dataclass(frozen=True)
class DutyPostToggle(Payload):
    """/posts: give or take a duty post."""

    PREFIX: ClassVar[str] = "duty:post"
    member_id: int
    post: DutyPost


@dataclass(frozen=True)
class DutyPostSwitch(Payload):
    """/posts: give or take a post of the catalogue (by its id)."""

    PREFIX: ClassVar[str] = "duty:psw"
    member_id: int
    post_id: int


@dataclass(frozen=True)
class DutyLogPost(Payload):
    """/log: the post to log an entry for."""

    PREFIX: ClassVar[str] = "duty:log"
    post_id: int


@dataclass(frozen=True)
class DutyClaim(Payload):
    """/claim (认领岗位): the post asked for."""

    PREFIX: ClassVar[str] = "duty:claim"
    post_id: int


@dataclass(frozen=True)
class DutyClaimDecide(Payload):
    """A claim sent to the secretary: 准 (`yes`) or 不准 (`no`)."""

    PREFIX: ClassVar[str] = "duty:cd"
    claim_id: int
    verdict: YesNo


@dataclass(frozen=True)
class DutyApprove(Payload):
    """/review: approve one entry (then the list of month `month` again at page `page`)."""

    PREFIX: ClassVar[str] = "duty:ok"
    month: int
    page: int
    log_id: int


@dataclass(frozen=True)
class DutyReject(Payload):
    """/review: reject one entry (the reason is asked next)."""

    PREFIX: ClassVar[str] = "duty:no"
    log_id: int


@dataclass(frozen=True)
class DutyReviewPage(Payload):
    """/review: page `page` of the pending entries of month `month` (`202603`; 0: every month)."""

    PREFIX: ClassVar[str] = "duty:rp"
    month: int
    page: int


@dataclass(frozen=True)
class DutyApproveRange(Payload):
    """/review: approve the pending entries shown on a page (ids `first`..`last` of month `month`, 0: any)."""

    PREFIX: ClassVar[str] = "duty:or"
    month: int
    first: int
    last: int


@dataclass(frozen=True)
class DutyApproveMonth(Payload):
    """/review YYYY-MM: approve every pending entry of the month (`202603`) in the presser's units."""

    PREFIX: ClassVar[str] = "duty:okm"
    month: int


@dataclass(frozen=True)
class DutyAccountWrite(Payload):
    """The quarterly prompt: write the account (述职) of quarter `quarter` (`20261`)."""

    PREFIX: ClassVar[str] = "duty:acc"
    quarter: int


@dataclass(frozen=True)
class DutyAccountsPage(Payload):
    """/accounts: page `page` of the post-holders' accounts of quarter `quarter` (`20261`)."""

    PREFIX: ClassVar[str] = "duty:ap"
    quarter: int
    page: int


@dataclass(frozen=True)
class DutyPublish(Payload):
    """/publicity preview: post this 公示 to the bound group."""

    PREFIX: ClassVar[str] = "duty:pub"
    publicity_id: int


@dataclass(frozen=True)
class DutyPublishDrop(Payload):
    """/publicity preview: do not post it."""

    PREFIX: ClassVar[str] = "duty:pubx"
    publicity_id: int
