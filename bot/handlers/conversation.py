"""The one protocol of every step-by-step conversation (/notice, /report, /status, /patrol, /mediate, /log,
/minutes, /visit, /carevisit, a leave reason, a request's text, a review's reason …), written once.

Each flow keeps a typed draft (`bot.domain.drafts.Draft`) in `user_data` under the draft's stable name;
`bot.runtime.persistence` keeps it across a restart. A handler reads it with `current`, and shows a use
case's outcome with `step`: the draft is kept for the state that waits next (or forgotten when the
conversation is over), the pressed message keeps the choice or loses its buttons, the answers are shown,
and the ConversationHandler is told the next state. A step that needs a draft and finds none (dropped at a
restart: stored by an incompatible version) answers with `lost`: the person starts the command over.
"""

from __future__ import annotations

from typing import TypeVar

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.domain.drafts import Draft
from bot.domain.results import Reply, Result, alert, say
from bot.handlers.common import render
from bot.runtime.context import ZhibuContext

D = TypeVar("D", bound=Draft)
S = TypeVar("S")

#: The conversation is over (PTB's END); a step returning None stays where it is.
END = ConversationHandler.END


def current(context: ZhibuContext, kind: type[D]) -> D | None:
    """The person's draft of this flow, if one is kept."""
    assert context.user_data is not None
    draft = context.user_data.get(kind.flow_name())
    return draft if isinstance(draft, kind) else None


def keep(context: ZhibuContext, kind: type[D], draft: D | None) -> None:
    """Keep the draft of this flow between messages, or forget it (None: the conversation is over)."""
    assert context.user_data is not None
    if draft is None:
        context.user_data.pop(kind.flow_name(), None)
    else:
        context.user_data[kind.flow_name()] = draft


def forget(context: ZhibuContext, *kinds: type[Draft]) -> None:
    """Forget the drafts of these flows (/cancel, another command taking over)."""
    for kind in kinds:
        keep(context, kind, None)


#: Drafts that wait for a message outside any ConversationHandler (a voice or file asked for by `/rectify 材料`):
#: a command in the private chat ends the wait, as it ends a conversation, so what is sent for the next command
#: is not taken for the wait too.
WAITS: list[type[Draft]] = []


def waits_for(kind: type[Draft]) -> None:
    """Register a draft that waits outside any conversation (see `WAITS`)."""
    if kind not in WAITS:
        WAITS.append(kind)


def forget_waits(context: ZhibuContext) -> None:
    """End every wait of `WAITS` (a command in the private chat)."""
    if context.user_data is not None:
        forget(context, *WAITS)


async def step(
    update: Update,
    context: ZhibuContext,
    kind: type[D],
    draft: D | None,
    result: Result | Reply,
    state: S,
    *,
    chosen: str | None = None,
    strip: bool = False,
) -> S | int:
    """Show one step's outcome and say what waits next: `state` (None: the same state again; `END`: the
    conversation is over, and so is it when there is no draft). The draft is kept first — should Telegram
    fail below, a second press finds the draft as the step left it. A pressed choice stays on its question
    as `chosen` (HTML) in place of the buttons; `strip` only takes the buttons off."""
    over = state == END or draft is None
    keep(context, kind, None if over else draft)
    if chosen is not None or strip:
        await pressed(update, chosen)
    await render(update, context, result)
    return END if over else state


async def pressed(update: Update, chosen: str | None = None) -> None:
    """The pressed message keeps the choice on its question (`chosen`, HTML) or, without one, only loses its
    buttons; either way they can no longer be pressed."""
    query = update.callback_query
    if query is None:
        return
    try:
        if chosen is None:
            await query.edit_message_reply_markup(None)
        else:
            await query.edit_message_text(chosen, parse_mode=ParseMode.HTML)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def lost(update: Update, context: ZhibuContext, command: str) -> int:
    """A step that finds no draft (it could not be kept across a restart): say so, and the person starts
    `command` over; nothing is recorded."""
    key = "common.draft_lost"
    await render(update, context, alert(key, command=command) if update.callback_query else say(key, command=command))
    return END


async def cancelled(update: Update, context: ZhibuContext, *kinds: type[Draft]) -> int:
    """/cancel in a conversation: its drafts are forgotten and the person is told."""
    forget(context, *kinds)
    await render(update, context, say("common.cancelled"))
    return END
