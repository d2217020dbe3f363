"""/report, /reports, /status and mobile members: their button payloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot.domain.models import MemberState
from bot.domain.payload import Payload, YesNo

REPORTS = "rep"


@dataclass(frozen=True)
class ReportWrite(Payload):
    """A reminder's 写思想汇报: starts /report."""

    PREFIX: ClassVar[str] = "rep:start"


@dataclass(frozen=True)
class ReportSend(Payload):
    """/report preview: send the text this preview shows (`draft` names it)."""

    PREFIX: ClassVar[str] = "rep:send"
    draft: str


@dataclass(frozen=True)
class ReportCancel(Payload):
    """/report preview: cancel."""

    PREFIX: ClassVar[str] = "rep:cancel"
    draft: str


@dataclass(frozen=True)
class ReportView(Payload):
    """/reports: read one report's text."""

    PREFIX: ClassVar[str] = "rep:view"
    report_id: int


@dataclass(frozen=True)
class ReportRead(Payload):
    """/reports, a report shown: 已阅 (no comment)."""

    PREFIX: ClassVar[str] = "rep:read"
    report_id: int


@dataclass(frozen=True)
class ReportComment(Payload):
    """/reports, a report shown: 已阅 with a comment (the comment is asked next)."""

    PREFIX: ClassVar[str] = "rep:note"
    report_id: int


STATUS = "st"


@dataclass(frozen=True)
class StatusState(Payload):
    """/status: the state chosen."""

    PREFIX: ClassVar[str] = "st"
    state: MemberState


@dataclass(frozen=True)
class StatusSkip(Payload):
    """/status: no note."""

    PREFIX: ClassVar[str] = "st:skip"


@dataclass(frozen=True)
class StatusLong(Payload):
    """After /status away_work or away_business: away for more than a month (`yes`) or not, for that status."""

    PREFIX: ClassVar[str] = "st:long"
    status_id: int
    answer: YesNo


MOBILE = "mob"


@dataclass(frozen=True)
class MobileRegister(Payload):
    """The secretary's message about a member going away: register them as a mobile member (流动党员)."""

    PREFIX: ClassVar[str] = "mob:reg"
    member_id: int


@dataclass(frozen=True)
class MobileLiaison(Payload):
    """Registering a mobile member: their liaison (`liaison_id` 0: none for now)."""

    PREFIX: ClassVar[str] = "mob:lia"
    member_id: int
    liaison_id: int


@dataclass(frozen=True)
class RegisterView(Payload):
    """A 积极分子's or 发展对象's 思想汇报 (the 发展党员 register's): read it."""

    PREFIX: ClassVar[str] = "rep:dview"
    report_id: int


@dataclass(frozen=True)
class RegisterRead(Payload):
    """A register's 思想汇报 shown: 已阅."""

    PREFIX: ClassVar[str] = "rep:dread"
    report_id: int


@dataclass(frozen=True)
class RegisterComment(Payload):
    """A register's 思想汇报 shown: 已阅 with a comment (the comment is asked next)."""

    PREFIX: ClassVar[str] = "rep:dnote"
    report_id: int
