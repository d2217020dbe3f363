"""`/status` (a conversation, or the one-line form) and `/members` for secretaries."""

from __future__ import annotations

from enum import IntEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, args_text, command, expired_button, reply, reply_html, split_fields
from bot.i18n import Html, t
from bot.services.reports import AWAY, STATES, InputError, StatusInput, check_text, parse_state, parse_status_line
from bot.services.rights import managed_units
from bot.services.status import describe, record_status


class S(IntEnum):
    STATE = 1
    LOCATION = 2
    NOTE = 3


def _state_buttons(lang: str) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(t(lang, f"status.state.{s}"), callback_data=f"st:{s}") for s in STATES]
    return InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)])


async def _error(update: Update, context: ZhibuContext, exc: InputError) -> None:
    await reply_html(update, context, t(context.lang, exc.key, **exc.params))


@command("status")
async def cmd_status(update: Update, context: ZhibuContext) -> S | int:
    text = args_text(context)
    if text:
        try:
            status = parse_status_line(split_fields(text))
        except InputError as exc:
            await _error(update, context, exc)
            return ConversationHandler.END
        await _save(update, context, status)
        return ConversationHandler.END
    assert context.user_data is not None
    context.user_data["status"] = {}
    await reply(update, context, "status.ask_state", markup=_state_buttons(context.lang))
    return S.STATE


async def _chosen(update: Update, context: ZhibuContext, state: str) -> S | int:
    assert context.user_data is not None
    context.user_data["status"] = {"state": state}
    if state in AWAY:
        await reply(update, context, "status.ask_location")
        return S.LOCATION
    await _ask_note(update, context)
    return S.NOTE


async def on_state_button(update: Update, context: ZhibuContext) -> S | int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    return await _chosen(update, context, query.data.split(":", 1)[1])


async def on_state_text(update: Update, context: ZhibuContext) -> S | int:
    assert update.effective_message is not None
    try:
        state = parse_state(update.effective_message.text or "")
    except InputError as exc:
        await _error(update, context, exc)
        return S.STATE
    return await _chosen(update, context, state)


async def on_location(update: Update, context: ZhibuContext) -> S | int:
    assert update.effective_message is not None and context.user_data is not None
    try:
        location = check_text(update.effective_message.text or "", "location")
    except InputError as exc:
        if exc.key == "status.err.location_empty":
            exc = InputError("status.err.location_empty_short")
        await _error(update, context, exc)
        return S.LOCATION
    context.user_data.setdefault("status", {})["location"] = location
    await _ask_note(update, context)
    return S.NOTE


async def _ask_note(update: Update, context: ZhibuContext) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(t(context.lang, "status.skip"), callback_data="st:skip")]])
    await reply(update, context, "status.ask_note", markup=markup)


async def on_note(update: Update, context: ZhibuContext) -> S | int:
    assert context.user_data is not None
    note = None
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif update.effective_message is not None:
        try:
            note = check_text(update.effective_message.text or "", "note", required=False)
        except InputError as exc:
            await _error(update, context, exc)
            return S.NOTE
    draft = context.user_data.pop("status", {})
    if "state" not in draft:
        return ConversationHandler.END
    await _save(update, context, StatusInput(draft["state"], draft.get("location"), note))
    return ConversationHandler.END


async def _save(update: Update, context: ZhibuContext, status: StatusInput) -> None:
    person = actor(context)
    assert person.member is not None
    tree = await context.services.tree()
    alerted = await record_status(context.store, context.settings, tree, person.member, status,
                                  context.services.now())
    if alerted:
        context.services.poke_sender()
    state, where = describe(status.state, status.location, context.lang)
    await reply(update, context, "status.saved_alerted" if alerted else "status.saved", state=state, where=where)


async def cancel(update: Update, context: ZhibuContext) -> int:
    if context.user_data is not None:
        context.user_data.pop("status", None)
    await reply(update, context, "common.cancelled")
    return ConversationHandler.END


@command("members")
async def cmd_members(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    tree = await context.services.tree()
    units = managed_units(person, tree)
    wanted = args_text(context)
    if wanted:
        found = tree.find(wanted, within=units)
        if not found:
            names = "、".join(tree.name(u) for u in sorted(units) if tree.units[u].kind != "group")
            await reply(update, context, "members.unknown_unit", value=wanted, units=names)
            return
        units = set().union(*(tree.subtree(u.id) for u in found))
    members = [m for m in await context.store.members.in_units(units) if m.unit_id in units or m.group_id in units]
    if not members:
        await reply(update, context, "members.empty")
        return
    latest = await context.store.reports.latest_status([m.id for m in members])
    lang, tz = context.lang, context.settings.tz
    lines: list[str] = []
    for unit_id in sorted({m.unit_id for m in members}):
        here = [m for m in members if m.unit_id == unit_id]
        lines += ["", t(lang, "members.header", unit=tree.name(unit_id), count=len(here))]
        for m in sorted(here, key=lambda m: (m.group_id or 0, m.id)):
            status = latest.get(m.id)
            if status is None:
                text = t(lang, "status.none")
            else:
                state, where = describe(status.state, status.location, lang)
                text = t(lang, "status.latest", state=state, where=where,
                         date=status.at.astimezone(tz).strftime("%m-%d"))
            group = tree.name(m.group_id)
            label = m.name if not group else (f"{m.name}（{group}）" if lang == "zh" else f"{m.name} ({group})")
            lines.append(t(lang, "members.line", name=label, status=Html(text),
                           unlinked="" if m.linked else Html(t(lang, "members.unlinked"))))
    await reply_html(update, context, "\n".join(lines).strip())


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("status", cmd_status)],
        states={
            S.STATE: [CallbackQueryHandler(on_state_button, pattern=r"^st:(?!skip)"),
                      MessageHandler(text, on_state_text)],
            S.LOCATION: [MessageHandler(text, on_location)],
            S.NOTE: [CallbackQueryHandler(on_note, pattern=r"^st:skip$"), MessageHandler(text, on_note)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name="status",
    ))
    app.add_handler(CommandHandler("members", cmd_members))
    app.add_handler(CallbackQueryHandler(expired_button("status.expired"), pattern=r"^st:"))
