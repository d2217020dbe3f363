"""Moving a resident's request on (the buttons of a request): 开始办理, 办结 (what was done is asked next),
上报 to the branch secretary, and the secretary's 接手 / 转社区党委 / 退回 (with advice, asked next); and the
resident's satisfaction once it is resolved. The people it is passed to are told through the outbox, in the
transaction that moves it. Rights are checked again at every press (`requests_rules.allowed`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import COMMITTEE_KIND
from bot.domain.results import Result, alert, say
from bot.domain.rights import OrgTree
from bot.i18n import resolve_language, t
from bot.services.households.buttons import RequestAct, RequestOpen, RequestRate
from bot.services.households.requests import may_rate, rating_buttons, standing
from bot.services.households.requests_rules import MAX_TEXT, MOVES, NEEDS_TEXT, SATISFACTION, allowed
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.store import Store
from bot.store.db import iso
from bot.store.households_requests import Request
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)


class Pending(drafts.Draft):
    """An action waiting for its text: what was done (resolve) or the advice (back)."""

    flow: Literal["households.request"] = "households.request"
    request_id: int
    action: str
    state: str  # the state it was pressed in: a request moved meanwhile is not moved again


@dataclass(frozen=True)
class Acted:
    result: Result
    pending: Pending | None = None


async def _committee_secretary(store: Store, tree: OrgTree, unit_id: int) -> int | None:
    # the community committee above the branch (in a township deployment the path starts at the township)
    top = [u for u in tree.path(unit_id) if u.kind == COMMITTEE_KIND]
    if not top:
        return None
    found = await store.requests.secretaries_of(top[0].id)
    return found[0] if found else None


@dataclass(frozen=True)
class _Moving:
    """A request being moved on: by `action` (with its text, `note`), the units as they stand."""

    request: Request
    action: str
    note: str | None
    tree: OrgTree


async def act(deps: Deps, call: Call, pressed: RequestAct) -> Acted:
    """A button of a request pressed: moved on at once, or the text it needs asked for."""
    person, store, lang, action = call.actor, deps.store, call.lang, pressed.action
    request = await store.requests.get(pressed.request_id)
    tree = OrgTree.of(await store.units.all())
    if request is None:
        return Acted(Result.of(alert("requests.not_allowed")))
    who = standing(person, request, tree)
    if not allowed(action, request.state, who):
        if not (who.handler or who.manages):
            return Acted(Result.of(alert("requests.not_allowed")))
        return Acted(Result.of(alert("requests.already", state=t(lang, f"requests.state.{request.state}"))))
    if action in NEEDS_TEXT:
        pending = Pending(request_id=request.id, action=action, state=request.state)
        return Acted(Result.of(say(f"requests.ask_{action}", number=request.id)), pending)
    return Acted(await _move(deps, call, _Moving(request, action, None, tree)))


async def complete(deps: Deps, call: Call, pending: Pending, text: str) -> Acted:
    """The text an action waited for."""
    person, store = call.actor, deps.store
    note = clean_text(text, multiline=True)
    if not note:
        return Acted(Result.of(say(f"requests.ask_{pending.action}", number=pending.request_id)), pending)
    if len(note) > MAX_TEXT:
        return Acted(Result.of(say("requests.too_long", limit=MAX_TEXT)), pending)
    request = await store.requests.get(pending.request_id)
    tree = OrgTree.of(await store.units.all())
    if (
        request is None
        or request.state != pending.state
        or not allowed(pending.action, request.state, standing(person, request, tree))
    ):
        return Acted(Result.of(say("requests.moved_meanwhile", number=pending.request_id)))
    return Acted(await _move(deps, call, _Moving(request, pending.action, note, tree)))


def not_text(pending: Pending) -> Acted:
    return Acted(
        Result.of(say("common.text_expected"), say(f"requests.ask_{pending.action}", number=pending.request_id)),
        pending,
    )


async def _move(deps: Deps, call: Call, moving: _Moving) -> Result:
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    request, action, note, tree = moving.request, moving.action, moving.note, moving.tree
    assert person.member is not None
    me = person.member.id
    if action == "note":  # a 代办's progress: a step of its history, the state stays
        if note is None or not await store.requests.note(request.id, me, note, now):
            return Result.of(say("requests.moved_meanwhile", number=request.id))
        log.info("request=%s member=%s note", request.id, me)
        return Result.of(say("requests.done_note", number=request.id))

    async def tell(member_id: int | None, key: str, **params: object) -> list[Outgoing]:
        """A private message about the request to a member who can be reached (nobody else: no group chats)."""
        if member_id is None:
            return []
        member = await store.members.get(member_id)
        if member is None or not member.active or not member.linked or member.telegram_id is None:
            return []
        lang = resolve_language(member.language, None, deps.settings.default_language)
        text = t(lang, key, number=request.id, head=request.head, text=request.text, **params)
        button = [
            [{"text": t(lang, "requests.open_button", number=request.id), "data": RequestOpen(request.id).pack()}]
        ]
        return [
            Outgoing(
                key=f"request:{action}:{request.id}:{member.id}:{iso(now)}",
                kind="notice",
                chat_id=member.telegram_id,
                text=text,
                member_id=member.id,
                ref=f"request:{request.id}",
                buttons=button,
            )
        ]

    handler = request.handler_id
    messages: list[Outgoing] = []
    if action == "up":
        secretaries = await store.requests.secretaries_of(request.unit_id)
        if not secretaries:
            return Result.of(say("requests.no_secretary"))
        handler = secretaries[0]
        messages = await tell(handler, "requests.notice_up", name=person.member.name)
    elif action == "committee":
        handler = await _committee_secretary(store, tree, request.unit_id)
        if handler is None or handler == me:
            return Result.of(say("requests.no_committee"))
        messages = await tell(handler, "requests.notice_committee", name=person.member.name)
    elif action == "take":
        handler = me
    elif action == "back":
        handler = request.household_member_id or request.logged_by
        messages = await tell(handler, "requests.notice_back", name=person.member.name, advice=note or "")
    elif action == "resolve" and request.kind == "agency" and request.logged_by in (None, me):
        # the agent's own 代办: the 回访 is a secretary's (not the agent's)
        followers = [s for s in await store.requests.secretaries_of(request.unit_id) if s != me]
        follower = followers[0] if followers else None
        messages = await tell(follower, "requests.notice_followup", name=person.member.name, resolution=note or "")
    elif action == "resolve" and request.logged_by not in (None, me):
        messages = await tell(
            request.logged_by, "requests.notice_resolved", name=person.member.name, resolution=note or ""
        )
    state = MOVES[action][1]
    queued = await store.requests.move(
        request.id,
        request.state,
        me,
        action,
        now,
        state=state,
        handler_id=handler,
        note=note,
        advice=note if action == "back" else None,
        resolution=note if action == "resolve" else None,
        messages=messages,
    )
    if queued is None:
        return Result.of(say("requests.moved_meanwhile", number=request.id))
    log.info("request=%s member=%s action=%s", request.id, me, action)
    if action == "resolve" and not may_rate(person, request, tree):
        return Result.of(say("requests.done_resolve_agency", number=request.id), queued=queued)
    if action == "resolve":
        return Result.of(
            say("requests.done_resolve", number=request.id, buttons=rating_buttons(request.id, lang)), queued=queued
        )
    return Result.of(say(f"requests.done_{action}", number=request.id), queued=queued)


async def rate(deps: Deps, call: Call, pressed: RequestRate) -> Result:
    """The resident's satisfaction with a resolved request, pressed by the member who logged it."""
    person, store, request_id, rating = call.actor, deps.store, pressed.request_id, pressed.rating
    request = await store.requests.get(request_id)
    tree = OrgTree.of(await store.units.all())
    if request is None or rating not in SATISFACTION or not may_rate(person, request, tree):
        return Result.of(alert("requests.not_allowed"))
    assert person.member is not None
    if not await store.requests.rate(request_id, person.member.id, rating, call.now):
        return Result.of(alert("requests.rated_already"))
    log.info("request=%s rated", request_id)
    return Result.of(say("requests.rated", number=request_id, rating=t(call.lang, f"requests.rating.{rating}")))
