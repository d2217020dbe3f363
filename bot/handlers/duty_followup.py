"""The buttons of a mediation's follow-up reminder (调解回访) and the next date typed after Still ongoing
(entry and step of the duty conversation in `bot.handlers.duty`); also how a turn of that conversation is
shown. Telegram in and out only: the use cases are `bot.services.duty.followup` and `duty_flow`."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.handlers.common import actor, render
from bot.runtime.context import ZhibuContext
from bot.services.duty import followup
from bot.services.duty.buttons import DutyFollowup
from bot.services.duty.flow import ONGOING, Draft, Turn

DRAFT = "duty_draft"
END = ConversationHandler.END


def still_ongoing(data: object) -> bool:
    """Still ongoing pressed: it starts the step asking the next date (a conversation entry point)."""
    payload = DutyFollowup.unpack(data)
    return payload is not None and payload.outcome == ONGOING


def settled(data: object) -> bool:
    """Resolved or Referred pressed: recorded at once, whatever conversation is in progress."""
    payload = DutyFollowup.unpack(data)
    return payload is not None and payload.outcome != ONGOING


async def _edit(update: Update, html: str | None) -> None:
    """Leave a pressed choice on its question (`html`), or take the buttons off (None); either way the
    buttons go."""
    query = update.callback_query
    if query is None:
        return
    try:
        if html is None:
            await query.edit_message_reply_markup(None)
        else:
            await query.edit_message_text(html, parse_mode=ParseMode.HTML)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def play(update: Update, context: ZhibuContext, turn: Turn) -> int:
    """Show a turn, and keep its draft for the step it waits in (END: over, the draft goes)."""
    if turn.chosen is not None or turn.strip:
        await _edit(update, turn.chosen)
    await render(update, context, turn.result)
    assert context.user_data is not None
    if turn.step is None or turn.draft is None:
        context.user_data.pop(DRAFT, None)
        return END
    context.user_data[DRAFT] = turn.draft
    return turn.step


async def on_followup(update: Update, context: ZhibuContext) -> int | None:
    """A follow-up button pressed. When nothing follows (recorded, or refused) any duty step in progress is
    left as it was."""
    query = update.callback_query
    payload = DutyFollowup.unpack(query.data if query else None)
    if payload is None:  # the patterns let only valid payloads through
        return None
    turn = await followup.pressed(
        actor(context),
        payload.log_id,
        payload.outcome,
        context.services.now(),
        context.store,
        context.settings,
        context.lang,
    )
    if turn.step is None:
        if turn.strip:
            await _edit(update, None)
        await render(update, context, turn.result)
        return None
    return await play(update, context, turn)


async def on_new_date(update: Update, context: ZhibuContext) -> int | None:
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT)
    message = update.effective_message
    if not isinstance(draft, Draft):
        return END
    turn = await followup.next_date(
        actor(context),
        draft,
        (message.text or "") if message else "",
        context.services.now(),
        context.store,
        context.settings,
        context.lang,
    )
    return await play(update, context, turn)
