"""`/patrol` and `/mediate` (设岗定责): logging a patrol or a mediation step by step or in one line, with an
optional photo as evidence.

One `ConversationHandler` holds both logs and the "still ongoing → new date" step of a follow-up, so
starting one replaces whatever duty step was pending. The draft lives in `user_data` until it is saved.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from datetime import date
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, command, reply, split_fields
from bot.handlers.duty_followup import (
    FOLLOWUP_DRAFT,
    NEW_DATE,
    in_a_week,
    on_followup_ongoing,
    on_followup_outcome,
    on_new_date,
    on_stale_button,
    today,
)
from bot.handlers.duty_report import field_error
from bot.i18n import Html, t
from bot.services.duty import save_mediation, save_patrol
from bot.services.duty_rules import (
    KINDS,
    LONG_LIMIT,
    MEDIATION,
    OUTCOMES,
    PATROL,
    SHORT_LIMIT,
    FieldError,
    MediationDraft,
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

END = ConversationHandler.END
DRAFT = "duty_draft"
CONVERSATION_TIMEOUT = 30 * 60  # seconds: a half-finished log is dropped after this
Parse = Callable[[str, date], object]  # (text, today in TIMEZONE) → the field's value
Next = Callable[[Update, ZhibuContext], Coroutine[Any, Any, int | None]]


class State(IntEnum):
    AREA = 1
    MINUTES = 2
    FINDINGS = 3
    PARTIES = 4
    KIND = 5
    OUTCOME = 6
    FOLLOWUP = 7
    SUMMARY = 8
    PHOTO = 9
    NEW_DATE = NEW_DATE


def _draft(context: ZhibuContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _args(update: Update) -> str:
    """What follows the command, in a text or a photo's caption (line breaks kept)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""


def _photo(update: Update) -> str | None:
    """The file id of the largest size of a photo sent with the message."""
    message = update.effective_message
    if message is None or not message.photo:
        return None
    return max(message.photo, key=lambda p: (p.width * p.height, p.file_size or 0)).file_id


def _member_id(context: ZhibuContext) -> int:
    member = actor(context).member
    assert member is not None  # the duty capabilities need a roster member
    return member.id


def _choices(prefix: str, code: str, values: tuple[str, ...], lang: str, per_row: int = 3) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(t(lang, f"duty.{prefix}.{v}"), callback_data=f"duty:{code}:{v}") for v in values]
    return InlineKeyboardMarkup([buttons[i:i + per_row] for i in range(0, len(buttons), per_row)])


def _skip(lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "duty.skip"), callback_data="duty:skip")]])


async def _mark_chosen(update: Update, context: ZhibuContext, question: str, choice: str) -> None:
    """Answer a pressed choice and leave it visible on the question, without buttons."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    try:
        await query.edit_message_text(t(context.lang, "duty.chosen", question=Html(t(context.lang, question)),
                                        choice=choice), parse_mode=ParseMode.HTML)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


# Saving -----------------------------------------------------------------------------------------------

async def _saved_patrol(update: Update, context: ZhibuContext, draft: PatrolDraft) -> int:
    entry = await save_patrol(context.store, _member_id(context), draft, context.services.now(), context.settings.tz)
    await reply(update, context, "duty.patrol.saved", id=entry.id, area=entry.area, minutes=entry.minutes,
                points=log_points(entry), photo=t(context.lang, "duty.photo_kept") if entry.photo_file_id else "")
    return END


async def _saved_mediation(update: Update, context: ZhibuContext, draft: MediationDraft) -> int:
    entry = await save_mediation(context.store, _member_id(context), draft, context.services.now(),
                                 context.settings.tz)
    lang = context.lang
    followup = t(lang, "duty.mediate.followup_note", date=entry.followup_on.isoformat()) if entry.followup_on else ""
    await reply(update, context, "duty.mediate.saved", id=entry.id, parties=entry.parties,
                kind=t(lang, f"duty.kind.{entry.kind}"), outcome=t(lang, f"duty.outcome.{entry.outcome}"),
                points=log_points(entry), photo=t(lang, "duty.photo_kept") if entry.photo_file_id else "",
                followup=Html(followup))
    return END


async def _finish(update: Update, context: ZhibuContext, photo: str | None) -> int:
    assert context.user_data is not None
    d = context.user_data.pop(DRAFT, {})
    photo = photo or d.get("photo")
    if d.get("post") == PATROL:
        return await _saved_patrol(update, context, PatrolDraft(d["area"], d["minutes"], d["findings"], photo))
    return await _saved_mediation(update, context, MediationDraft(
        d["parties"], d["kind"], d["outcome"], d["summary"], d.get("followup_on"), photo))


async def _photo_step(update: Update, context: ZhibuContext) -> int:
    if _draft(context).get("photo"):
        return await _finish(update, context, None)
    await reply(update, context, "duty.ask_photo", markup=_skip(context.lang))
    return State.PHOTO


# Entry points -----------------------------------------------------------------------------------------

@command("patrol")
async def cmd_patrol(update: Update, context: ZhibuContext) -> int:
    photo, text = _photo(update), _args(update)
    if text:
        try:
            draft = parse_patrol_line(split_fields(text), photo)
        except FieldError as err:
            await field_error(update, context, err)
            return END
        return await _saved_patrol(update, context, draft)
    assert context.user_data is not None
    context.user_data[DRAFT] = {"post": PATROL, "photo": photo}
    await reply(update, context, "duty.patrol.ask_area")
    return State.AREA


@command("mediate")
async def cmd_mediate(update: Update, context: ZhibuContext) -> int:
    photo, text = _photo(update), _args(update)
    if text:
        try:
            draft = parse_mediation_line(split_fields(text), today(context), photo)
        except FieldError as err:
            await field_error(update, context, err)
            return END
        return await _saved_mediation(update, context, draft)
    assert context.user_data is not None
    context.user_data[DRAFT] = {"post": MEDIATION, "photo": photo}
    await reply(update, context, "duty.mediate.ask_parties")
    return State.PARTIES


# Steps ------------------------------------------------------------------------------------------------

def _text_step(name: str, parse: Parse, then: Next) -> Next:
    """A step that reads one text field into the draft; invalid input keeps the conversation here."""
    async def step(update: Update, context: ZhibuContext) -> int | None:
        message = update.effective_message
        try:
            _draft(context)[name] = parse((message.text or "") if message else "", today(context))
        except FieldError as err:
            await field_error(update, context, err)
            return None
        return await then(update, context)

    return step


def _ask(key: str, state: State, markup: Callable[[str], InlineKeyboardMarkup] | None = None) -> Next:
    async def ask(update: Update, context: ZhibuContext) -> int | None:
        await reply(update, context, key, markup=markup(context.lang) if markup else None)
        return state

    return ask


_ask_kind = _ask("duty.mediate.ask_kind", State.KIND, lambda lang: _choices("kind", "kind", KINDS, lang))
_ask_outcome = _ask("duty.mediate.ask_outcome", State.OUTCOME, lambda lang: _choices("outcome", "res", OUTCOMES, lang))
_ask_summary = _ask("duty.mediate.ask_summary", State.SUMMARY)


async def _after_outcome(update: Update, context: ZhibuContext) -> int | None:
    if _draft(context).get("outcome") == "ongoing":
        await reply(update, context, "duty.mediate.ask_followup", example=in_a_week(context))
        return State.FOLLOWUP
    return await _ask_summary(update, context)


async def on_kind_button(update: Update, context: ZhibuContext) -> int | None:
    kind = (update.callback_query.data or "").rsplit(":", 1)[-1] if update.callback_query else "other"
    _draft(context)["kind"] = kind
    await _mark_chosen(update, context, "duty.mediate.ask_kind", t(context.lang, f"duty.kind.{kind}"))
    return await _ask_outcome(update, context)


async def on_outcome_button(update: Update, context: ZhibuContext) -> int | None:
    outcome = (update.callback_query.data or "").rsplit(":", 1)[-1] if update.callback_query else "ongoing"
    _draft(context)["outcome"] = outcome
    await _mark_chosen(update, context, "duty.mediate.ask_outcome", t(context.lang, f"duty.outcome.{outcome}"))
    return await _after_outcome(update, context)


async def on_photo(update: Update, context: ZhibuContext) -> int:
    return await _finish(update, context, _photo(update))


async def on_skip(update: Update, context: ZhibuContext) -> int:
    await _mark_chosen(update, context, "duty.ask_photo", t(context.lang, "duty.skip"))
    return await _finish(update, context, None)


async def on_not_photo(update: Update, context: ZhibuContext) -> None:
    await reply(update, context, "duty.photo_expected", markup=_skip(context.lang))


async def cmd_cancel(update: Update, context: ZhibuContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    context.user_data.pop(FOLLOWUP_DRAFT, None)
    await reply(update, context, "common.cancelled")
    return END


def _caption(name: str) -> filters.BaseFilter:
    return filters.PHOTO & filters.CaptionRegex(rf"^/{name}(@\w+)?(\s|$)")


def _text(field: str, limit: int) -> Parse:
    return lambda value, _today: parse_text(value, field, limit)


def conversation() -> ConversationHandler[Any]:
    text = filters.TEXT & ~filters.COMMAND

    def step(name: str, parse: Parse, then: Next) -> list[BaseHandler[Update, Any, Any]]:
        return [MessageHandler(text, _text_step(name, parse, then))]

    with warnings.catch_warnings():  # buttons are tracked per chat and user, which is what we want
        warnings.simplefilter("ignore", PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("patrol", cmd_patrol), MessageHandler(_caption("patrol"), cmd_patrol),
                CommandHandler("mediate", cmd_mediate), MessageHandler(_caption("mediate"), cmd_mediate),
                CallbackQueryHandler(on_followup_ongoing, pattern=r"^duty:out:[0-9]{1,18}:ongoing$"),
            ],
            states={
                State.AREA: step("area", _text("area", SHORT_LIMIT), _ask("duty.patrol.ask_minutes", State.MINUTES)),
                State.MINUTES: step("minutes", lambda v, _: parse_minutes(v),
                                    _ask("duty.patrol.ask_findings", State.FINDINGS)),
                State.FINDINGS: step("findings", _text("findings", LONG_LIMIT), _photo_step),
                State.PARTIES: step("parties", _text("parties", SHORT_LIMIT), _ask_kind),
                State.KIND: [CallbackQueryHandler(on_kind_button, pattern=r"^duty:kind:\w+$"),
                             *step("kind", lambda v, _: parse_kind(v), _ask_outcome)],
                State.OUTCOME: [CallbackQueryHandler(on_outcome_button, pattern=r"^duty:res:\w+$"),
                                *step("outcome", lambda v, _: parse_outcome(v), _after_outcome)],
                State.FOLLOWUP: step("followup_on", parse_followup, _ask_summary),
                State.SUMMARY: step("summary", _text("summary", LONG_LIMIT), _photo_step),
                State.PHOTO: [MessageHandler(filters.PHOTO, on_photo),
                              CallbackQueryHandler(on_skip, pattern=r"^duty:skip$"),
                              MessageHandler(~filters.COMMAND, on_not_photo)],
                State.NEW_DATE: [MessageHandler(text, on_new_date)],
            },
            fallbacks=[CommandHandler("cancel", cmd_cancel)],
            allow_reentry=True,
            conversation_timeout=CONVERSATION_TIMEOUT,
            name="duty",
        )


def register(app: ZhibuApp) -> None:
    app.add_handler(conversation())
    app.add_handler(CallbackQueryHandler(on_followup_outcome, pattern=r"^duty:out:[0-9]{1,18}:(resolved|referred)$"))
    app.add_handler(CallbackQueryHandler(on_stale_button, pattern=r"^duty:(kind:|res:|out:|skip$)"))
