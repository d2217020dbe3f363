"""The `/attendance` ledger of one meeting as pages (`bot.services.kernel.pages`): 应到, then the lines 参加 / 请假
(with
each request's approval) / 未回复 / 已签到 (how: in person or 书记登记 and by whom) / 缺席 (once begun) / 补学 —
the counts of every line always, the names of one page of expected members (at most 40) behind the lines they
belong to, filters to see only one line's people. Once the meeting has begun, the ledger's sentence 应到 X 人、
实到 Y 人、请假 Z 人、缺席 W 人; and for a meeting that counts a quorum, whether a vote may be held:

- 支部党员大会: present members with a vote > half of the expected members with a vote (a probationary
  member's or a relation-elsewhere member's check-in does not count toward it);
- 支委会, 党委会: present committee members > half of the committee.

Present means checked in: an Attend reply is an intention and never counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain.results import Buttons
from bot.i18n import Html, escape, t
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.pages import Filter, Page, clip
from bot.services.notices import common as rules
from bot.services.notices.audience import COMMITTEE_ONLY, VOTING
from bot.services.notices.text import Wording, title
from bot.store.notices import Notice
from bot.store.notices_seats import MeetingSeat

#: The ledger's lines, in the order shown, with their catalogue keys.
LINES = {
    "attend": "notice.att.attending",
    "leave": "notice.att.leave",
    "silent": "notice.att.silent",
    "present": "notice.att.present",
    "absent": "notice.att.absent",
    "makeup": "notice.att.makeup",
}


def lines(seat: MeetingSeat, begun: bool) -> list[str]:
    """The ledger lines a member is named on. Once the meeting has begun 请假 lists what the tally counts — a
    leave approved and not checked in after all (issue 23: the list said 2 where the tally said 0); a request
    still pending or refused is named among the absent with it, one who came after all among the present."""
    out = []
    if seat.answer == "attend" or (seat.answer == "leave" and (not begun or seat.on_leave)):
        out.append(seat.answer)
    if seat.answer is None and seat.how is None:
        out.append("silent")
    if seat.present:
        out.append("present")
    elif begun and not seat.on_leave:
        out.append("absent")
    if seat.made_up is not None:
        out.append("makeup")
    return out


def _shown(line: str, begun: bool) -> bool:
    return begun or line not in ("absent", "makeup")


def filters(begun: bool) -> tuple[Filter[MeetingSeat], ...]:
    """应到 (everyone), then one filter per line; 缺席 and 补学 only once the meeting has begun (before, everyone
    not yet checked in would be counted absent)."""

    def on(line: str) -> Filter[MeetingSeat]:
        return Filter(line, f"notice.att.filter.{line}", lambda seat: line in lines(seat, begun))

    return (Filter("all", "notice.att.filter.all"), *(on(w) for w in LINES if _shown(w, begun)))


def _item(wording: Wording, seat: MeetingSeat, line: str, cap: int | None) -> str:
    lang = wording.lang
    name = clip(seat.name, cap)
    if line == "leave":
        return t(
            lang,
            "notice.att.leave_item",
            name=name,
            reason=clip(seat.reason, cap),
            state=t(lang, f"notice.leave.state.{seat.approval or 'pending'}"),
        )
    if line == "present" and seat.checked_in_at is not None:
        key = f"notice.att.checkin_{seat.how}"
        if seat.how == "self" and seat.proof is not None:
            key = "notice.att.checkin_self_proof"
        if seat.how == "proxy" and seat.register_reason is None:  # registered before reasons were asked
            key = "notice.att.checkin_proxy_plain"
        return t(
            lang,
            key,
            name=name,
            by=clip(seat.registrar or "?", cap),
            time=dates.clock_in(wording.lang, seat.checked_in_at, wording.tz),
            why=Html(registration(lang, seat, cap)),
            proof=t(lang, f"notice.att.proof.{seat.proof or 'button'}"),
        )
    if line == "makeup":
        return t(lang, "notice.att.makeup_item", name=name, day=seat.made_up or "", note=clip(seat.makeup_note, cap))
    if line == "absent" and seat.answer == "leave":  # asked for leave, not granted (yet): absent all the same
        return t(
            lang,
            "notice.att.absent_leave_item",
            name=name,
            reason=clip(seat.reason, cap),
            state=t(lang, f"notice.leave.state.{seat.approval or 'pending'}"),
        )
    if line in ("silent", "absent") and not seat.linked:
        return t(lang, "notice.att.unregistered_item", name=name)
    return escape(name)


def registration(lang: str, seat: MeetingSeat, cap: int | None = None) -> str:
    """Why a secretary registered the member (书记登记): the reason, the secretary's words, and the status they
    confirmed over (away, ill); empty for a registration made before reasons were asked."""
    if seat.register_reason is None:
        return ""
    reason = t(lang, f"notice.att.reason.{seat.register_reason}")
    if seat.register_note:
        text = t(lang, "notice.att.why_note", reason=reason, note=clip(seat.register_note, cap))
    else:
        text = t(lang, "notice.att.why", reason=reason)
    if seat.status_then is not None:
        text += t(lang, "notice.att.why_status", state=t(lang, f"status.state.{seat.status_then}"))
    return text


def _names(lang: str, items: Sequence[str]) -> Html:
    """Items that are already rendered (escaped) by `t()`: joined without escaping them again."""
    if not items:
        return Html("")
    return Html(t(lang, "notice.names", names="") + ("、" if lang == "zh" else ", ").join(items))


def page_of(everyone: Sequence[MeetingSeat], word: str, number: int, begun: bool) -> Page[MeetingSeat]:
    return pages.paginate(everyone, filters(begun), pages.Asked(word, number))


@dataclass(frozen=True)
class Quorum:
    """Who counts toward the quorum (with a vote, or on the committee): expected and present."""

    expected: int
    present: int

    @property
    def met(self) -> bool:
        return rules.has_quorum(self.expected, self.present)


def quorum(notice: Notice, everyone: Sequence[MeetingSeat]) -> Quorum | None:
    """支部党员大会: members with a vote; 支委会 / 党委会: committee members; other meetings count none."""
    if notice.kind in VOTING:
        counted = [s for s in everyone if s.votes]
    elif notice.kind in COMMITTEE_ONLY:
        counted = [s for s in everyone if s.committee]
    else:
        return None
    return Quorum(len(counted), sum(1 for s in counted if s.present))


def tally(lang: str, everyone: Sequence[MeetingSeat]) -> str:
    """应到 X 人、实到 Y 人、请假 Z 人、缺席 W 人 (请假: approved and not present)."""
    present = sum(1 for s in everyone if s.present)
    leave = sum(1 for s in everyone if s.on_leave)
    return t(
        lang,
        "notice.att.tally",
        expected=len(everyone),
        present=present,
        leave=leave,
        absent=len(everyone) - present - leave,
    )


@dataclass(frozen=True)
class Sheet:
    """One page of a meeting's attendance: everyone expected, the page shown, whether the meeting has begun,
    and whether the reader may export the whole list."""

    everyone: Sequence[MeetingSeat]
    page: Page[MeetingSeat]
    begun: bool
    export: bool


def render(wording: Wording, notice: Notice, sheet: Sheet) -> str:
    """The ledger with this page's names: on every line for 应到, on the chosen line only for a filter."""
    lang, page, begun, everyone = wording.lang, sheet.page, sheet.begun, sheet.everyone
    chosen = [w for w in LINES if page.filter in ("all", w) and _shown(w, begun)]
    placed = [(line, seat) for seat in page.entries for line in lines(seat, begun) if line in chosen]
    head = [title(wording, notice)]
    if notice.cancelled_at is not None:
        head.append(t(lang, "notice.att.cancelled"))
    if notice.backfilled_at is not None:  # 补录 (issue 23): who entered it, when, why
        day = notice.backfilled_at.astimezone(wording.tz).date().isoformat()
        head.append(t(lang, "backfill.mark", by=notice.backfiller or "—", at=day, reason=notice.backfill_reason or ""))
    head.append(t(lang, "notice.att.expected", count=page.size))
    tail: list[str] = pages.narrowed(page, lang)
    if begun:
        tail.append(tally(lang, everyone))
    counted = quorum(notice, everyone)
    if counted is not None:
        group = "voters" if notice.kind in VOTING else "committee"
        tail.append(
            t(
                lang,
                f"notice.att.quorum_{group}_{'yes' if counted.met else 'no'}",
                expected=counted.expected,
                present=counted.present,
            )
        )
    if notice.minutes:
        tail.append(t(lang, "notice.att.minutes", text=notice.minutes))
    tail.append(t(lang, "notice.att.register_hint", id=notice.id))
    foot = pages.footer(page, lang, export=sheet.export)

    def draw(items: list[str]) -> str:
        named = list(zip((line for line, _ in placed), items, strict=True))
        body = [
            t(lang, key, count=page.counts.get(line, 0), names=_names(lang, [i for n, i in named if n == line]))
            for line, key in LINES.items()
            if _shown(line, begun)
        ]
        return "\n".join([*head, *body, *tail, *(["", *foot] if foot else [])])

    def item(seat: MeetingSeat, line: str, cap: int | None) -> str:
        if notice.backfilled_at is not None and line == "present":  # registered from the paper record
            return t(lang, "backfill.present_item", name=clip(seat.name, cap))
        return _item(wording, seat, line, cap)

    return pages.fit(draw, lambda cap: [item(seat, line, cap) for line, seat in placed])


def buttons(lang: str, notice: Notice, page: Page[MeetingSeat], begun: bool) -> Buttons:
    return pages.buttons(page, lambda f, n: ListPage(pages.PageList.ATTENDANCE, notice.id, f, n).pack(), lang)


def begun(notice: Notice, now: datetime) -> bool:
    return now >= notice.starts_at
