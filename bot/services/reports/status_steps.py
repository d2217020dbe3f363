"""`/status` step by step: the state (a button or a word), the place when away, an optional note.

Each step takes what the person gave and the draft so far, and returns a `StatusStep`: the answers, the
draft, and which step comes next (`None` once the status is saved). The front end keeps the draft
between steps and maps the step names onto its own conversation states.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.domain import drafts
from bot.domain.call import Call
from bot.domain.models import MemberState
from bot.domain.results import Buttons, Reply, Result, say
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.reports.buttons import StatusSkip, StatusState
from bot.services.reports.common import AWAY, STATES, InputError, StatusInput, check_text, parse_state
from bot.services.reports.status import save_status

Step = Literal["state", "location", "note"]


class StatusDraft(drafts.Draft):
    """What the person has chosen so far."""

    flow: Literal["reports.status"] = "reports.status"
    state: MemberState | None = None
    location: str | None = None


@dataclass(frozen=True)
class StatusStep:
    result: Result
    draft: StatusDraft
    next: Step | None  # None: the conversation is over (saved, or nothing to save)


def _state_buttons(lang: str) -> Buttons:
    buttons = [{"text": t(lang, f"status.state.{s}"), "data": StatusState(s).pack()} for s in STATES]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def question(step: Step, lang: str) -> Reply:
    """The question a step asks (with its buttons)."""
    if step == "state":
        return say("status.ask_state", buttons=_state_buttons(lang))
    if step == "location":
        return say("status.ask_location")
    return say("status.ask_note", buttons=[[{"text": t(lang, "status.skip"), "data": StatusSkip().pack()}]])


def _ask(step: Step, draft: StatusDraft, lang: str, *before: Reply) -> StatusStep:
    return StatusStep(Result.of(*before, question(step, lang)), draft, step)


def start(lang: str) -> StatusStep:
    """`/status` without arguments: ask for the state."""
    return _ask("state", StatusDraft(), lang)


def not_text(step: Step, draft: StatusDraft, lang: str) -> StatusStep:
    """A photo, voice message, sticker or file where the step waits for typed text: say so, ask again."""
    return _ask(step, draft, lang, say("common.text_expected"))


def choose_state(state: str, lang: str) -> StatusStep:
    """A state button (already one of STATES): the place next when away, else the note."""
    draft = StatusDraft(state=MemberState(state))
    return _ask("location" if state in AWAY else "note", draft, lang)


def type_state(word: str, lang: str) -> StatusStep:
    """The state typed as a word (在家, 外出务工, ill…)."""
    try:
        state = parse_state(word)
    except InputError as exc:
        return StatusStep(Result.of(exc.reply()), StatusDraft(), "state")
    return choose_state(state, lang)


def give_location(draft: StatusDraft, text: str, lang: str) -> StatusStep:
    try:
        location = check_text(text, "location")
    except InputError as exc:
        # the step's own question already shows the form: the short reminder, not the one-line example
        if exc.key == "status.err.location_empty":
            exc = InputError("status.err.location_empty_short")
        return StatusStep(Result.of(exc.reply()), draft, "location")
    return _ask("note", draft.replace(location=location), lang)


async def give_note(deps: Deps, call: Call, draft: StatusDraft, text: str | None) -> StatusStep:
    """The note (None: skipped) ends the conversation: the status is saved."""
    note = None
    if text is not None:
        try:
            note = check_text(text, "note", required=False)
        except InputError as exc:
            return StatusStep(Result.of(exc.reply()), draft, "note")
    if draft.state is None:  # the draft was lost (a restart): nothing to save
        return StatusStep(Result.of(), draft, None)
    result = await save_status(deps, call, StatusInput(draft.state, draft.location, note))
    return StatusStep(result, StatusDraft(), None)
