"""Presence proven where the meeting is (issue 23 item 2), as use cases: the convener's check-in code and QR image
(`/checkin ID`), a member's check-in by that code (`/checkin CODE`, or the QR's deep link `start=ci_<CODE>`) or by
a location shared near the venue, and the venue's point (`/venue 地点名称` then a shared location).

A meeting held 现场 takes a member's own check-in only with the proof the community asks (`CHECKIN_PROOF`); the
plain 签到 button stays for meetings held 线上 (and for a community that asks none). No Telegram here.
"""

from __future__ import annotations

import io
import logging
import secrets
from dataclasses import dataclass
from typing import Literal

import qrcode

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.presence import (
    CODE,
    LOCATION,
    ONLINE,
    code_matches,
    current_code,
    deep_link,
    distance_m,
    normal_code,
    venue_name,
)
from bot.domain.results import Reply, Result, say
from bot.domain.rights import OrgTree, managed_units
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.notices import common as rules
from bot.services.notices import text as view
from bot.services.notices.attendance import Answered, changed
from bot.services.notices.buttons import CheckinShow
from bot.store.notices import Notice

log = logging.getLogger(__name__)

#: A venue's name, as typed after /venue.
VENUE_LIMIT = rules.PLACE_LIMIT


def qr_png(link: str) -> bytes:
    """The QR image of a link, as PNG bytes (large enough to scan from a phone held up in the room)."""
    image = qrcode.make(link, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# ------------------------------------------------------------------------------------------- the convener
@dataclass(frozen=True)
class CodeAsked:
    """`/checkin ID` (or 刷新签到码): the meeting named, and the bot's username its deep link points to."""

    raw: str
    bot_username: str


async def _convened(deps: Deps, call: Call, raw: str) -> Notice | Reply:
    """The notice `raw` names, when this person may show its code: a secretary over its unit, or who called it."""
    digits = raw.strip().lstrip("#")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 18:
        return say("checkin.usage")
    notice = await deps.store.notices.get(int(digits))
    tree = OrgTree.of(await deps.store.units.all())
    member = call.actor.member
    mine = member is not None and notice is not None and notice.created_by == member.id
    if notice is None or not (mine or notice.unit_id in managed_units(call.actor, tree)):
        return say("notice.not_found", id=digits)
    return notice


async def show_code(deps: Deps, call: Call, asked: CodeAsked) -> Reply:
    """The code of this minute, as text and as the QR image of its deep link, while the check-in window is open."""
    notice = await _convened(deps, call, asked.raw)
    if isinstance(notice, Reply):
        return notice
    if notice.cancelled_at is not None:
        return say("notice.is_cancelled")
    if notice.mode == ONLINE:
        return say("checkin.online", id=notice.id)
    lang, proofs = call.lang, deps.settings.proofs
    opens, closes = rules.checkin_window(notice.starts_at)
    if not opens <= call.now <= closes:
        return say(
            "checkin.code_window",
            id=notice.id,
            opens=view.when(lang, opens, deps.tz),
            closes=view.when(lang, closes, deps.tz),
        )
    venue = await _venue_line(deps, lang, notice) if LOCATION in proofs else ""
    if CODE not in proofs:
        key = "checkin.no_code_location" if LOCATION in proofs else "checkin.no_code_button"
        return say(key, id=notice.id, venue=venue)
    secret = notice.checkin_key or await deps.store.notices.checkin_key(notice.id, secrets.token_hex(16))
    code = current_code(secret, call.now)
    caption = t(
        lang,
        "checkin.code",
        id=notice.id,
        code=code,
        kind=view.kind_name(lang, notice.kind),
        topic=notice.topic,
        place=notice.place,
    )
    if venue:
        caption += "\n" + venue
    buttons = [[{"text": t(lang, "checkin.btn_refresh"), "data": CheckinShow(notice.id).pack()}]]
    log.info("notice=%s check-in code shown", notice.id)
    return Reply(html=caption, photo=qr_png(deep_link(asked.bot_username, code)), buttons=buttons)


async def _venue_line(deps: Deps, lang: str, notice: Notice) -> str:
    point = await deps.store.notices.venue(venue_name(notice.place))
    key = "checkin.venue_set" if point is not None else "checkin.venue_unset"
    return t(lang, key, place=notice.place, radius=deps.settings.checkin_radius_m)


# ------------------------------------------------------------------------------------------- the member
async def _open(deps: Deps, call: Call, member: Member) -> list[Notice]:
    """The meetings this member is expected at whose check-in window holds the present."""
    now = call.now
    found = await deps.store.notices.open_for(member.id, now - rules.CHECKIN_CLOSES, now + rules.CHECKIN_OPENS)
    return [n for n in found if rules.may_check_in(n.starts_at, now)]


@dataclass(frozen=True)
class _Proven:
    """A member's own check-in at a meeting, and what proved it (code, location)."""

    notice: Notice
    member: Member
    proof: str


async def _checked_in(deps: Deps, call: Call, proven: _Proven) -> Answered:
    notice, member, lang = proven.notice, proven.member, call.lang
    fresh = await deps.store.notices.record_checkin(
        notice.id, member.id, "self", member.id, call.now, proof=proven.proof
    )
    if not fresh:
        return Answered(result=Result.of(Reply(key="notice.already_in", remove_keyboard=True)))
    log.info("notice=%s member=%s checked in by %s", notice.id, member.id, proven.proof)
    params = {
        "kind": view.kind_name(lang, notice.kind),
        "topic": notice.topic,
        "proof": t(lang, f"checkin.by.{proven.proof}"),
    }
    done = Reply(key="checkin.done", params=params, remove_keyboard=True)
    return await changed(deps, notice, member, Answered(result=Result.of(done)))


async def by_code(deps: Deps, call: Call, raw: str) -> Answered:
    """`/checkin 123456` or the QR's link: present at the open meeting whose code of this minute (or the one just
    before) it is; an older code, or one of no meeting of theirs, is refused."""
    member = call.actor.member
    code = normal_code(raw)
    if member is None or code is None:
        return Answered(result=Result.of(say("checkin.usage")))
    for notice in await _open(deps, call, member):
        if notice.checkin_key is not None and code_matches(notice.checkin_key, code, call.now):
            return await _checked_in(deps, call, _Proven(notice, member, CODE))
    log.info("member=%s check-in code refused", member.id)
    return Answered(result=Result.of(say("checkin.bad_code", code=code)))


async def checkin_command(deps: Deps, call: Call, asked: CodeAsked) -> Answered:
    """`/checkin`: a six-digit code checks the person in; a meeting's number shows its code to its convener."""
    text = clean_text(asked.raw)
    if not text:
        return Answered(result=Result.of(say("checkin.usage")))
    if normal_code(text) is not None:
        return await by_code(deps, call, text)
    return Answered(result=Result.of(await show_code(deps, call, CodeAsked(text, asked.bot_username))))


@dataclass(frozen=True)
class Place:
    """A location shared in the private chat (degrees)."""

    latitude: float
    longitude: float


async def by_location(deps: Deps, call: Call, where: Place) -> Answered:
    """A location shared in the private chat: present at the open meeting held 现场 whose venue is within
    CHECKIN_RADIUS_M; else why not (too far, no venue set, nothing open, the community takes no locations)."""
    member, settings = call.actor.member, deps.settings
    if member is None:
        return Answered()
    onsite = [n for n in await _open(deps, call, member) if n.mode != ONLINE]
    if not onsite:
        return Answered(result=Result.of(Reply(key="checkin.nothing_open", remove_keyboard=True)))
    if LOCATION not in settings.proofs:
        return Answered(result=Result.of(Reply(key="checkin.location_not_taken", remove_keyboard=True)))
    nearest: tuple[float, Notice] | None = None
    for notice in onsite:
        point = await deps.store.notices.venue(venue_name(notice.place))
        if point is None:
            continue
        distance = distance_m(where.latitude, where.longitude, *point)
        if distance <= settings.checkin_radius_m:
            return await _checked_in(deps, call, _Proven(notice, member, LOCATION))
        if nearest is None or distance < nearest[0]:
            nearest = (distance, notice)
    if nearest is None:
        return Answered(result=Result.of(say("checkin.no_venue", place=onsite[0].place)))
    away = round(nearest[0])
    shown = f"{away / 1000:.1f} km" if away >= 1000 else f"{away} m"
    log.info("member=%s location %s m from the venue: refused", member.id, away)
    far = say("checkin.too_far", place=nearest[1].place, distance=shown, radius=settings.checkin_radius_m)
    return Answered(result=Result.of(far))


# ------------------------------------------------------------------------------------------- the venue
class VenueDraft(drafts.Draft):
    """`/venue 地点`: the venue whose location is asked next."""

    flow: Literal["notices.venue"] = "notices.venue"
    name: str


@dataclass(frozen=True)
class VenueAsked:
    """`/venue 地点`: the location of `name` is asked next (`draft` kept meanwhile)."""

    draft: VenueDraft
    reply: Reply


def ask_venue(raw: str) -> VenueAsked | Reply:
    """`/venue 地点名称`: the secretary is asked to share the venue's location there."""
    name = clean_text(raw)
    if not name:
        return say("checkin.venue_usage")
    if len(name) > VENUE_LIMIT:
        return say("checkin.venue_too_long", limit=VENUE_LIMIT)
    ask = Reply(key="checkin.venue_ask", params={"place": name}, location_button="checkin.btn_venue")
    return VenueAsked(VenueDraft(name=name), ask)


async def set_venue(deps: Deps, call: Call, draft: VenueDraft, where: Place) -> Reply:
    """The venue's point, from the location the secretary shared (at the venue)."""
    if not (-90 <= where.latitude <= 90 and -180 <= where.longitude <= 180):
        return say("checkin.venue_usage")
    by = call.actor.member.id if call.actor.member else None
    await deps.store.notices.set_venue(venue_name(draft.name), where.latitude, where.longitude, by, call.now)
    log.info("venue set by member=%s", by)
    params = {"place": draft.name, "radius": deps.settings.checkin_radius_m}
    return Reply(key="checkin.venue_saved", params=params, remove_keyboard=True)
