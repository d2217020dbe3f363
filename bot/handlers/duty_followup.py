"""The buttons of a mediation's follow-up reminder (调解回访) and the next date typed after Still ongoing
(entry and step of the duty conversation in `bot.handlers.duty`); also how a turn of that conversation is
shown. Telegram in and out only: the use cases are `bot.services.duty.followup` and `duty_flow`."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ConversationHandler

from bot.handlers import conversation
from bot.handlers.common import call, deps, render
from bot.runtime.context import ZhibuContext
from bot.services.duty import followup
from bot.services.duty.buttons import DutyFollowup
from bot.services.duty.flow import ONGOING, Draft, Turn

END = ConversationHandler.END


def still_ongoing(data: object) -> bool:
    """Still ongoing pressed: it starts the step asking the next date (a conversation entry point)."""
    payload = DutyFollowup.unpack(data)
    return payload is not None and payload.outcome == ONGOING


def settled(data: object) -> bool:
    """Resolved or Referred pressed: recorded at once, whatever conversation is in progress."""
    payload = DutyFollowup.unpack(data)
    return payload is not None and payload.outcome != ONGOING


async def play(update: Update, context: ZhibuContext, turn: Turn) -> int:
    """Show a turn (a pressed choice stays on its question, or the buttons go), and keep its draft for the
    step it waits in (END: over, the draft goes)."""
    state = END if turn.step is None else int(turn.step)
    return await conversation.step(
        update, context, Draft, turn.draft, turn.result, state, chosen=turn.chosen, strip=turn.strip
    )


async def on_followup(update: Update, context: ZhibuContext) -> int | None:
    """A follow-up button pressed. When nothing follows (recorded, or refused) any duty step in progress is
    left as it was."""
    query = update.callback_query
    payload = DutyFollowup.unpack(query.data if query else None)
    if payload is None:  # the patterns let only valid payloads through
        return None
    turn = await followup.pressed(deps(context), call(context), payload)
    if turn.step is None:
        if turn.strip:
            await conversation.pressed(update)
        await render(update, context, turn.result)
        return None
    return await play(update, context, turn)


async def on_new_date(update: Update, context: ZhibuContext) -> int | None:
    draft = conversation.current(context, Draft)
    message = update.effective_message
    if draft is None:
        return await conversation.lost(update, context, "/mediate")
    turn = await followup.next_date(deps(context), call(context), draft, (message.text or "") if message else "")
    return await play(update, context, turn)
