"""A 转出 begun from the six-month reminder's button 「办理转出」 (issue 27, item 1): the same 转出 as `/transfer 转出`,
asked step by step and pre-filled with the member and the 流入地党组织 the roster records. Only what is missing is
asked: the organisation (when none is recorded), the 介绍信编号, its day, and the 有效期 (three months with one press,
or a shorter one typed as the command takes it). The letter is recorded by `transfer.open_out`, as the command does.

Rights are checked again at the press and at every step: a secretary over the member's branch (an admin too), the
member still on the active roster, no transfer of theirs open. A stale or forged button is answered with why, and
nothing is recorded; a second press starts the questions over, and a second 转出 is never opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, Result, alert, say
from bot.domain.rights import OrgTree, can_manage
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.transfers import common, rules
from bot.services.transfers.buttons import TransferOutUsual
from bot.services.transfers.transfer import open_out, validity_refusal
from bot.store.transfers import Letter

#: What a person types for the day the letter is issued when it is today.
TODAY_WORDS = frozenset({"今天", "今日", "today"})
#: The last day shown as the example of a shorter 有效期: a month after the letter's day.
SHORTER_EXAMPLE_DAYS = 30


class OutDraft(drafts.Draft):
    """「办理转出」 pressed: the member, and what has been given so far (empty: still to ask)."""

    flow: Literal["transfers.out"] = "transfers.out"
    member_id: int
    org: str = ""
    letter: str = ""
    issued: date | None = None


@dataclass(frozen=True)
class Stepping:
    """A step's answers, and the draft still waiting for an answer (None: the questions are over)."""

    result: Result
    draft: OutDraft | None


def _over(*replies: Reply) -> Stepping:
    return Stepping(Result.of(*replies), None)


async def allowed(deps: Deps, call: Call, member_id: int) -> Member | Reply:
    """The member whose 转出 this person may begin now; else the answer saying why not."""
    store = deps.store
    member = await store.members.get(member_id)
    if member is None or not member.active:
        return alert("transfers.out.gone")
    tree = OrgTree.of(await store.units.all())
    if not call.actor.is_secretary or not can_manage(call.actor, member.unit_id, tree):
        return alert("transfers.out.not_allowed")
    if any(tr.state == "open" for tr in await store.transfers.of_member(member.id)):
        return alert("transfers.already_open", name=member.name)
    return member


def ask(draft: OutDraft, lang: str, today: date) -> Reply:
    """The question for the first thing still missing."""
    if not draft.org:
        return say("transfers.out.ask_org", limit=common.MAX_ORG)
    if not draft.letter:
        return say("transfers.out.ask_letter")
    if draft.issued is None:
        return say("transfers.out.ask_day", example=today.isoformat())
    last = rules.letter_valid_until(draft.issued)
    until = dates.day_near(lang, last, today)
    label = t(lang, "transfers.out.button_usual", months=rules.LETTER_MONTHS, until=dates.dated(lang, last))
    button = {"text": label, "data": TransferOutUsual(draft.member_id).pack()}
    shorter = (draft.issued + timedelta(days=SHORTER_EXAMPLE_DAYS)).isoformat()
    return say(
        "transfers.out.ask_validity", buttons=[[button]], until=until, months=rules.LETTER_MONTHS, example=shorter
    )


async def begin(deps: Deps, call: Call, member_id: int) -> Stepping:
    """「办理转出」 pressed: who and where to as recorded, then the first question."""
    member = await allowed(deps, call, member_id)
    if isinstance(member, Reply):
        return _over(member)
    details = await deps.store.moving.details(member.id)
    org = clean_text(details.get("inflow_org", ""))[: common.MAX_ORG]
    place = clean_text(details.get("inflow_place", ""))
    tree = OrgTree.of(await deps.store.units.all())
    draft = OutDraft(member_id=member.id, org=org)
    head = say(
        "transfers.out.begin_org" if org else "transfers.out.begin",
        name=member.name,
        unit=tree.name(member.unit_id),
        org=org,
        place=place or "—",
    )
    today = call.now.astimezone(deps.tz).date()
    return Stepping(Result.of(head, ask(draft, call.lang, today)), draft)


async def answer(deps: Deps, call: Call, draft: OutDraft, text: str) -> Stepping:
    """What was typed for the question asked: checked, kept, and the next question (or the letter recorded)."""
    member = await allowed(deps, call, draft.member_id)
    if isinstance(member, Reply):
        return _over(member)
    today = call.now.astimezone(deps.tz).date()
    value = clean_text(text)
    if not value:
        return Stepping(Result.of(ask(draft, call.lang, today)), draft)
    if not draft.org or not draft.letter:
        limit = common.MAX_ORG if not draft.org else common.MAX_LETTER
        if len(value) > limit:
            return Stepping(Result.of(say("transfers.too_long", limit=limit)), draft)
        after = draft.replace(org=value) if not draft.org else draft.replace(letter=value)
        return Stepping(Result.of(ask(after, call.lang, today)), after)
    if draft.issued is None:
        issued = today if value.lower() in TODAY_WORDS else common.parse_day(value)
        if issued is None:
            return Stepping(Result.of(say("transfers.bad_day", value=value[:20])), draft)
        if issued > today:
            return Stepping(Result.of(say("transfers.rule.future")), draft)
        after = draft.replace(issued=issued)
        return Stepping(Result.of(ask(after, call.lang, today)), after)
    until = common.valid_until(value, draft.issued)
    if until is None:
        return Stepping(Result.of(say("transfers.bad_validity", value=value[:20])), draft)
    refusal = validity_refusal(draft.issued, until, call.lang, today)
    if refusal is not None:
        return Stepping(Result.of(refusal), draft)
    return _over(*(await open_out(deps, call, member, Letter(draft.org, draft.letter, draft.issued, until))).replies)


async def usual(deps: Deps, call: Call, draft: OutDraft | None, pressed: TransferOutUsual) -> Stepping:
    """The three months pressed: the letter recorded with them, when this draft was waiting for its 有效期."""
    if draft is None or draft.member_id != pressed.member_id or not draft.letter or draft.issued is None:
        return Stepping(Result.of(alert("transfers.out.expired")), draft)
    member = await allowed(deps, call, draft.member_id)
    if isinstance(member, Reply):
        return _over(member)
    until = rules.letter_valid_until(draft.issued)
    return _over(*(await open_out(deps, call, member, Letter(draft.org, draft.letter, draft.issued, until))).replies)


def not_text(deps: Deps, call: Call, draft: OutDraft | None) -> Stepping:
    """A photo, voice message or sticker where an answer is expected: say so, ask again."""
    if draft is None:
        return _over()
    today = call.now.astimezone(deps.tz).date()
    return Stepping(Result.of(say("common.text_expected"), ask(draft, call.lang, today)), draft)
