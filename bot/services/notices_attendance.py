"""Answers to a notice as use cases: Attend, Leave (the reason asked next), Check in in its window, a
secretary's 代签 / 补签, and the `/attendance` ledger a page at a time (replies, check-ins, quorum). No
Telegram here: each returns what to answer, which messages to re-render (`Edit`) and whose group post to
refresh."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.config import Settings
from bot.i18n import Html, t
from bot.services import notices as rules
from bot.services import notices_ledger as ledger
from bot.services import notices_text as view
from bot.services.notices_edits import Edit, member_copy
from bot.services.notices_manage import find_managed
from bot.services.results import Reply, Result, alert, say, shown
from bot.services.rights import Actor, OrgTree, managed_units
from bot.services.text import clean_text
from bot.store import Store
from bot.store.models import Member
from bot.store.notices import Notice

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


async def _changed(store: Store, settings: Settings, notice: Notice, member: Member,
                   answer: Reply | None = None, result: Result | None = None) -> Answered:
    """The member's copy shows their new answer; the group post its new tally."""
    copy = await member_copy(store, settings, notice, member)
    return Answered(answer, result or Result(), (copy,) if copy else (), notice.id)


async def attend(person: Actor, notice_id: int, now: datetime, store: Store, settings: Settings) -> Answered:
    loaded = await _load(person, notice_id, store)
    if isinstance(loaded, Reply):
        return Answered(loaded)
    if not rules.may_answer(loaded.starts_at, now):
        return Answered(alert("notice.too_late"))
    assert person.member is not None
    await store.notices.record_rsvp(loaded.id, person.member.id, "attend", None, now)
    log.info("notice=%s member=%s attend", loaded.id, person.member.id)
    return await _changed(store, settings, loaded, person.member, say("notice.recorded_attend"))


async def ask_leave(person: Actor, notice_id: int, now: datetime, store: Store, settings: Settings,
                    lang: str) -> Answered | LeaveAsked:
    """Leave pressed: the reason is asked next, unless the answer may no longer change."""
    loaded = await _load(person, notice_id, store)
    if isinstance(loaded, Reply):
        return Answered(loaded)
    if not rules.may_answer(loaded.starts_at, now):
        return Answered(alert("notice.too_late"))
    return LeaveAsked(loaded.id, await leave_question(loaded.id, store, settings, lang))


async def leave_question(notice_id: int, store: Store, settings: Settings, lang: str) -> Reply:
    """The question for the reason of a leave (again, after a photo or a sticker instead of text)."""
    notice = await store.notices.get(notice_id)
    if notice is None:
        return say("notice.gone")
    title = Html(view.title(lang, notice, OrgTree.of(await store.units.all()), settings.tz))
    return shown(t(lang, "notice.ask_reason", title=title))


async def give_reason(person: Actor, notice_id: int | None, text: str, now: datetime, store: Store,
                      settings: Settings, lang: str) -> Answered:
    """The reason typed: the leave is recorded; a reason too long is asked again."""
    reason = clean_text(text, multiline=True)
    if len(reason) > rules.REASON_LIMIT:
        return _says(say("notice.err.too_long", field=t(lang, "notice.field.reason"), limit=rules.REASON_LIMIT),
                     stay=True)
    notice = await store.notices.get(notice_id) if notice_id is not None else None
    if notice is None or person.member is None or notice.cancelled_at is not None:
        return _says(say("notice.gone"))
    if not rules.may_answer(notice.starts_at, now):
        return _says(say("notice.too_late"))
    await store.notices.record_rsvp(notice.id, person.member.id, "leave", reason, now)
    log.info("notice=%s member=%s leave", notice.id, person.member.id)
    return await _changed(store, settings, notice, person.member,
                          result=Result.of(say("notice.leave_recorded", reason=reason)))


async def check_in(person: Actor, notice_id: int, now: datetime, store: Store, settings: Settings,
                   lang: str) -> Answered:
    """Check in, in the window around the start; the first check-in stands."""
    loaded = await _load(person, notice_id, store)
    if isinstance(loaded, Reply):
        return Answered(loaded)
    if not rules.may_check_in(loaded.starts_at, now):
        opens, closes = rules.checkin_window(loaded.starts_at)
        key = "notice.checkin_not_open" if now < opens else "notice.checkin_closed"
        return Answered(alert(key, opens=view.when(lang, opens, settings.tz),
                              closes=view.when(lang, closes, settings.tz)))
    assert person.member is not None
    fresh = await store.notices.record_checkin(loaded.id, person.member.id, "self", person.member.id, now)
    if not fresh:
        return Answered(say("notice.already_in"))
    log.info("notice=%s member=%s checked in", loaded.id, person.member.id)
    return await _changed(store, settings, loaded, person.member, say("notice.checked_in"))


# ---------------------------------------------------------------------------------------- /attendance
async def attendance(person: Actor, args: str, now: datetime, store: Store, settings: Settings,
                     lang: str) -> Answered:
    """`/attendance [id]`: the view of a meeting (the latest one of the secretary's units by default);
    `/attendance <id> | 代签 | name` or `| 补签 | name` marks a member present."""
    fields = rules.split_fields(args)
    tree = OrgTree.of(await store.units.all())
    if fields[0]:
        found = await find_managed(person, fields[0], "notice.att.usage", store, tree)
    else:
        found = await store.notices.latest_in(managed_units(person, tree)) or say("notice.none_yet")
    if isinstance(found, Reply):
        return _says(found)
    if len(fields) == 3:
        return await mark_present(person, found, fields[1], fields[2], now, store, settings, lang)
    if len(fields) != 1:
        return _says(say("notice.att.usage"))
    return _says(await _ledger(person, found, "all", 1, now, store, settings, lang))


async def _ledger(person: Actor, notice: Notice, word: str, number: int, now: datetime, store: Store,
                  settings: Settings, lang: str) -> Reply:
    """One page of the meeting's ledger, with its filter and page buttons."""
    tree = OrgTree.of(await store.units.all())
    everyone = await store.rolls.seats(notice.id)
    begun = ledger.begun(notice, now)
    page = ledger.page_of(everyone, word, number, begun)
    text = ledger.render(lang, notice, tree, settings.tz, page, begun, ledger.quorum(notice, everyone),
                         export=person.is_secretary)
    return shown(text, ledger.buttons(lang, notice, page, begun))


async def attendance_page(person: Actor, notice_id: int, word: str, number: int, now: datetime, store: Store,
                          settings: Settings, lang: str) -> Reply:
    """A page or filter button of `/attendance`: the page, if the meeting is still one of the units the
    person manages as secretary; else the alert of an expired button."""
    notice = await store.notices.get(notice_id)
    if notice is None or notice.unit_id not in managed_units(person, OrgTree.of(await store.units.all())):
        return alert("pages.expired", command="/attendance")
    return await _ledger(person, notice, word, number, now, store, settings, lang)


async def mark_present(person: Actor, notice: Notice, word: str, name: str, now: datetime, store: Store,
                       settings: Settings, lang: str) -> Answered:
    """代签 (during the check-in window) or 补签 (after the start) for a member expected at the meeting."""
    how = rules.PROXY_WORDS.get(word.strip().lower())
    if how is None:
        return _says(say("notice.att.usage"))
    if notice.cancelled_at is not None:
        return _says(say("notice.is_cancelled"))
    tz = settings.tz
    opens, closes = rules.checkin_window(notice.starts_at)
    if how == "proxy" and not opens <= now <= closes:
        return _says(say("notice.att.proxy_window", opens=view.when(lang, opens, tz),
                         closes=view.when(lang, closes, tz), id=notice.id))
    if how == "late" and now < notice.starts_at:
        return _says(say("notice.att.late_too_early", when=view.when(lang, notice.starts_at, tz)))
    name = name.strip()
    found = [e.member for e in await store.notices.expected(notice.id) if e.member.name == name]
    if len(found) != 1:
        return _says(say("notice.att.no_member" if not found else "notice.att.ambiguous", name=name, id=notice.id))
    member = found[0]
    by = person.member.id if person.member else None
    if not await store.notices.record_checkin(notice.id, member.id, how, by, now):
        return _says(say("notice.att.already", name=member.name))
    log.info("notice=%s member=%s marked present (%s)", notice.id, member.id, how)
    return await _changed(store, settings, notice, member,
                          result=Result.of(say(f"notice.att.marked_{how}", name=member.name, id=notice.id)))
