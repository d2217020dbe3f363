"""`/visit` (走访): step by step — the household (buttons of the member's own households, the longest waiting
first), what was found, an optional request — or in one line, `/visit 户主 | 情况 | 诉求`. The visit and its
request are saved in one transaction; the request gets its number (`bot.services.households.requests`).

Each step returns a `VisitStep`: the answers, the draft, and the next step (None once saved or refused).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.results import Buttons, Reply, Result, say
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.households.buttons import HouseholdPick, VisitNoRequest
from bot.services.households.common import address, find_named, may_act
from bot.services.households.requests_rules import MAX_TEXT
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.store.households import Household
from bot.store.households_requests import NewRequest

log = logging.getLogger(__name__)

Step = Literal["household", "found", "request"]
#: Household buttons offered at most (a member serves 10–20; the rest by the one-line form).
MAX_BUTTONS = 30


class VisitDraft(drafts.Draft):
    """The household visited and what was found, so far."""

    flow: Literal["households.visit"] = "households.visit"
    household_id: int | None = None
    head: str = ""
    found: str = ""


@dataclass(frozen=True)
class VisitNote:
    """What a visit found, and the resident's request it raised (empty: none)."""

    found: str
    wanted: str = ""


@dataclass(frozen=True)
class VisitStep:
    result: Result
    draft: VisitDraft
    next: Step | None


def _household_buttons(households: list[Household]) -> Buttons:
    keys = [
        {"text": f"{h.head} {address(h)}".strip()[:40], "data": HouseholdPick(h.id).pack()}
        for h in households[:MAX_BUTTONS]
    ]
    return [keys[i : i + 2] for i in range(0, len(keys), 2)]


def question(step: Step, draft: VisitDraft, lang: str) -> Reply:
    if step == "found":
        return say("visit.ask_found", head=draft.head)
    if step == "request":
        return say(
            "visit.ask_request", buttons=[[{"text": t(lang, "visit.no_request"), "data": VisitNoRequest().pack()}]]
        )
    return say("visit.ask_household")


async def begin(deps: Deps, call: Call, text: str) -> VisitStep:
    """`/visit` alone: the household buttons; `/visit 户主 | 情况 [| 诉求]`: saved at once."""
    person = call.actor
    assert person.member is not None
    if text:
        return await _one_line(deps, call, text)
    mine = await deps.store.households.of_member(person.member.id)
    if not mine:
        return VisitStep(Result.of(say("visit.no_households")), VisitDraft(), None)
    ask = question("household", VisitDraft(), call.lang)
    return VisitStep(Result.of(say(ask.key, buttons=_household_buttons(mine))), VisitDraft(), "household")


async def pick(deps: Deps, call: Call, household_id: int) -> VisitStep:
    """A household's button: ask what the visit found."""
    household = await deps.store.households.get(household_id)
    tree = OrgTree.of(await deps.store.units.all())
    if household is None or not may_act(call.actor, household, tree):
        return VisitStep(Result.of(say("visit.not_yours_button")), VisitDraft(), None)
    draft = VisitDraft(household_id=household.id, head=household.head)
    return VisitStep(Result.of(question("found", draft, call.lang)), draft, "found")


def add_found(draft: VisitDraft, text: str, lang: str) -> VisitStep:
    found = clean_text(text, multiline=True)
    if not found:
        return VisitStep(Result.of(question("found", draft, lang)), draft, "found")
    if len(found) > MAX_TEXT:
        return VisitStep(
            Result.of(say("visit.too_long", limit=MAX_TEXT), question("found", draft, lang)), draft, "found"
        )
    draft = draft.replace(found=found)
    return VisitStep(Result.of(question("request", draft, lang)), draft, "request")


async def finish(deps: Deps, call: Call, draft: VisitDraft, request: str | None) -> VisitStep:
    """The last step: save the visit, and the request when there is one."""
    person, store, lang = call.actor, deps.store, call.lang
    wanted = clean_text(request or "", multiline=True)
    if request is not None and not wanted:
        return VisitStep(Result.of(question("request", draft, lang)), draft, "request")
    if len(wanted) > MAX_TEXT:
        return VisitStep(
            Result.of(say("visit.too_long", limit=MAX_TEXT), question("request", draft, lang)), draft, "request"
        )
    assert draft.household_id is not None
    household = await store.households.get(draft.household_id)
    tree = OrgTree.of(await store.units.all())
    if household is None or not may_act(person, household, tree):
        return VisitStep(Result.of(say("visit.not_yours_button")), VisitDraft(), None)
    return VisitStep(await save(deps, call, household, VisitNote(draft.found, wanted)), VisitDraft(), None)


async def save(deps: Deps, call: Call, household: Household, note: VisitNote) -> Result:
    """The visit, and its request when there is one, in one unit of work."""
    person, now, store, found, wanted = call.actor, call.now, deps.store, note.found, note.wanted
    assert person.member is not None
    day = now.astimezone(deps.tz).date()
    async with store.unit_of_work() as uow:
        visit_id = await uow.households.add_visit(household.id, person.member.id, found, now, day)
        request_id = None
        if wanted:
            unit_id = household.unit_id if household.unit_id is not None else person.member.unit_id
            request_id = await uow.requests.add(
                NewRequest(household.id, visit_id, person.member.id, person.member.id, unit_id, wanted, source="visit"),
                now,
            )
    log.info("visit=%s household=%s member=%s request=%s", visit_id, household.id, person.member.id, request_id)
    if request_id is None:
        return Result.of(say("visit.saved", head=household.head, date=dates.day(call.lang, day)))
    return Result.of(say("visit.saved_request", head=household.head, date=dates.day(call.lang, day), number=request_id))


async def _one_line(deps: Deps, call: Call, text: str) -> VisitStep:
    person, store = call.actor, deps.store
    parts = [clean_text(p, multiline=True) for p in text.replace("｜", "|").split("|")]
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return VisitStep(Result.of(say("visit.usage")), VisitDraft(), None)
    if any(len(p) > MAX_TEXT for p in parts[1:3]):
        return VisitStep(Result.of(say("visit.too_long", limit=MAX_TEXT)), VisitDraft(), None)
    tree = OrgTree.of(await store.units.all())
    found = await find_named(person, parts[0][:60], store, tree)
    if found.household is None:
        assert found.problem is not None
        return VisitStep(Result.of(found.problem), VisitDraft(), None)
    wanted = " | ".join(p for p in parts[2:] if p)
    return VisitStep(await save(deps, call, found.household, VisitNote(parts[1], wanted)), VisitDraft(), None)
