"""A leave is a request (请假要批准): the member's reason goes to whoever called the meeting with 准假 / 不准 buttons,
in the transaction that records it; the convener, a secretary over the unit or an admin decides, and the member
is told, in the transaction that records the decision. A member without the right gets a refusal and nothing
is recorded. Nobody decides their own leave: the convener's own request goes to the secretaries over the unit,
and a press on one's own request is refused. No Telegram here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, alert, say
from bot.domain.rights import Actor, OrgTree, can_manage
from bot.i18n import Html, t
from bot.services.kernel.deps import Deps
from bot.services.notices import text as view
from bot.services.notices.buttons import NoticeLeaveNo, NoticeLeaveOk
from bot.services.notices.edits import Edit, member_copy
from bot.store.notices import Notice
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

APPROVALS = ("pending", "approved", "refused")


def asked_of(moment: datetime) -> int:
    """A request's name on its buttons: its time in whole seconds (the store keeps it to the second)."""
    return int(moment.timestamp())


@dataclass(frozen=True)
class Asking:
    """A member's leave as asked: who, why, and when; and, for the convener's own leave, the other decider it
    goes to with their language (None: to the convener)."""

    member: Member
    reason: str
    at: datetime
    to: tuple[Member, str] | None = None


def request(notice: Notice, asking: Asking, tree: OrgTree, tz: ZoneInfo) -> Outgoing:
    """The leave request with 准假 / 不准: to the convener's private chat, in their language; or to another
    decider (the convener's own leave goes to the secretaries over the unit: nobody decides their own)."""
    member, to = asking.member, asking.to
    lang = to[1] if to is not None else notice.creator_lang
    asked = asked_of(asking.at)
    text = t(
        lang,
        "notice.leave.request",
        title=Html(view.title(view.Wording(lang, tree, tz), notice)),
        name=member.name,
        reason=asking.reason,
    )
    buttons = [
        [
            {"text": t(lang, "notice.leave.btn_ok"), "data": NoticeLeaveOk(notice.id, member.id, asked).pack()},
            {"text": t(lang, "notice.leave.btn_no"), "data": NoticeLeaveNo(notice.id, member.id, asked).pack()},
        ]
    ]
    key, chat_id, member_id = f"leave:{notice.id}:{member.id}:{asked}", notice.creator_chat, notice.created_by
    if to is not None:
        assert to[0].telegram_id is not None
        key, chat_id, member_id = f"{key}:{to[0].id}", to[0].telegram_id, to[0].id
    return Outgoing(
        key=key,
        kind="leave_request",
        chat_id=chat_id,
        member_id=member_id,
        ref=f"leave:{notice.id}",
        text=text,
        buttons=buttons,
    )


async def others_deciding(deps: Deps, notice: Notice, member: Member, tree: OrgTree) -> list[Member] | None:
    """Who decides the leave of the meeting's own convener: the linked secretaries over its unit but them;
    None when the member did not call the meeting (the convener decides, `request`)."""
    if notice.created_by != member.id:
        return None
    return [
        s
        for s in await deps.store.members.with_role("secretary")
        if s.active
        and s.linked
        and s.telegram_id is not None
        and s.id != member.id
        and can_manage(Actor(s.telegram_id, s), notice.unit_id, tree)
    ]


def may_decide(person: Actor, notice: Notice, tree: OrgTree) -> bool:
    """Whoever called the meeting (a group leader for their 党小组会), a secretary over its unit, an admin."""
    called = person.member is not None and notice.created_by == person.member.id
    return called or can_manage(person, notice.unit_id, tree)


@dataclass(frozen=True)
class Decided:
    """What a press of 准假 / 不准 comes to: `answer` for the press, `text` to show in the pressed request
    instead of its buttons (None: leave it), the member's copy to re-render, and how many messages went out."""

    answer: Reply
    text: str | None = None
    edits: tuple[Edit, ...] = field(default=())
    notice_id: int | None = None
    queued: int = 0


@dataclass(frozen=True)
class Decision:
    """准假 (`approve`) or 不准 for the leave `member_id` asked at `asked` (`asked_of`) for a notice."""

    notice_id: int
    member_id: int
    asked: int
    approve: bool


async def decide(deps: Deps, call: Call, decision: Decision) -> Decided:
    """准假 / 不准: recorded and the member told, if the person may decide and the request is still the one
    pressed."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    notice_id, member_id, asked, approve = decision.notice_id, decision.member_id, decision.asked, decision.approve
    notice = await store.notices.get(notice_id)
    if notice is None:
        return Decided(alert("notice.gone"))
    tree = OrgTree.of(await store.units.all())
    if person.member is not None and person.member.id == member_id:  # a secretary's own leave, too
        log.info("notice=%s own leave of member=%s: decision refused", notice_id, member_id)
        return Decided(alert("notice.leave.own"))
    if not may_decide(person, notice, tree):
        log.info("notice=%s leave of member=%s: decision refused to %s", notice_id, member_id, person.telegram_id)
        return Decided(alert("notice.leave.not_yours"))
    if notice.cancelled_at is not None:
        return Decided(alert("notice.is_cancelled"))
    member = await store.members.get(member_id)
    if member is None:
        return Decided(alert("notice.gone"))
    rsvp = await store.notices.rsvp(notice.id, member.id)
    approval = "approved" if approve else "refused"
    member_lang = member.language or settings.default_language

    def messages() -> list[Outgoing]:
        if member.telegram_id is None:
            return []
        key = "notice.leave.told_ok" if approve else "notice.leave.told_no"
        return [
            Outgoing(
                key=f"leave:{notice.id}:{member.id}:{asked}:{approval}",
                kind="leave_decision",
                chat_id=member.telegram_id,
                member_id=member.id,
                ref=f"leave:{notice.id}",
                text=t(member_lang, key, title=Html(view.title(view.Wording(member_lang, tree, settings.tz), notice))),
            )
        ]

    by = person.member.id if person.member else None
    asked_at = datetime.fromtimestamp(asked, UTC)
    if not await store.notices.decide_leave(notice.id, member.id, approval, by, asked_at, now, messages):
        current = rsvp is not None and rsvp.answer == "leave" and asked_of(rsvp.at) == asked
        return Decided(alert("notice.leave.already" if current else "notice.leave.stale", name=member.name))
    log.info("notice=%s leave of member=%s %s", notice.id, member.id, approval)
    copy = await member_copy(store, settings, notice, member)
    decided = t(
        lang,
        "notice.leave.decided_ok" if approve else "notice.leave.decided_no",
        title=Html(view.title(view.Wording(lang, tree, settings.tz), notice)),
        name=member.name,
        reason=rsvp.reason or "" if rsvp else "",
    )
    return Decided(
        say("notice.leave.done_ok" if approve else "notice.leave.done_no", name=member.name),
        decided,
        (copy,) if copy else (),
        notice.id,
        queued=1 if member.telegram_id is not None else 0,
    )
