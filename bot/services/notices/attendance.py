"""Answers to a notice as use cases: Attend, Leave (the reason asked next), Check in in its window, a
secretary's 代签 / 补签, and the `/attendance` ledger a page at a time (replies, check-ins, quorum). No
Telegram here: each returns what to answer, which messages to re-render (`Edit`) and whose group post to
refresh."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.config import Settings
from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.presence import AWAY_OR_ILL, CONFIRM_WORDS, LOCATION, ONLINE, REASON_WORDS
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import Html, t
from bot.services.kernel import pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text, name_key
from bot.services.notices import common as rules
from bot.services.notices import leave, ledger
from bot.services.notices import text as view
from bot.services.notices.common import NoticeError
from bot.services.notices.compose import refusal
from bot.services.notices.edits import Edit, member_copy
from bot.services.notices.manage import Keeper, find_kept
from bot.store import Store
from bot.store.notices import Notice
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answered:
    """What an answer (or a refusal) comes to: `answer` answers a pressed button (a pop-up when it is an
    alert, else a short note), `result` holds messages for the chat, `edits` the messages to re-render,
    `group_of` the notice whose group post may show a new tally, and `stay` asks for the reason again."""

    answer: Reply | None = None
    result: Result = field(default_factory=Result)
    edits: tuple[Edit, ...] = ()
    group_of: int | None = None
    stay: bool = False


@dataclass(frozen=True)
class LeaveAsked:
    """Leave was pressed in time: the reason is asked (in the private chat) with `prompt`."""

    notice_id: int
    prompt: Reply


class LeaveReason(drafts.Draft):
    """A leave asked for, waiting for its reason: the notice it is for."""

    flow: Literal["notices.leave"] = "notices.leave"
    notice_id: int


def _says(*replies: Reply, stay: bool = False) -> Answered:
    return Answered(result=Result.of(*replies), stay=stay)


async def _load(person: Actor, notice_id: int, store: Store) -> Notice | Reply:
    """The notice, when the person pressing its button is expected at it and it is not cancelled; else
    the alert saying why not (nothing is recorded)."""
    notice = await store.notices.get(notice_id)
    if notice is None:
        return alert("notice.gone")
    if person.member is None or not await store.notices.is_expected(notice.id, person.member.id):
        return alert("notice.not_yours")
    if notice.cancelled_at is not None:
        return alert("notice.is_cancelled")
    return notice


async def changed(deps: Deps, notice: Notice, member: Member, said: Answered) -> Answered:
    """What was said, and: the member's copy shows their new answer; the group post its new tally."""
    copy = await member_copy(deps.store, deps.settings, notice, member)
    return Answered(said.answer, said.result, (copy,) if copy else (), notice.id)


async def attend(deps: Deps, call: Call, notice_id: int) -> Answered:
    """Attend pressed: recorded until the meeting starts."""
    person, now, store = call.actor, call.now, deps.store
    loaded = await _load(person, notice_id, store)
    if isinstance(loaded, Reply):
        return Answered(loaded)
    if not rules.may_answer(loaded.starts_at, now):
        return Answered(alert("notice.too_late"))
    assert person.member is not None
    await store.notices.record_rsvp(loaded.id, person.member.id, "attend", None, now)
    log.info("notice=%s member=%s attend", loaded.id, person.member.id)
    return await changed(deps, loaded, person.member, Answered(say("notice.recorded_attend")))


async def ask_leave(deps: Deps, call: Call, notice_id: int) -> Answered | LeaveAsked:
    """Leave pressed: the reason is asked next, unless the answer may no longer change."""
    loaded = await _load(call.actor, notice_id, deps.store)
    if isinstance(loaded, Reply):
        return Answered(loaded)
    if not rules.may_answer(loaded.starts_at, call.now):
        return Answered(alert("notice.too_late"))
    return LeaveAsked(loaded.id, await leave_question(deps, call, loaded.id))


async def leave_question(deps: Deps, call: Call, notice_id: int) -> Reply:
    """The question for the reason of a leave (again, after a photo or a sticker instead of text)."""
    notice = await deps.store.notices.get(notice_id)
    if notice is None:
        return say("notice.gone")
    tree = OrgTree.of(await deps.store.units.all())
    title = Html(view.title(view.Wording(call.lang, tree, deps.tz), notice))
    return shown(t(call.lang, "notice.ask_reason", title=title))


async def give_reason(deps: Deps, call: Call, notice_id: int | None, text: str) -> Answered:
    """The reason typed: the leave is recorded; a reason too long is asked again."""
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    reason = clean_text(text, multiline=True)
    if len(reason) > rules.REASON_LIMIT:
        return _says(
            say("notice.err.too_long", field=t(lang, "notice.field.reason"), limit=rules.REASON_LIMIT), stay=True
        )
    notice = await store.notices.get(notice_id) if notice_id is not None else None
    if notice is None or person.member is None or notice.cancelled_at is not None:
        return _says(say("notice.gone"))
    if not rules.may_answer(notice.starts_at, now):
        return _says(say("notice.too_late"))
    member = person.member
    tree = OrgTree.of(await store.units.all())
    others = await leave.others_deciding(deps, notice, member, tree)
    asking = leave.Asking(member, reason, now)

    def messages() -> list[Outgoing]:
        if others is None:
            return [leave.request(notice, asking, tree, deps.tz)]
        default = deps.settings.default_language
        return [leave.request(notice, replace(asking, to=(to, to.language or default)), tree, deps.tz) for to in others]

    queued = await store.notices.record_rsvp(notice.id, member.id, "leave", reason, now, messages)
    log.info("notice=%s member=%s leave asked", notice.id, member.id)
    key = (
        "notice.leave_recorded" if others is None else "notice.leave_recorded_own" if others else "notice.leave_nobody"
    )
    said = Answered(result=Result.of(say(key, reason=reason), queued=queued))
    return await changed(deps, notice, member, said)


async def check_in(deps: Deps, call: Call, notice_id: int) -> Answered:
    """Check in, in the window around the start; the first check-in stands."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    loaded = await _load(person, notice_id, store)
    if isinstance(loaded, Reply):
        return Answered(loaded)
    if not rules.may_check_in(loaded.starts_at, now):
        opens, closes = rules.checkin_window(loaded.starts_at)
        key = "notice.checkin_not_open" if now < opens else "notice.checkin_closed"
        return Answered(
            alert(key, opens=view.when(lang, opens, settings.tz), closes=view.when(lang, closes, settings.tz))
        )
    refused = button_refusal(loaded, settings)
    if refused is not None:
        return refused
    assert person.member is not None
    member = person.member
    fresh = await store.notices.record_checkin(loaded.id, member.id, "self", member.id, now, proof="button")
    if not fresh:
        return Answered(say("notice.already_in"))
    log.info("notice=%s member=%s checked in", loaded.id, member.id)
    return await changed(deps, loaded, member, Answered(say("notice.checked_in")))


def button_refusal(notice: Notice, settings: Settings) -> Answered | None:
    """签到 pressed on a meeting held 现场 where the community asks a proof: refused, with how to check in (and
    the keyboard that shares the location when locations are taken). None: the press is enough."""
    if notice.mode == ONLINE or not settings.proofs:
        return None
    proofs = "_".join(sorted(settings.proofs))
    if LOCATION in settings.proofs:
        ask = Reply(
            key=f"checkin.press.{proofs}",
            params={"place": notice.place, "radius": settings.checkin_radius_m},
            location_button="checkin.btn_location",
        )
        return Answered(alert("checkin.onsite"), Result.of(ask))
    return Answered(alert(f"checkin.press.{proofs}", place=notice.place))


# ---------------------------------------------------------------------------------------- /attendance
async def attendance(deps: Deps, call: Call, args: str) -> Answered:
    """`/attendance [id]`: the view of a meeting (the latest one of the secretary's units by default);
    `/attendance <id> | 登记 | name` registers a member present in the check-in window (书记登记到会);
    `/attendance <id> | 补学 | name | date | note` records a make-up of an absent member."""
    person, store = call.actor, deps.store
    fields = rules.split_fields(args)
    tree = OrgTree.of(await store.units.all())
    if fields[0]:
        found = await find_kept(store, Keeper.of(person, tree), fields[0], "notice.att.usage")
    else:
        found = await _latest(store, Keeper.of(person, tree)) or say("notice.none_yet")
    if isinstance(found, Reply):
        return _says(found)
    if len(fields) >= 3:
        return await record(deps, call, found, fields[1:])
    if len(fields) != 1:
        return _says(say("notice.att.usage"))
    return _says(await _ledger(deps, call, found, pages.Asked()))


async def _latest(store: Store, keeper: Keeper) -> Notice | None:
    """The latest meeting the person keeps: of the units they manage, or a 党小组会 of a group they lead."""
    managed = await store.notices.latest_in(keeper.managed)
    led = await store.notices.latest_in(keeper.led - keeper.managed)
    found = [n for n in (managed, led) if n is not None and keeper.keeps(n)]
    return max(found, key=lambda n: n.id) if found else None


async def _ledger(deps: Deps, call: Call, notice: Notice, asked: pages.Asked) -> Reply:
    """One page of the meeting's ledger, with its filter and page buttons; a notice still publishing says so (its
    seats are not all written yet)."""
    store, lang = deps.store, call.lang
    if notice.publishing:
        return say("notice.att.publishing", id=notice.id)
    tree = OrgTree.of(await store.units.all())
    everyone = await store.notices.seats(notice.id)
    begun = ledger.begun(notice, call.now)
    page = ledger.page_of(everyone, asked.word, asked.number, begun)
    sheet = ledger.Sheet(everyone, page, begun, export=call.actor.is_secretary)
    text = ledger.render(view.Wording(lang, tree, deps.tz), notice, sheet)
    return shown(text, ledger.buttons(lang, notice, page, begun))


async def attendance_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page or filter button of `/attendance` (`ref`: the notice): the page, if the person still keeps the
    meeting (a secretary over its unit, or the leader of its group for a 党小组会); else the alert of an
    expired button."""
    store = deps.store
    notice = await store.notices.get(pressed.ref)
    if notice is None or not Keeper.of(call.actor, OrgTree.of(await store.units.all())).keeps(notice):
        return alert("pages.expired", command="/attendance")
    return await _ledger(deps, call, notice, pages.Asked(pressed.filter, pressed.page))


async def _named(notice: Notice, name: str, store: Store) -> Member | Reply:
    name = clean_text(name)
    wanted = name_key(name)  # names are compared cleaned (invisible characters, spaces, full-width forms aside)
    found = [e.member for e in await store.notices.expected(notice.id) if name_key(e.member.name) == wanted]
    if len(found) != 1:
        return say("notice.att.no_member" if not found else "notice.att.ambiguous", name=name, id=notice.id)
    return found[0]


async def record(deps: Deps, call: Call, notice: Notice, fields: list[str]) -> Answered:
    """登记 (present, in the check-in window only, never on an approved leave) or 补学 (after the window, for a
    member not present), or 准假 / 不准 of a pending leave. 补签 — present after the fact — is refused, pointing
    to 补学."""
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    how = rules.REGISTER_WORDS.get(fields[0].strip().lower())
    sizes = {"makeup": (4,), "register": (2, 3, 4)}.get(how or "", (2,))
    if how is None or len(fields) not in sizes:
        return _says(say("notice.att.usage"))
    if how in ("approve", "refuse"):
        return await _decide(deps, call, notice, _Named(fields[1], how == "approve"))
    if notice.cancelled_at is not None:
        return _says(say("notice.is_cancelled"))
    tz = deps.tz
    opens, closes = rules.checkin_window(notice.starts_at)
    window: dict[str, object] = {
        "opens": view.when(lang, opens, tz),
        "closes": view.when(lang, closes, tz),
        "id": notice.id,
    }
    if how == "late":
        return _says(Reply(key="notice.att.no_late", params=window))
    if how == "register" and not opens <= now <= closes:
        return _says(Reply(key="notice.att.register_window", params=window))
    if how == "makeup" and now <= closes:
        return _says(Reply(key="notice.att.makeup_too_early", params=window))
    member = await _named(notice, fields[1], store)
    if isinstance(member, Reply):
        return _says(member)
    by = person.member.id if person.member else None
    if how == "makeup":
        return await _makeup(deps, call, notice, _Makeup(member, fields[2], fields[3]))
    rsvp = await store.notices.rsvp(notice.id, member.id)
    if rsvp is not None and rsvp.answer == "leave" and rsvp.approval == "approved":
        return _says(say("notice.att.on_leave", name=member.name))
    why = await _registration(deps, call, _Registering(notice, member, tuple(fields[2:])))
    if isinstance(why, Reply):
        return _says(why)
    if not await store.notices.record_checkin(
        notice.id, member.id, "proxy", by, now, reason=why.reason, note=why.note, status_then=why.status_then
    ):
        return _says(say("notice.att.already", name=member.name))
    log.info("notice=%s member=%s registered present by member=%s (%s)", notice.id, member.id, by, why.reason)
    said = Answered(result=Result.of(say("notice.att.registered", name=member.name, id=notice.id)))
    return await changed(deps, notice, member, said)


@dataclass(frozen=True)
class _Registering:
    """书记登记 typed on the ledger: the meeting, the member, and what follows their name (reason, words)."""

    notice: Notice
    member: Member
    given: tuple[str, ...]


@dataclass(frozen=True)
class _Why:
    """Why a member was registered: the reason, the secretary's words, the status confirmed over."""

    reason: str
    note: str | None
    status_then: str | None


async def _registration(deps: Deps, call: Call, asked: _Registering) -> _Why | Reply:
    """Why a secretary registers a member present (书记登记): a reason from the short list (无智能手机, 未绑定,
    年老体弱, 其他 with what it is), and for a member whose status says away or ill, the secretary's confirmation
    (a note starting with 确认). The reason or the refusal with an example."""
    lang, member, given = call.lang, asked.member, asked.given
    example: dict[str, object] = {"id": asked.notice.id, "name": member.name}
    reason = REASON_WORDS.get(given[0].strip().lower()) if given else None
    if reason is None:
        return Reply(key="notice.att.register_reason", params={"value": given[0] if given else "", **example})
    note = clean_text(given[1], multiline=True) if len(given) > 1 else ""
    if len(note) > rules.NOTE_LIMIT:
        return say("notice.err.too_long", field=t(lang, "notice.field.register_note"), limit=rules.NOTE_LIMIT)
    status = (await deps.store.reports.latest_status([member.id])).get(member.id)
    confirmed = note.lower().startswith(CONFIRM_WORDS) and len(note) > 3
    if status is not None and status.state in AWAY_OR_ILL and not confirmed:
        where = status.location or status.note or ""
        state = t(lang, f"status.state.{status.state}")
        params = {"state": state, "where": where, "reason": given[0].strip(), **example}
        return Reply(key="notice.att.register_away", params=params)
    if reason == "other" and not note:
        return Reply(key="notice.att.register_other", params=example)
    status_then = status.state if status is not None and status.state in AWAY_OR_ILL else None
    return _Why(reason, note or None, status_then)


@dataclass(frozen=True)
class _Named:
    """准假 (`approve`) or 不准 typed on the ledger for the member of that name."""

    name: str
    approve: bool


async def _decide(deps: Deps, call: Call, notice: Notice, typed: _Named) -> Answered:
    """准假 / 不准 typed on the ledger: the member's pending leave is decided as its buttons would."""
    store = deps.store
    member = await _named(notice, typed.name, store)
    if isinstance(member, Reply):
        return _says(member)
    rsvp = await store.notices.rsvp(notice.id, member.id)
    if rsvp is None or rsvp.answer != "leave":
        return _says(say("notice.att.no_leave", name=member.name))
    decision = leave.Decision(notice.id, member.id, leave.asked_of(rsvp.at), typed.approve)
    decided = await leave.decide(deps, call, decision)
    reply = Reply(key=decided.answer.key, params=decided.answer.params)  # said in the chat, not as a pop-up
    return Answered(result=Result.of(reply, queued=decided.queued), edits=decided.edits)


@dataclass(frozen=True)
class _Makeup:
    """补学 typed on the ledger: the member, the day they made the meeting up, and how."""

    member: Member
    day: str
    note: str


async def _makeup(deps: Deps, call: Call, notice: Notice, makeup: _Makeup) -> Answered:
    store, now, member, day, note = deps.store, call.now, makeup.member, makeup.day, makeup.note
    by = call.actor.member.id if call.actor.member else None
    if member.id in await store.notices.checkins(notice.id):
        return _says(say("notice.att.makeup_present", name=member.name))
    try:
        on = rules.parse_makeup_day(day, notice.starts_at, now, deps.tz)
        text = rules.check_text(note, "note", rules.NOTE_LIMIT)
    except NoticeError as error:
        return _says(refusal(error, call.lang))
    if not await store.notices.record_makeup(notice.id, member.id, on.isoformat(), text, by, now):
        return _says(say("notice.att.makeup_already", name=member.name))
    log.info("notice=%s member=%s made up on %s", notice.id, member.id, on)
    return _says(say("notice.att.made_up", name=member.name, id=notice.id, day=on.isoformat()))
