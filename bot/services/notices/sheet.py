"""The ledger's meeting sheets: 三会一课台账 (one row per meeting held: when, what, who chaired, taught and
recorded it, who came) and 会议考勤明细 (meeting × expected member). The year's grid of each branch has a sheet of
its own (`bot.services.ledger.sheet`), the minutes too (会议记录, `bot.services.minutes.sheet`).

"Held" is the ledger's word: not cancelled, its time passed, at least one check-in. 请假 counts a leave approved
(准假) only; a leave pending or refused, without a check-in, is 缺席. 补学 is shown apart and never as present.
The quorum follows `/attendance` (`bot.services.notices.ledger`): members with a vote for a 支部党员大会, the
committee for a 支委会 or 党委会; other meetings count none."""

from __future__ import annotations

from contextlib import aclosing
from datetime import date

from bot.i18n import has
from bot.services.kernel.xlsx_cells import plain
from bot.services.kernel.xlsx_context import Ledger
from bot.services.notices.audience import COMMITTEE_ONLY, VOTING
from bot.services.notices.common import has_quorum
from bot.store.workbook_reads import HeldMeeting, Seat

#: The columns of 三会一课台账: 会议形式 (现场 / 线上) and 补录 (who entered a past meeting, when, and why) after
#: "place" (issue 23).
MEETING_COLUMNS = (
    "date",
    "kind",
    "unit",
    "topic",
    "place",
    "mode",
    "backfill",
    "host",
    "speaker",
    "recorder",
    "expected",
    "present",
    "leave",
    "absent",
    "absent_names",
    "makeup",
    "quorum",
    "audience",
)
ATTENDANCE_COLUMNS = (
    "date",
    "kind",
    "topic",
    "member",
    "branch",
    "group",
    "answer",
    "reason",
    "approved",
    "checked_in_at",
    "check_in",
    "registrar",
    "register_reason",
    "makeup",
    "makeup_note",
)
ABSENT_NAMES = 30


class KindNames(dict[str, str]):
    """Type of meeting → its name in the catalogue (a type the catalogue does not know keeps its code)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def __missing__(self, kind: str) -> str:
        name = plain(self.lang, f"notice.kind.{kind}") if has(f"notice.kind.{kind}") else kind
        self[kind] = name
        return name


def quorum_met(n: HeldMeeting) -> bool | None:
    """Whether the meeting reached its quorum (None: a meeting that counts none)."""
    if n.kind in VOTING:
        return has_quorum(n.voters, n.voters_present)
    if n.kind in COMMITTEE_ONLY:
        return has_quorum(n.committee, n.committee_present)
    return None


def audience_key(n: HeldMeeting) -> str:
    if n.audience != "committee":
        return "members"
    return "party_committee" if n.kind == "party_committee" else "committee"


async def meetings_sheet(ledger: Ledger) -> None:
    """三会一课台账: every meeting held, oldest first."""
    table = ledger.book.table(
        ledger.text("meetings.sheet"),
        ledger.headers("meetings", MEETING_COLUMNS),
        widths={3: 30, 6: 30, 14: 36},
    )
    names = KindNames(ledger.lang)
    verdicts = {True: ledger.text("yes"), False: ledger.text("no"), None: None}
    audiences = {a: ledger.text(f"audience.{a}") for a in ("members", "committee", "party_committee")}
    sep = ledger.text("names_separator")
    modes = {m: ledger.text(f"mode.{m}") for m in ("onsite", "online")}
    async with aclosing(ledger.reads.each_held(ledger.now, ledger.units)) as meetings:
        async for n in meetings:
            ledger.seen(n.starts_at)
            local = n.starts_at.astimezone(ledger.tz)
            table.row(
                [
                    n.starts_at,
                    names[n.kind],
                    ledger.unit(n.unit_id),
                    n.topic,
                    n.place,
                    modes[n.mode],
                    _backfill(ledger, n),
                    n.host,  # 主持人, 记录人 from the minutes (issue 13 item 6)
                    n.speaker if n.kind == "lecture" else None,  # 授课人 of a 党课
                    n.recorder,
                    n.expected,
                    n.present,
                    n.on_leave,
                    n.absent,
                    _names(ledger, n.absent_names, sep),
                    n.made_up or None,
                    verdicts[quorum_met(n)],
                    audiences[audience_key(n)],
                ]
            )
            if n.expected:
                label = ledger.text(
                    "stats.meeting_label", date=f"{local:%m-%d}", kind=names[n.kind], unit=ledger.unit(n.unit_id)
                )
                ledger.tally.rates.append((label, n.present / n.expected))


def _backfill(ledger: Ledger, n: HeldMeeting) -> str | None:
    """补录: who entered the meeting afterwards, on which day, and why (issue 23); empty for one sent by the bot."""
    if n.backfill is None:
        return None
    who, at, why = n.backfill
    return ledger.text("meetings.backfill", by=who, at=at.astimezone(ledger.tz).date().isoformat(), reason=why)


def _names(ledger: Ledger, names: tuple[str, ...], sep: str) -> str | None:
    """The absent members by name; past `ABSENT_NAMES` of them, the first ones and how many in all (a cell of
    six hundred names helps nobody on paper, the attendance sheet has every one)."""
    if not names:
        return None
    if len(names) <= ABSENT_NAMES:
        return sep.join(names)
    return ledger.text("meetings.more", names=sep.join(names[:ABSENT_NAMES]), count=len(names))


def _registration(ledger: Ledger, a: Seat) -> str | None:
    """Why the secretary registered the member (书记登记): the reason, their words, the status confirmed over."""
    if a.register_reason is None:
        return None
    reason = ledger.text(f"register_reason.{a.register_reason}")
    text = ledger.text("register_note", reason=reason, note=a.register_note) if a.register_note else reason
    if a.status_then is not None:
        text += ledger.text("register_status", state=plain(ledger.lang, f"status.state.{a.status_then}"))
    return text


async def attendance_sheet(ledger: Ledger) -> None:
    """会议考勤明细: each expected member of each meeting held: reply, leave and its approval (准假 / 不准 / 待批),
    check-in (本人 / 书记登记, and who registered it), and 补学 apart (its date and note)."""
    table = ledger.book.table(
        ledger.text("attendance.sheet"),
        ledger.headers("attendance", ATTENDANCE_COLUMNS),
        widths={7: 30, 12: 30, 14: 30},
    )
    names = KindNames(ledger.lang)
    answers = {"attend": ledger.text("answer.attend"), "leave": ledger.text("answer.leave")}
    none = ledger.text("answer.none")
    approvals = {a: ledger.text(f"approval.{a}") for a in ("pending", "approved", "refused")}
    ways = {w: ledger.text(f"check_in.{w}") for w in ("self", "proxy", "late", "code", "location", "button")}
    days: dict[str, date] = {}
    async with aclosing(ledger.reads.each_seat(ledger.now, ledger.units)) as seats:
        async for a in seats:
            approval = approvals.get(a.approval or "pending") if a.answer == "leave" else None
            made_up = days.setdefault(a.made_up, date.fromisoformat(a.made_up)) if a.made_up else None
            table.row(
                [
                    a.starts_at,
                    names[a.kind],
                    a.topic,
                    a.member,
                    ledger.unit(a.unit_id),
                    ledger.unit(a.group_id) or None,
                    answers.get(a.answer or "", none),
                    a.reason,
                    approval,
                    a.checked_in_at,
                    ways.get(a.proof or a.check_in or "") if a.check_in else None,
                    a.registrar,
                    _registration(ledger, a),
                    made_up,
                    a.makeup_note,
                ]
            )
