"""Every button payload (Telegram's callback data) as a small typed value, packed and checked here only.

A payload is `<prefix>:<field>:<field>…`. `unpack` validates every field — integers as 1–18 digits,
words against their allowed set (a status, a meeting type…) or as a short token — so a forged or stale
payload never reaches a rule, the database or a catalogue: it is simply not matched, and the capability's
catch-all answers it like an expired button. Handlers register `pattern=Payload.matches` and read the
value with `Payload.unpack`; services build buttons with `Payload(...).pack()`. No Telegram here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, fields
from importlib import import_module
from typing import Any, ClassVar, Self, get_type_hints

#: Telegram refuses callback data longer than 64 bytes.
LIMIT = 64
_INT = re.compile(r"[0-9]{1,18}")
_TOKEN = re.compile(r"[A-Za-z0-9_]{1,16}")

Choices = Callable[[], Collection[str]]


def allowed(module: str, name: str) -> Choices:
    """The allowed values of a field: a constant of a rules module, looked up when first needed (the
    rules modules build buttons themselves, so importing them here would be circular)."""

    def load() -> Collection[str]:
        values = getattr(import_module(module), name)
        return values.keys() if isinstance(values, dict) else values

    return load


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = get_type_hints(cls)
    return _HINTS[cls]


@dataclass(frozen=True)
class Payload:
    """Base of every payload: subclasses set `PREFIX`, declare `int` / `str` fields, and name the allowed
    set of a `str` field in `CHOICES` (without one it must be a short ASCII token)."""

    PREFIX: ClassVar[str]
    CHOICES: ClassVar[dict[str, Choices]] = {}

    def pack(self) -> str:
        data = ":".join([self.PREFIX, *(str(getattr(self, f.name)) for f in fields(self))])
        if self.unpack(data) != self:  # a value out of its set, a colon in a word, over 64 bytes
            raise ValueError(f"not a valid {type(self).__name__}: {data!r}")
        return data

    @classmethod
    def unpack(cls, data: object) -> Self | None:
        """The payload `data` carries, or None when it is not one of this kind or a field is invalid."""
        if not isinstance(data, str) or len(data.encode()) > LIMIT:
            return None
        own = fields(cls)
        if not own:
            return cls() if data == cls.PREFIX else None
        if not data.startswith(cls.PREFIX + ":"):
            return None
        parts = data[len(cls.PREFIX) + 1 :].split(":")
        if len(parts) != len(own):
            return None
        hints = _hints(cls)
        values: dict[str, object] = {}
        for spec, raw in zip(own, parts, strict=True):
            if hints[spec.name] is int:
                if not _INT.fullmatch(raw):
                    return None
                values[spec.name] = int(raw)
                continue
            choices = cls.CHOICES.get(spec.name)
            if (raw not in choices()) if choices is not None else not _TOKEN.fullmatch(raw):
                return None
            values[spec.name] = raw
        return cls(**values)

    @classmethod
    def matches(cls, data: object) -> bool:
        """For `CallbackQueryHandler(pattern=...)`: whether `data` is a valid payload of this kind."""
        return cls.unpack(data) is not None


def family(prefix: str) -> Callable[[object], bool]:
    """Any payload of a capability (valid or not): for the catch-all that answers stale buttons."""

    def match(data: object) -> bool:
        return isinstance(data, str) and (data == prefix or data.startswith(prefix + ":"))

    return match


# ------------------------------------------------------------------------------------------- notices
NOTICES = "ntc"


@dataclass(frozen=True)
class NoticeKind(Payload):
    """/notice: the meeting type chosen."""

    PREFIX: ClassVar[str] = "ntc:kind"
    CHOICES: ClassVar[dict[str, Choices]] = {"kind": allowed("bot.services.notices.common", "KINDS")}
    kind: str


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


# ------------------------------------------------------------------------------------------- reports
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


# -------------------------------------------------------------------------------------------- status
STATUS = "st"


@dataclass(frozen=True)
class StatusState(Payload):
    """/status: the state chosen."""

    PREFIX: ClassVar[str] = "st"
    CHOICES: ClassVar[dict[str, Choices]] = {"state": allowed("bot.services.reports.common", "STATES")}
    state: str


@dataclass(frozen=True)
class StatusSkip(Payload):
    """/status: no note."""

    PREFIX: ClassVar[str] = "st:skip"


@dataclass(frozen=True)
class StatusLong(Payload):
    """After /status away_work or away_business: away for more than a month (`yes`) or not, for that status."""

    PREFIX: ClassVar[str] = "st:long"
    CHOICES: ClassVar[dict[str, Choices]] = {"answer": lambda: ("yes", "no")}
    status_id: int
    answer: str


# -------------------------------------------------------------------------------------------- mobile
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


# ---------------------------------------------------------------------------------------------- duty
DUTY = "duty"


@dataclass(frozen=True)
class DutyKind(Payload):
    """/mediate: the kind of dispute."""

    PREFIX: ClassVar[str] = "duty:kind"
    CHOICES: ClassVar[dict[str, Choices]] = {"kind": allowed("bot.services.duty.rules", "KINDS")}
    kind: str


@dataclass(frozen=True)
class DutyOutcome(Payload):
    """/mediate: the outcome."""

    PREFIX: ClassVar[str] = "duty:res"
    CHOICES: ClassVar[dict[str, Choices]] = {"outcome": allowed("bot.services.duty.rules", "OUTCOMES")}
    outcome: str


@dataclass(frozen=True)
class DutySkip(Payload):
    """/patrol, /mediate: skip an optional step."""

    PREFIX: ClassVar[str] = "duty:skip"


@dataclass(frozen=True)
class DutyFollowup(Payload):
    """A mediation follow-up: how it ended."""

    PREFIX: ClassVar[str] = "duty:out"
    CHOICES: ClassVar[dict[str, Choices]] = {"outcome": allowed("bot.services.duty.rules", "OUTCOMES")}
    log_id: int
    outcome: str


@dataclass(frozen=True)
class DutyPostToggle(Payload):
    """/posts: give or take a duty post."""

    PREFIX: ClassVar[str] = "duty:post"
    CHOICES: ClassVar[dict[str, Choices]] = {"post": allowed("bot.services.duty.rules", "DUTY_POSTS")}
    member_id: int
    post: str


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
    CHOICES: ClassVar[dict[str, Choices]] = {"verdict": allowed("bot.services.duty.claims", "VERDICTS")}
    claim_id: int
    verdict: str


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


# ------------------------------------------------------------------------------------------- invites
INVITES = "inv"


@dataclass(frozen=True)
class InviteRelink(Payload):
    """/invite for a linked member: unlink `telegram_id` (the account the secretary was shown) and make a
    new invite link."""

    PREFIX: ClassVar[str] = "inv:relink"
    member_id: int
    telegram_id: int


@dataclass(frozen=True)
class InviteKeep(Payload):
    """/invite for a linked member: leave the account as it is."""

    PREFIX: ClassVar[str] = "inv:keep"
    member_id: int


# --------------------------------------------------------------------------------------------- pages
PAGES = "pg"


@dataclass(frozen=True)
class ListPage(Payload):
    """A long list's ◀ ▶ or filter button (`bot.services.kernel.pages`): show page `page` (from 1) of `list`,
    narrowed by `filter`, for `ref` — the unit of /members (0: every unit the person manages), the period
    of /reports (`202610` for 2026-10, `20264` for 2026-Q4), the month of /dutyreport (`202610`), the notice
    of /attendance. The person's right to see it is checked again at every press."""

    PREFIX: ClassVar[str] = "pg"
    CHOICES: ClassVar[dict[str, Choices]] = {
        "list": allowed("bot.services.kernel.pages", "LISTS"),
        "filter": allowed("bot.services.kernel.pages", "FILTER_WORDS"),
    }
    list: str
    ref: int
    filter: str
    page: int


# ---------------------------------------------------------------------------------------------- care
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


def list_pages(name: str) -> Callable[[object], bool]:
    """For `CallbackQueryHandler(pattern=...)`: a valid `ListPage` of the list `name`."""

    def match(data: object) -> bool:
        pressed = ListPage.unpack(data)
        return pressed is not None and pressed.list == name

    return match


def stale_pages(name: str | None = None) -> Callable[[object], bool]:
    """The catch-all of a list's page buttons: any payload starting `pg:<name>` (valid or not), registered
    after `list_pages(name)`. Without a name: a `pg` payload that names no known list, so no two catch-alls
    ever match the same press and the order the lists register in does not matter."""
    if name is not None:
        return family(f"{PAGES}:{name}")
    lists = [family(f"{PAGES}:{known}") for known in allowed("bot.services.kernel.pages", "LISTS")()]

    def match(data: object) -> bool:
        return family(PAGES)(data) and not any(own(data) for own in lists)

    return match


# -------------------------------------------------------------------------------------------- ledger
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
    CHOICES: ClassVar[dict[str, Choices]] = {"kind": allowed("bot.domain.ledger", "LEDGER_KINDS")}
    kind: str


# ---------------------------------------------------------------------------------- households (issue 15)
HOUSEHOLDS = "hh"


@dataclass(frozen=True)
class HouseholdPick(Payload):
    """/visit: the household visited."""

    PREFIX: ClassVar[str] = "hh:pick"
    household_id: int


@dataclass(frozen=True)
class VisitNoRequest(Payload):
    """/visit: the household asked for nothing."""

    PREFIX: ClassVar[str] = "hh:noreq"


REQUESTS = "rq"


@dataclass(frozen=True)
class RequestOpen(Payload):
    """/requests: show one request with what can be done with it."""

    PREFIX: ClassVar[str] = "rq:open"
    request_id: int


@dataclass(frozen=True)
class RequestAct(Payload):
    """A request moved on: start, resolve, up, take, committee, back (`requests_rules.ACTIONS`)."""

    PREFIX: ClassVar[str] = "rq:act"
    CHOICES: ClassVar[dict[str, Choices]] = {"action": allowed("bot.services.households.requests_rules", "ACTIONS")}
    request_id: int
    action: str


@dataclass(frozen=True)
class RequestRate(Payload):
    """A resolved request: the resident's satisfaction as told to the member."""

    PREFIX: ClassVar[str] = "rq:rate"
    CHOICES: ClassVar[dict[str, Choices]] = {
        "rating": allowed("bot.services.households.requests_rules", "SATISFACTION")
    }
    request_id: int
    rating: str


# ------------------------------------------------------------------------------- minutes (issue 13 item 6)
MINUTES = "min"


@dataclass(frozen=True)
class MinutesPerson(Payload):
    """/minutes: a member present chosen as 主持人 (`role` host) or 记录人 (recorder)."""

    PREFIX: ClassVar[str] = "min:who"
    CHOICES: ClassVar[dict[str, Choices]] = {"role": lambda: ("host", "recorder")}
    notice_id: int
    role: str
    member_id: int


@dataclass(frozen=True)
class MinutesAdd(Payload):
    """/minutes: 添加决议."""

    PREFIX: ClassVar[str] = "min:add"
    notice_id: int


@dataclass(frozen=True)
class MinutesDone(Payload):
    """/minutes: 完成 (no more resolutions): the preview."""

    PREFIX: ClassVar[str] = "min:done"
    notice_id: int


@dataclass(frozen=True)
class MinutesSave(Payload):
    """/minutes preview: 保存."""

    PREFIX: ClassVar[str] = "min:save"
    notice_id: int


@dataclass(frozen=True)
class MinutesDrop(Payload):
    """/minutes preview: 不保存."""

    PREFIX: ClassVar[str] = "min:drop"
    notice_id: int


@dataclass(frozen=True)
class MinutesRedo(Payload):
    """Saved minutes shown: 重新填写."""

    PREFIX: ClassVar[str] = "min:redo"
    notice_id: int


#: Every payload kind, for the tests (64 bytes at the most, round trips) and the docs.
ALL: tuple[type[Payload], ...] = (
    NoticeKind,
    NoticeUnit,
    NoticeSend,
    NoticeDrop,
    NoticeAttend,
    NoticeLeave,
    NoticeCheckin,
    NoticeLeaveOk,
    NoticeLeaveNo,
    ReportWrite,
    ReportSend,
    ReportCancel,
    ReportView,
    ReportRead,
    ReportComment,
    StatusState,
    StatusSkip,
    StatusLong,
    MobileRegister,
    MobileLiaison,
    DutyKind,
    DutyOutcome,
    DutySkip,
    DutyFollowup,
    DutyPostToggle,
    DutyPostSwitch,
    DutyLogPost,
    DutyClaim,
    DutyClaimDecide,
    DutyApprove,
    DutyReject,
    DutyReviewPage,
    DutyApproveRange,
    DutyApproveMonth,
    DutyAccountWrite,
    DutyAccountsPage,
    DutyPublish,
    DutyPublishDrop,
    InviteRelink,
    InviteKeep,
    ListPage,
    LedgerAll,
    LedgerView,
    LedgerNotice,
    HouseholdPick,
    VisitNoRequest,
    RequestOpen,
    RequestAct,
    RequestRate,
    CarePick,
    CareSkip,
    MinutesPerson,
    MinutesAdd,
    MinutesDone,
    MinutesSave,
    MinutesDrop,
    MinutesRedo,
)
