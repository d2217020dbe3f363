"""`/carevisit` step by step: a case chosen with its button from the guided list, then what was brought or
arranged, then the next step (or Skip); the visit is logged for today. The person's right is checked when the
case is chosen and again when the visit is saved (the case may have been closed, or given to someone else)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.results import Buttons, Reply, Result, alert, say
from bot.domain.rights import Actor
from bot.i18n import t
from bot.services.care.buttons import CareSkip
from bot.services.care.visits import MAX_BROUGHT, MAX_NEXT, care_units, may_log
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.reports.common import member_of
from bot.store import Store
from bot.store.care import CareCase

BROUGHT, NEXT = "brought", "next"


class VisitDraft(drafts.Draft):
    """What the person has told so far: the case, and what was brought once they said it."""

    flow: Literal["care.visit"] = "care.visit"
    case_id: int
    name: str
    brought: str = ""

    @property
    def step(self) -> str:
        return NEXT if self.brought else BROUGHT


@dataclass(frozen=True)
class VisitStep:
    """The answer, and the draft to keep (None: the conversation is over)."""

    result: Result
    draft: VisitDraft | None


def _skip(lang: str) -> Buttons:
    return [[{"text": t(lang, "care.skip"), "data": CareSkip().pack()}]]


def question(draft: VisitDraft, lang: str) -> Reply:
    """The question of the draft's step."""
    if draft.step == BROUGHT:
        return say("care.ask_brought", name=draft.name)
    return say("care.ask_next", name=draft.name, buttons=_skip(lang))


async def _case(person: Actor, case_id: int, store: Store) -> CareCase | None:
    """The open case, if the person may still log visits on it."""
    case = await store.care.get(case_id)
    if case is None or not case.open:
        return None
    return case if may_log(person, case, await care_units(person, store)) else None


async def pick(deps: Deps, call: Call, case_id: int) -> VisitStep:
    """A case's button on the guided list: ask what was brought."""
    case = await _case(call.actor, case_id, deps.store)
    if case is None:
        return VisitStep(Result.of(alert("care.step_expired")), None)
    draft = VisitDraft(case_id=case.id, name=case.member_name)
    return VisitStep(Result.of(question(draft, call.lang)), draft)


async def answer(deps: Deps, call: Call, draft: VisitDraft | None, text: str) -> VisitStep:
    """The text for the current step: what was brought (then the next step is asked), or the next step (then
    the visit is logged); an empty or too long answer asks the step again."""
    lang = call.lang
    if draft is None:
        return VisitStep(Result.of(say("care.step_expired")), None)
    value = clean_text(text, multiline=True)
    limit = MAX_BROUGHT if draft.step == BROUGHT else MAX_NEXT
    if not value:
        return VisitStep(Result.of(say("care.step_empty"), question(draft, lang)), draft)
    if len(value) > limit:
        return VisitStep(Result.of(say("care.too_long", limit=limit), question(draft, lang)), draft)
    if draft.step == BROUGHT:
        kept = draft.replace(brought=value)
        return VisitStep(Result.of(question(kept, lang)), kept)
    return await finish(deps, call, draft, value)


async def finish(deps: Deps, call: Call, draft: VisitDraft | None, next_step: str) -> VisitStep:
    """Log the visit for today, if the person may still log it."""
    if draft is None or not draft.brought:
        return VisitStep(Result.of(alert("care.step_expired")), None)
    case = await _case(call.actor, draft.case_id, deps.store)
    if case is None:
        return VisitStep(Result.of(say("care.visit_not_yours", name=draft.name)), None)
    today = call.now.astimezone(deps.tz).date()
    await deps.store.care.add_visit(case.id, member_of(call.actor).id, today, draft.brought, next_step, call.now)
    return VisitStep(
        Result.of(
            say(
                "care.visit_saved",
                name=case.member_name,
                day=dates.day(call.lang, today),
                next=next_step or t(call.lang, "care.no_next"),
            )
        ),
        None,
    )


def not_text(draft: VisitDraft | None, lang: str) -> VisitStep:
    """A photo, voice, sticker or file where the step waits for text: say so, and ask the step again."""
    if draft is None:
        return VisitStep(Result(), None)
    return VisitStep(Result.of(say("common.text_expected"), question(draft, lang)), draft)


def cancel() -> VisitStep:
    """/cancel in the middle: nothing is saved."""
    return VisitStep(Result.of(say("common.cancelled")), None)


def expired() -> VisitStep:
    """A case's button that cannot start a visit (pressed in a group, by someone not on the roster)."""
    return VisitStep(Result.of(alert("care.step_expired")), None)
