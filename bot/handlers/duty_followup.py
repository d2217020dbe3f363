"""The buttons of a mediation's follow-up reminder (调解回访): Resolved / Referred record the new outcome
at once; Still ongoing asks the next date (entry and step of the duty conversation in `bot.handlers.duty`)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ConversationHandler

from bot.context import ZhibuContext
from bot.handlers.common import actor, reply
from bot.handlers.duty_report import field_error
from bot.i18n import t
from bot.services.duty import Followup, record_followup
from bot.services.duty_rules import FieldError, log_points, parse_followup
from bot.store.duty import DutyLog

FOLLOWUP = re.compile(r"^duty:out:(\d+):(resolved|referred|ongoing)$")
FOLLOWUP_DRAFT = "duty_followup"
NEW_DATE = 10  # the conversation state waiting for the next follow-up date
END = ConversationHandler.END


def today(context: ZhibuContext) -> date:
    return context.services.now().astimezone(context.settings.tz).date()


def in_a_week(context: ZhibuContext) -> str:
    return (today(context) + timedelta(days=7)).isoformat()


async def own_ongoing(update: Update, context: ZhibuContext) -> tuple[DutyLog, str] | None:
    """The mediation of a pressed follow-up button and the outcome pressed, when the mediation is the
    presser's and still ongoing (the buttons are then taken off the reminder); else an alert."""
    query = update.callback_query
    match = FOLLOWUP.match(query.data or "") if query else None
    if query is None or match is None:
        return None
    entry = await context.store.duty.get(int(match.group(1)))
    member = actor(context).member
    if entry is None or member is None or entry.member_id != member.id:
        await query.answer(t(context.lang, "duty.followup.not_yours"), show_alert=True)
        return None
    if entry.outcome != "ongoing":
        await query.answer(t(context.lang, "duty.followup.already", id=entry.id,
                             outcome=t(context.lang, f"duty.outcome.{entry.outcome}")), show_alert=True)
        return None
    await query.answer()
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise
    return entry, match.group(2)


async def record(update: Update, context: ZhibuContext, entry: DutyLog, outcome: str, day: date | None) -> None:
    """Record the new outcome (and the next date when still ongoing) and say what was recorded."""
    lang = context.lang
    member = actor(context).member
    result, current = await record_followup(context.store, entry.id, member.id if member else 0, outcome, day,
                                            context.services.now())
    if result is Followup.NOT_YOURS:
        await reply(update, context, "duty.followup.not_yours")
    elif result is Followup.ALREADY or current is None:
        await reply(update, context, "duty.followup.already", id=entry.id,
                    outcome=t(lang, f"duty.outcome.{(current or entry).outcome}"))
    elif day is not None:
        await reply(update, context, "duty.followup.rescheduled", id=current.id, parties=current.parties,
                    date=day.isoformat())
    else:
        await reply(update, context, "duty.followup.recorded", id=current.id, parties=current.parties,
                    outcome=t(lang, f"duty.outcome.{current.outcome}"), points=log_points(current))


async def on_followup_outcome(update: Update, context: ZhibuContext) -> None:
    """Resolved / Referred pressed on a follow-up reminder."""
    found = await own_ongoing(update, context)
    if found is not None:
        await record(update, context, found[0], found[1], None)


async def on_stale_button(update: Update, context: ZhibuContext) -> None:
    """A duty button whose step is over (the conversation ended, or the bot restarted)."""
    if update.callback_query is not None:
        await update.callback_query.answer(t(context.lang, "duty.expired"), show_alert=True)


async def on_followup_ongoing(update: Update, context: ZhibuContext) -> int | None:
    """Still ongoing pressed: ask the next follow-up date."""
    found = await own_ongoing(update, context)
    if found is None:
        return None
    assert context.user_data is not None
    context.user_data[FOLLOWUP_DRAFT] = found[0].id
    await reply(update, context, "duty.followup.ask_date", id=found[0].id, example=in_a_week(context))
    return NEW_DATE


async def on_new_date(update: Update, context: ZhibuContext) -> int | None:
    message = update.effective_message
    try:
        day = parse_followup((message.text or "") if message else "", today(context), after_today=True)
    except FieldError as err:
        await field_error(update, context, err)
        return None
    assert context.user_data is not None
    entry = await context.store.duty.get(int(context.user_data.pop(FOLLOWUP_DRAFT, 0)))
    if entry is not None:
        await record(update, context, entry, "ongoing", day)
    return END
