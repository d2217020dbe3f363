"""What meeting notices look like: the notice (members, group, preview), its buttons, reminders, the
broadcast summary and the member's list (the attendance ledger is `notices_ledger`). Every value goes
through `t()` (escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.models import Unit
from bot.domain.payload import YesNo
from bot.domain.presence import ONLINE, ONSITE
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.kernel import dates
from bot.services.notices import audience
from bot.services.notices.audience import THREE_AND_ONE, MeetingKind
from bot.services.notices.buttons import (
    NoticeAttend,
    NoticeCheckin,
    NoticeDrop,
    NoticeGroupCopy,
    NoticeKind,
    NoticeLeave,
    NoticeMode,
    NoticeSend,
    NoticeUnit,
)
from bot.store import Store
from bot.store.notices import Checkin, Draft, Notice, Rsvp
from bot.store.notices_publish import Headcount
from bot.store.outbox import Outgoing

NAMES_SHOWN = 60  # a summary is one message (≤ 4096 characters): longer lists end with "… N more"


@dataclass(frozen=True)
class Wording:
    """How a notice is worded for one reader: in their language, naming units from `tree`, times in `tz`."""

    lang: str
    tree: OrgTree
    tz: ZoneInfo
    proofs: frozenset[str] = frozenset()  # what proves presence on site (`CHECKIN_PROOF`): the notice says how


def unit_name(tree: OrgTree, unit: Unit | None) -> str:
    """`一村党支部`, or `一村党支部 一组` for a Party group."""
    if unit is None:
        return ""
    parent = tree.units.get(unit.parent_id) if unit.parent_id is not None else None
    return f"{parent.name} {unit.name}" if unit.kind == "group" and parent else unit.name


def when(lang: str, moment: datetime, tz: ZoneInfo) -> Html:
    """`12月10日（周四）上午9:00` (`bot.services.kernel.dates`)."""
    return Html(dates.moment_in(lang, moment, tz))


def kind_name(lang: str, kind: str) -> str:
    return t(lang, f"notice.kind.{kind}")


def names(lang: str, items: Sequence[str], total: int | None = None) -> Html:
    """`：甲、乙` / `: A, B` (empty when there are none), capped at NAMES_SHOWN; `total`: how many there are in
    all, when `items` holds only the first of them."""
    if not items:
        return Html("")
    shown = list(items[:NAMES_SHOWN])
    joined = ("、" if lang == "zh" else ", ").join(shown)
    count = len(items) if total is None else total
    more = t(lang, "notice.more", count=count - len(shown)) if count > len(shown) else ""
    return Html(t(lang, "notice.names", names=joined) + more)


def scope(lang: str, notice: Notice | Draft, tree: OrgTree) -> str:
    """参会范围: who the meeting is for, e.g. `白庙村党支部全体党员`, `白庙村党支部支委`."""
    unit = unit_name(tree, tree.units.get(notice.unit_id))
    key = notice.kind if notice.kind in ("committee", "party_committee") else "members"
    return t(lang, f"notice.scope.{key}", unit=unit)


def checkin_hint(lang: str, mode: str, proofs: frozenset[str]) -> str:
    """How to check in: the button for a meeting held 线上 (or when the community asks no proof), else the code
    shown at the venue and / or a location shared there (issue 23)."""
    if mode == ONLINE or not proofs:
        return t(lang, f"notice.checkin_hint.{'online' if mode == ONLINE else 'button'}")
    return t(lang, f"notice.checkin_hint.{'_'.join(sorted(proofs))}")


def body(wording: Wording, notice: Notice | Draft) -> str:
    """The notice as members see it (the preview shows exactly this); a 党课 names its speaker and 主题; the form
    (现场 / 线上) and how to check in there."""
    lang, tree, tz = wording.lang, wording.tree, wording.tz
    key = "notice.body_lecture" if notice.kind == "lecture" else "notice.body"
    return t(
        lang,
        key,
        kind=kind_name(lang, notice.kind),
        scope=Html(scope(lang, notice, tree)),
        when=when(lang, notice.starts_at, tz),
        place=notice.place,
        topic=notice.topic,
        speaker=notice.speaker or "",
        mode=t(lang, f"notice.mode.{notice.mode}"),
        checkin=Html(checkin_hint(lang, notice.mode, wording.proofs)),
    )


def member_view(wording: Wording, notice: Notice, rsvp: Rsvp | None = None, checkin: Checkin | None = None) -> str:
    """The member's copy of the notice, with their current answer."""
    lang = wording.lang
    status = []
    if rsvp is not None and rsvp.answer == "attend":
        status.append(t(lang, "notice.your_attend"))
    elif rsvp is not None:
        status.append(t(lang, "notice.your_leave", reason=rsvp.reason or ""))
        status.append(
            t(lang, "notice.your_leave_state", state=t(lang, f"notice.leave.state.{rsvp.approval or 'pending'}"))
        )
    if checkin is not None:
        status.append(t(lang, "notice.your_checkin", time=dates.clock_in(lang, checkin.at, wording.tz)))
    text = body(wording, notice)
    return text + "\n\n" + "\n".join(status) if status else text


def group_view(wording: Wording, notice: Notice | Draft, attend: int, leave: int) -> str:
    """The post in a bound group: the notice, and how many will attend and are on leave."""
    tally = t(wording.lang, "notice.group_tally", attend=attend, leave=leave)
    return "\n\n".join([body(wording, notice), tally])


def buttons(lang: str, notice_id: int) -> list[list[dict[str, str]]]:
    """Attend / Leave / Check in, on every copy of a notice (members' and the group's)."""
    return [
        [
            {"text": t(lang, "notice.btn_attend"), "data": NoticeAttend(notice_id).pack()},
            {"text": t(lang, "notice.btn_leave"), "data": NoticeLeave(notice_id).pack()},
        ],
        [{"text": t(lang, "notice.btn_checkin"), "data": NoticeCheckin(notice_id).pack()}],
    ]


def kind_buttons(lang: str, kinds: Sequence[str]) -> list[list[dict[str, str]]]:
    """The meeting types, two to a row: 三会一课 first (the order of KINDS), each of them marked so."""

    def label(kind: str) -> str:
        name = kind_name(lang, kind)
        return t(lang, "notice.kind_three", kind=name) if kind in THREE_AND_ONE else name

    keys = [{"text": label(k), "data": NoticeKind(MeetingKind(k)).pack()} for k in kinds]
    return [keys[i : i + 2] for i in range(0, len(keys), 2)]


def unit_buttons(tree: OrgTree, units: Sequence[Unit]) -> list[list[dict[str, str]]]:
    return [[{"text": unit_name(tree, u), "data": NoticeUnit(u.id).pack()}] for u in units]


def preview_buttons(
    lang: str, draft_id: str, group: bool | None = None, mode: str = ONSITE
) -> list[list[dict[str, str]]]:
    """Send / Cancel of one preview: they name its draft, so an older preview cannot send a newer draft. With
    a bound group that may get a copy (`group`: whether it will), a button to skip the copy or take it back; and
    the button that holds the meeting 线上 (or back 现场, issue 23)."""
    other = ONLINE if mode == ONSITE else ONSITE
    rows = [
        [
            {"text": t(lang, "notice.btn_send"), "data": NoticeSend(draft_id).pack()},
            {"text": t(lang, "notice.btn_cancel"), "data": NoticeDrop(draft_id).pack()},
        ],
        [{"text": t(lang, f"notice.btn_mode.{other}"), "data": NoticeMode(draft_id, other).pack()}],
    ]
    if group is not None:
        label, on = ("notice.btn_group_skip", YesNo.NO) if group else ("notice.btn_group_send", YesNo.YES)
        rows.append([{"text": t(lang, label), "data": NoticeGroupCopy(draft_id, on).pack()}])
    return rows


def group_line(lang: str, kind: str, bound: bool, wanted: bool) -> str | None:
    """What the preview says of the bound group: a 支委会 / 党委会 never goes there; another type goes unless
    skipped. None when no group is bound."""
    if not bound:
        return None
    if kind in audience.PRIVATE:
        return t(lang, "notice.preview_group_private", kind=kind_name(lang, kind))
    return t(lang, "notice.preview_group" if wanted else "notice.preview_group_skipped")


def no_vote_line(lang: str, counted: Headcount) -> str:
    """Who takes part without a vote, and why: 「其中预备党员X人、组织关系不在本支部的党员Y人参加会议，无表决权：…」
    (members taking part, not 列席, which is for people who are not members of the meeting)."""
    probationary, elsewhere = counted.probationary, counted.elsewhere
    if not probationary and not elsewhere:
        return ""
    which = "both" if probationary and elsewhere else "probationary" if probationary else "elsewhere"
    return t(
        lang,
        f"notice.preview_no_vote.{which}",
        probationary=probationary,
        elsewhere=elsewhere,
        names=names(lang, counted.silent, probationary + elsewhere),
    )


def preview(wording: Wording, draft: Draft, counted: Headcount, group_bound: bool) -> str:
    """The notice, then who is expected and why (the rule of the type), who gets it and who cannot (`counted`: the
    figures publishing will reach, `compose.reach`)."""
    lang, tree = wording.lang, wording.tree
    unregistered = counted.expected - counted.linked
    lines = [
        t(lang, "notice.preview_header"),
        body(wording, draft),
        "",
        t(lang, f"notice.why.{draft.kind}", count=counted.expected, scope=Html(scope(lang, draft, tree))),
    ]
    if draft.kind in ("committee", "party_committee"):
        key = "notice.preview_party_committee" if draft.kind == "party_committee" else "notice.preview_committee"
        lines.append(t(lang, key, names=names(lang, counted.named)))
    elif draft.kind in ("general", "life"):
        no_vote = no_vote_line(lang, counted)
        if no_vote:
            lines.append(no_vote)
    if draft.kind == "lecture":
        lines.append(t(lang, "notice.preview_speaker"))
    unit = unit_name(tree, tree.units.get(draft.unit_id))
    lines.append(t(lang, "notice.preview_to", count=counted.linked, unit=unit))
    if unregistered:
        lines.append(
            t(
                lang,
                "notice.preview_unregistered",
                count=unregistered,
                names=names(lang, counted.unregistered, unregistered),
            )
        )
    group = group_line(lang, draft.kind, group_bound, draft.to_group)
    if group is not None:
        lines.append(group)
    return "\n".join(lines)


def reminder(wording: Wording, notice: Notice) -> str:
    lang, tree, tz = wording.lang, wording.tree, wording.tz
    return t(
        lang,
        "notice.reminder",
        kind=kind_name(lang, notice.kind),
        scope=Html(scope(lang, notice, tree)),
        when=when(lang, notice.starts_at, tz),
        place=notice.place,
        topic=notice.topic,
        mode=t(lang, f"notice.mode.{notice.mode}"),
    )


def cancelled(wording: Wording, notice: Notice) -> str:
    lang, tree, tz = wording.lang, wording.tree, wording.tz
    return t(
        lang,
        "notice.cancelled_msg",
        kind=kind_name(lang, notice.kind),
        unit=unit_name(tree, tree.units.get(notice.unit_id)),
        when=when(lang, notice.starts_at, tz),
        place=notice.place,
    )


def title(wording: Wording, notice: Notice) -> str:
    lang, tree, tz = wording.lang, wording.tree, wording.tz
    return t(
        lang,
        "notice.title",
        id=notice.id,
        kind=kind_name(lang, notice.kind),
        unit=unit_name(tree, tree.units.get(notice.unit_id)),
        when=when(lang, notice.starts_at, tz),
        place=notice.place,
    )


async def summary_message(store: Store, notice: Notice, tz: ZoneInfo) -> Outgoing:
    """The one summary for the secretary once no delivery of the notice is pending."""
    # counted in SQL: loading every delivery and expected member cost hundreds of MB and seconds of the loop
    figures = await store.notices.summary_figures(notice.id)
    lang = notice.creator_lang
    tree = OrgTree.of(await store.units.all())
    failed, uncertain, unregistered = figures.failed, figures.uncertain, figures.unregistered
    lines = [
        t(lang, "notice.summary.header", title=Html(title(Wording(lang, tree, tz), notice))),
        t(lang, "notice.summary.sent", count=figures.sent),
        t(lang, "notice.summary.failed", count=len(failed), names=names(lang, failed)),
    ]
    if uncertain:
        lines.append(t(lang, "notice.summary.uncertain", count=len(uncertain), names=names(lang, uncertain)))
    lines.append(t(lang, "notice.summary.unregistered", count=len(unregistered), names=names(lang, unregistered)))
    group = figures.group
    if group:
        ok = all(status == "sent" for status in group)
        lines.append(t(lang, "notice.summary.group_ok" if ok else "notice.summary.group_failed"))
    return Outgoing(
        key=f"notice:{notice.id}:summary",
        kind="summary",
        chat_id=notice.creator_chat,
        text="\n".join(lines),
        member_id=notice.created_by,
        ref=f"notice-summary:{notice.id}",
    )


def upcoming(wording: Wording, items: Sequence[tuple[Notice, Rsvp | None]]) -> str:
    """`/notices`: the member's meetings to come, each with their answer."""
    lang = wording.lang
    if not items:
        return t(lang, "notice.mine_none")
    lines = [t(lang, "notice.mine_header")]
    for notice, rsvp in items:
        if rsvp is None:
            answer = t(lang, "notice.answer_none")
        elif rsvp.answer == "attend":
            answer = t(lang, "notice.answer_attend")
        else:
            answer = t(
                lang,
                "notice.answer_leave",
                reason=rsvp.reason or "",
                state=t(lang, f"notice.leave.state.{rsvp.approval or 'pending'}"),
            )
        lines.append(t(lang, "notice.mine_line", title=Html(title(wording, notice)), answer=Html(answer)))
    return "\n\n".join(lines)
