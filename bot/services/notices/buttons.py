"""/notice, a notice's replies and its leave requests: the button payloads of notices."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.payload import Payload, YesNo
from bot.domain.presence import MeetingMode
from bot.services.notices.audience import MeetingKind

NOTICES = "ntc"


@dataclass(frozen=True)
class NoticeKind(Payload):
    """/notice: the meeting type chosen."""

    PREFIX: ClassVar[str] = "ntc:kind"
    kind: MeetingKind


@dataclass(frozen=True)
class NoticeUnit(Payload):
    """/notice: the unit chosen."""

    PREFIX: ClassVar[str] = "ntc:unit"
    unit_id: int


@dataclass(frozen=True)
class NoticeSend(Payload):
    """/notice preview: send the draft this preview shows (`draft` names it)."""

    PREFIX: ClassVar[str] = "ntc:send"
    draft: str


@dataclass(frozen=True)
class NoticeDrop(Payload):
    """/notice preview: drop the draft this preview shows."""

    PREFIX: ClassVar[str] = "ntc:drop"
    draft: str


@dataclass(frozen=True)
class NoticeGroupCopy(Payload):
    """/notice preview: whether the bound group gets a copy (`on`) of the draft this preview shows."""

    PREFIX: ClassVar[str] = "ntc:grp"
    draft: str
    on: YesNo


@dataclass(frozen=True)
class NoticeMode(Payload):
    """/notice preview: hold the meeting 现场 (`onsite`) or 线上 (`online`); a new preview of the same draft."""

    PREFIX: ClassVar[str] = "ntc:mode"
    draft: str
    mode: MeetingMode


@dataclass(frozen=True)
class NoticeAttend(Payload):
    """A notice: 参加."""

    PREFIX: ClassVar[str] = "ntc:att"
    notice_id: int


@dataclass(frozen=True)
class NoticeLeave(Payload):
    """A notice: 请假 (the reason is asked next)."""

    PREFIX: ClassVar[str] = "ntc:lv"
    notice_id: int


@dataclass(frozen=True)
class NoticeCheckin(Payload):
    """A notice: 签到, in the check-in window."""

    PREFIX: ClassVar[str] = "ntc:in"
    notice_id: int


@dataclass(frozen=True)
class NoticeLeaveOk(Payload):
    """A leave request, to the convener: 准假. `asked` (the request's time, epoch seconds) names the request,
    so a press on an older one never decides a newer one."""

    PREFIX: ClassVar[str] = "ntc:lok"
    notice_id: int
    member_id: int
    asked: int


@dataclass(frozen=True)
class NoticeLeaveNo(Payload):
    """A leave request, to the convener: 不准."""

    PREFIX: ClassVar[str] = "ntc:lno"
    notice_id: int
    member_id: int
    asked: int


CHECKIN = "ci"


@dataclass(frozen=True)
class CheckinShow(Payload):
    """/checkin ID: 刷新签到码 (the code of this minute, and its QR image, again; issue 23)."""

    PREFIX: ClassVar[str] = "ci:show"
    notice_id: int
