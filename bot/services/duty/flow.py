"""`/patrol` and `/mediate` (设岗定责) as use cases: the one-line forms, and the step-by-step log — which
question follows which answer, what each answer sets, and the saving at the end (with an optional photo).

The front end keeps the `Draft` between messages and waits in the `Step` a `Turn` names; it shows the
turn's replies, and leaves `chosen` on the question whose button was pressed. No Telegram here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from enum import IntEnum
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.results import Buttons, Reply, Result, say
from bot.i18n import Html, t
from bot.services.duty.buttons import DutyKind, DutyOutcome, DutySkip
from bot.services.duty.common import Logged, save_mediation, save_patrol
from bot.services.duty.entry import save_generic
from bot.services.duty.points import parse_served, parse_time
from bot.services.duty.rules import (
    KINDS,
    LONG_LIMIT,
    MEDIATION,
    OUTCOMES,
    PATROL,
    SHORT_LIMIT,
    DisputeKind,
    EntryDraft,
    FieldError,
    MediationDraft,
    MediationOutcome,
    PatrolDraft,
    log_points,
    parse_followup,
    parse_kind,
    parse_mediation_line,
    parse_minutes,
    parse_outcome,
    parse_patrol_line,
    parse_text,
)
from bot.services.duty.view import chosen, field_error, in_a_week, today
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps

log = logging.getLogger(__name__)

ONGOING = "ongoing"
#: The command of each post, as the refusal names it.
COMMANDS = {PATROL: "patrol", MEDIATION: "mediate"}


class Step(IntEnum):
    """What the log waits for next (the front end's conversation state)."""

    AREA = 1
    MINUTES = 2
    FINDINGS = 3
    PARTIES = 4
    KIND = 5
    OUTCOME = 6
    FOLLOWUP = 7
    SUMMARY = 8
    PHOTO = 9
    NEW_DATE = 10  # a follow-up still ongoing: the next date (`bot.services.duty.followup`)
    DONE = 11  # a generic post's entry (/log): what was done, the time spent, the people served
    TIME = 12
    SERVED = 13


class Draft(drafts.Draft):
    """A log being written step by step (or, at NEW_DATE, the mediation being followed up)."""

    flow: Literal["duty.log"] = "duty.log"
    post: str
    photo: str | None = None
    area: str | None = None
    minutes: int | None = None
    findings: str | None = None
    parties: str | None = None
    kind: str | None = None
    outcome: str | None = None
    followup_on: date | None = None
    summary: str | None = None
    log_id: int | None = None
    served: int | None = None

    @property
    def generic(self) -> bool:
        return self.post not in (PATROL, MEDIATION)


@dataclass(frozen=True)
class Waiting:
    """Where a log stands: the step that waits for an answer, and the draft so far."""

    step: Step
    draft: Draft


@dataclass(frozen=True)
class Opening:
    """What came with `/patrol`, `/mediate` or `/log`: the one-line form's fields (None: step by step) and the
    file id of a photo sent with the command."""

    line: list[str] | None = None
    photo: str | None = None


@dataclass(frozen=True)
class Turn:
    """What to say, and the step now waiting with its draft (`step` None: the log is over or none began)."""

    result: Result
    step: Step | None = None
    draft: Draft | None = None
    chosen: str | None = None  # HTML: the pressed button's question with the choice, in place of the buttons
    strip: bool = False  # take the buttons off the pressed message (a follow-up reminder answered)


# Questions --------------------------------------------------------------------------------------------


#: Choice buttons on a row.
PER_ROW = 3


def _choices(lang: str, prefix: str, values: tuple[str, ...], data: Callable[[str], str]) -> Buttons:
    buttons = [{"text": t(lang, f"duty.{prefix}.{v}"), "data": data(v)} for v in values]
    return [buttons[i : i + PER_ROW] for i in range(0, len(buttons), PER_ROW)]


def skip_buttons(lang: str) -> Buttons:
    return [[{"text": t(lang, "duty.skip"), "data": DutySkip().pack()}]]


_QUESTIONS = {
    Step.AREA: "duty.patrol.ask_area",
    Step.MINUTES: "duty.patrol.ask_minutes",
    Step.FINDINGS: "duty.patrol.ask_findings",
    Step.PARTIES: "duty.mediate.ask_parties",
    Step.KIND: "duty.mediate.ask_kind",
    Step.OUTCOME: "duty.mediate.ask_outcome",
    Step.FOLLOWUP: "duty.mediate.ask_followup",
    Step.SUMMARY: "duty.mediate.ask_summary",
    Step.PHOTO: "duty.ask_photo",
    Step.NEW_DATE: "duty.followup.ask_date",
    Step.DONE: "duty.log.ask_done",
    Step.TIME: "duty.log.ask_time",
    Step.SERVED: "duty.log.ask_served",
}


def question(deps: Deps, call: Call, step: Step, draft: Draft) -> Reply:
    """The question of a step, with its buttons."""
    now, tz, lang = call.now, deps.tz, call.lang
    key = _QUESTIONS[step]
    if step is Step.KIND:
        return say(key, buttons=_choices(lang, "kind", KINDS, lambda v: DutyKind(DisputeKind(v)).pack()))
    if step is Step.OUTCOME:
        return say(key, buttons=_choices(lang, "outcome", OUTCOMES, lambda v: DutyOutcome(MediationOutcome(v)).pack()))
    if step is Step.PHOTO:
        return say(key, buttons=skip_buttons(lang))
    if step is Step.FOLLOWUP:
        return say(key, example=in_a_week(now, tz))
    if step is Step.NEW_DATE:
        return say(key, id=draft.log_id, example=in_a_week(now, tz))
    if step is Step.DONE:
        return say(key, post=draft.post)
    return say(key)


def _ask(deps: Deps, call: Call, step: Step, draft: Draft) -> Turn:
    return Turn(Result.of(question(deps, call, step, draft)), step, draft)


def reask(deps: Deps, call: Call, waiting: Waiting) -> Turn:
    """Something other than typed text where the step expects text: say so, ask again, stay."""
    step, draft = waiting.step, waiting.draft
    return Turn(Result.of(say("common.text_expected"), question(deps, call, step, draft)), step, draft)


def not_photo(draft: Draft, lang: str) -> Turn:
    """Not a photo at the photo step: a photo, or Skip."""
    return Turn(Result.of(say("duty.photo_expected", buttons=skip_buttons(lang))), Step.PHOTO, draft)


# Saving -----------------------------------------------------------------------------------------------


async def _save(deps: Deps, call: Call, parsed: PatrolDraft | MediationDraft) -> Reply:
    """Save a log in the actor's name, if they still hold its post (the post may have been taken away
    while they were typing), and say what was saved (pending the branch's review)."""
    actor, store, lang = call.actor, deps.store, call.lang
    post = PATROL if isinstance(parsed, PatrolDraft) else MEDIATION
    member = actor.member
    if member is None or not actor.has_post(post):
        return say("common.refused", what=f"/{COMMANDS[post]}", who=t(lang, f"common.who_{post}"))
    photo = t(lang, "duty.photo_kept") if parsed.photo else ""
    pending = Html(t(lang, "duty.pending_note"))
    logged = Logged(member.id, call.now, deps.tz)
    if isinstance(parsed, PatrolDraft):
        entry = await save_patrol(store, logged, parsed)
        return say(
            "duty.patrol.saved",
            id=entry.id,
            area=entry.area,
            minutes=entry.minutes,
            points=log_points(entry),
            photo=photo,
            pending=pending,
        )
    entry = await save_mediation(store, logged, parsed)
    on = entry.followup_on
    followup = t(lang, "duty.mediate.followup_note", date=dates.day(lang, on)) if on else ""
    return say(
        "duty.mediate.saved",
        id=entry.id,
        parties=entry.parties,
        kind=t(lang, f"duty.kind.{entry.kind}"),
        outcome=t(lang, f"duty.outcome.{entry.outcome}"),
        points=log_points(entry),
        photo=photo,
        followup=Html(followup),
        pending=pending,
    )


def _complete(draft: Draft, photo: str | None) -> PatrolDraft | MediationDraft:
    """The finished draft as the rules' value (every step has set its field by now)."""
    if draft.post == PATROL:
        assert draft.area is not None and draft.minutes is not None and draft.findings is not None
        return PatrolDraft(draft.area, draft.minutes, draft.findings, photo)
    assert draft.parties is not None and draft.kind is not None and draft.outcome is not None
    assert draft.summary is not None
    return MediationDraft(draft.parties, draft.kind, draft.outcome, draft.summary, draft.followup_on, photo)


async def _finish(deps: Deps, call: Call, draft: Draft, photo: str | None) -> Turn:
    if draft.generic:
        assert draft.summary is not None and draft.minutes is not None and draft.served is not None
        entry = EntryDraft(draft.post, draft.summary, draft.minutes, draft.served, photo or draft.photo)
        saved = await save_generic(deps, call, entry)
    else:
        saved = await _save(deps, call, _complete(draft, photo or draft.photo))
    return Turn(Result.of(saved))


# Use cases --------------------------------------------------------------------------------------------


async def start(deps: Deps, call: Call, post: str, opening: Opening) -> Turn:
    """`/patrol` or `/mediate`: with the one-line form's fields the log is saved at once; without, the first
    question."""
    line, photo, now, tz = opening.line, opening.photo, call.now, deps.tz
    if line is None:
        draft = Draft(post=post, photo=photo)
        first = {PATROL: Step.AREA, MEDIATION: Step.PARTIES}.get(post, Step.DONE)
        return _ask(deps, call, first, draft)
    try:
        parsed = parse_patrol_line(line, photo) if post == PATROL else parse_mediation_line(line, today(now, tz), photo)
    except FieldError as err:
        return Turn(Result.of(field_error(err, now, tz, call.lang)))
    return Turn(Result.of(await _save(deps, call, parsed)))


def _short(field: str) -> Callable[[str, date], object]:
    return lambda value, _today: parse_text(value, field, SHORT_LIMIT)


def _long(field: str) -> Callable[[str, date], object]:
    return lambda value, _today: parse_text(value, field, LONG_LIMIT)


#: The typed steps: the draft's field each sets and how its text is read (with today in TIMEZONE).
_READERS: dict[Step, tuple[str, Callable[[str, date], object]]] = {
    Step.AREA: ("area", _short("area")),
    Step.MINUTES: ("minutes", lambda value, _today: parse_minutes(value)),
    Step.FINDINGS: ("findings", _long("findings")),
    Step.PARTIES: ("parties", _short("parties")),
    Step.KIND: ("kind", lambda value, _today: parse_kind(value)),
    Step.OUTCOME: ("outcome", lambda value, _today: parse_outcome(value)),
    Step.FOLLOWUP: ("followup_on", parse_followup),
    Step.SUMMARY: ("summary", _long("summary")),
    Step.DONE: ("summary", _long("done")),
    Step.TIME: ("minutes", lambda value, _today: parse_time(value)),
    Step.SERVED: ("served", lambda value, _today: parse_served(value)),
}


def _after(step: Step, draft: Draft) -> Step:
    if step is Step.OUTCOME:
        return Step.FOLLOWUP if draft.outcome == ONGOING else Step.SUMMARY
    return {
        Step.AREA: Step.MINUTES,
        Step.MINUTES: Step.FINDINGS,
        Step.FINDINGS: Step.PHOTO,
        Step.PARTIES: Step.KIND,
        Step.KIND: Step.OUTCOME,
        Step.FOLLOWUP: Step.SUMMARY,
        Step.SUMMARY: Step.PHOTO,
        Step.DONE: Step.TIME,
        Step.TIME: Step.SERVED,
        Step.SERVED: Step.PHOTO,
    }[step]


async def _advance(deps: Deps, call: Call, done: Waiting) -> Turn:
    """The step after the one `done`; a photo sent with the command already answers the photo step."""
    draft = done.draft
    following = _after(done.step, draft)
    if following is Step.PHOTO and draft.photo:
        return await _finish(deps, call, draft, None)
    return _ask(deps, call, following, draft)


async def answer(deps: Deps, call: Call, waiting: Waiting, text: str) -> Turn:
    """Text typed at a step: invalid input is named with an example and the step asks again."""
    step, draft, now, tz = waiting.step, waiting.draft, call.now, deps.tz
    name, read = _READERS[step]
    try:
        value = read(text, today(now, tz))
    except FieldError as err:
        return Turn(Result.of(field_error(err, now, tz, call.lang)), step, draft)
    draft = draft.replace(**{name: value})
    return await _advance(deps, call, Waiting(step, draft))


async def choose(deps: Deps, call: Call, waiting: Waiting, value: str) -> Turn:
    """A kind or outcome button pressed (`value` is one of the allowed values: the payload checked it)."""
    step, draft, lang = waiting.step, waiting.draft, call.lang
    if step is Step.KIND:
        draft = draft.replace(kind=value)
        picked = chosen(lang, _QUESTIONS[step], t(lang, f"duty.kind.{value}"))
    else:
        draft = draft.replace(outcome=value)
        picked = chosen(lang, _QUESTIONS[step], t(lang, f"duty.outcome.{value}"))
    return replace(await _advance(deps, call, Waiting(step, draft)), chosen=picked)


async def photo(deps: Deps, call: Call, draft: Draft, file_id: str | None) -> Turn:
    """A photo sent at the photo step: the log is saved with it."""
    return await _finish(deps, call, draft, file_id)


async def skip(deps: Deps, call: Call, draft: Draft) -> Turn:
    """Skip pressed at the photo step: the log is saved without a photo."""
    picked = chosen(call.lang, _QUESTIONS[Step.PHOTO], t(call.lang, "duty.skip"))
    return replace(await _finish(deps, call, draft, None), chosen=picked)
