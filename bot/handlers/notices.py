"""`/notice`: a secretary composes a meeting notice (type, unit, time, place, topic — or the one-line
form), sees a preview with who will get it, and presses Send: the notice and one outbox row per
recipient are written in one transaction and the sender delivers them.

Replies, check-in and reminders: `notices_replies`; attendance, cancel, minutes, group binding:
`notices_admin`; the broadcast summary hook: `notices_hooks`.
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers import notices_admin, notices_replies
from bot.handlers.common import actor, args_text, command, join_names, reply, reply_html, split_fields
from bot.i18n import t
from bot.services import notices as rules
from bot.services import notices_text as view
from bot.services.notices import NoticeError
from bot.services.rights import Actor, OrgTree, managed_units
from bot.store.notices import Draft, Expected, notice_ref
from bot.store.outbox import Outgoing

DRAFT = "notice_draft"
END = ConversationHandler.END


class S(IntEnum):
    KIND = 1
    UNIT = 2
    WHEN = 3
    PLACE = 4
    TOPIC = 5
    CONFIRM = 6


async def refuse(update: Update, context: ZhibuContext, error: NoticeError) -> None:
    """The message of a refused input: lists joined, the field named in the person's language."""
    lang = context.lang
    params: dict[str, Any] = {k: join_names(v, lang) if isinstance(v, list) else v for k, v in error.params.items()}
    if "field" in params:
        params["field"] = t(lang, f"notice.field.{params['field']}")
    await reply(update, context, error.key, **params)


def _draft(context: ZhibuContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft = context.user_data.setdefault(DRAFT, {})
    assert isinstance(draft, dict)
    return draft


def own_unit(person: Actor, tree: OrgTree) -> int | None:
    if person.member is not None:
        return person.member.unit_id
    return next((u.id for u in tree.units.values() if u.parent_id is None), None)


@command("notice")
async def cmd_notice(update: Update, context: ZhibuContext) -> int:
    assert context.user_data is not None
    person = actor(context)
    tree = await context.services.tree()
    managed = managed_units(person, tree)
    context.user_data[DRAFT] = {}
    text = args_text(context)
    if text:
        try:
            draft = rules.parse_one_line(split_fields(text), managed, own_unit(person, tree), tree,
                                         context.services.now(), context.settings.tz)
        except NoticeError as error:
            await refuse(update, context, error)
            return END
        context.user_data[DRAFT] = draft.model_dump()
        return await show_preview(update, context, draft)
    lang = context.lang
    keys = [InlineKeyboardButton(view.kind_name(lang, k), callback_data=f"ntc:kind:{k}") for k in rules.KINDS]
    await reply(update, context, "notice.ask_kind", markup=InlineKeyboardMarkup([keys[:2], keys[2:4], keys[4:]]))
    return S.KIND


async def _chosen(update: Update, context: ZhibuContext, key: str, **params: object) -> None:
    """A button was pressed: the prompt keeps what was chosen, without its buttons."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(t(context.lang, key, **params), parse_mode="HTML")


async def on_kind_button(update: Update, context: ZhibuContext) -> int:
    assert update.callback_query is not None and update.callback_query.data is not None
    kind = update.callback_query.data.rsplit(":", 1)[1]
    if kind not in rules.KINDS:
        return S.KIND
    await _chosen(update, context, "notice.chosen_kind", kind=view.kind_name(context.lang, kind))
    return await _kind_chosen(update, context, kind)


async def on_kind_text(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None
    value = update.effective_message.text or ""
    kind = rules.parse_kind(value)
    if kind is None:
        await refuse(update, context, NoticeError("notice.err.kind", {"value": value}))
        return None
    return await _kind_chosen(update, context, kind)


async def _kind_chosen(update: Update, context: ZhibuContext, kind: str) -> int:
    _draft(context)["kind"] = kind
    tree = await context.services.tree()
    managed = managed_units(actor(context), tree)
    if len(managed) == 1:
        _draft(context)["unit_id"] = next(iter(managed))
        await reply(update, context, "notice.ask_when", example=rules.example_time(context.services.now(),
                                                                                   context.settings.tz))
        return S.WHEN
    units = sorted((tree.units[u] for u in managed), key=lambda u: [p.id for p in tree.path(u.id)])
    rows = [[InlineKeyboardButton(view.unit_name(tree, u), callback_data=f"ntc:unit:{u.id}")] for u in units]
    await reply(update, context, "notice.ask_unit", markup=InlineKeyboardMarkup(rows))
    return S.UNIT


async def on_unit_button(update: Update, context: ZhibuContext) -> int:
    assert update.callback_query is not None and update.callback_query.data is not None
    unit_id = int(update.callback_query.data.rsplit(":", 1)[1])
    tree = await context.services.tree()
    if unit_id not in managed_units(actor(context), tree):
        await update.callback_query.answer()
        return S.UNIT
    await _chosen(update, context, "notice.chosen_unit", unit=view.unit_name(tree, tree.units.get(unit_id)))
    return await _unit_chosen(update, context, unit_id)


async def on_unit_text(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None
    tree = await context.services.tree()
    try:
        unit_id = rules.resolve_unit(update.effective_message.text or "", managed_units(actor(context), tree), tree)
    except NoticeError as error:
        await refuse(update, context, error)
        return None
    return await _unit_chosen(update, context, unit_id)


async def _unit_chosen(update: Update, context: ZhibuContext, unit_id: int) -> int:
    _draft(context)["unit_id"] = unit_id
    await reply(update, context, "notice.ask_when",
                example=rules.example_time(context.services.now(), context.settings.tz))
    return S.WHEN


async def on_when(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None
    try:
        when = rules.parse_when(update.effective_message.text or "", context.services.now(), context.settings.tz)
    except NoticeError as error:
        await refuse(update, context, error)
        return None
    _draft(context)["starts_at"] = when
    await reply(update, context, "notice.ask_place")
    return S.PLACE


async def on_place(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None
    try:
        _draft(context)["place"] = rules.check_text(update.effective_message.text or "", "place", rules.PLACE_LIMIT)
    except NoticeError as error:
        await refuse(update, context, error)
        return None
    await reply(update, context, "notice.ask_topic")
    return S.TOPIC


async def on_topic(update: Update, context: ZhibuContext) -> int | None:
    assert update.effective_message is not None
    try:
        _draft(context)["topic"] = rules.check_text(update.effective_message.text or "", "topic", rules.TOPIC_LIMIT)
    except NoticeError as error:
        await refuse(update, context, error)
        return None
    return await show_preview(update, context, Draft(**_draft(context)))


async def _expected(context: ZhibuContext, tree: OrgTree, unit_id: int) -> list[Expected]:
    members = await context.store.members.in_units(tree.subtree(unit_id))
    return [Expected(member=m, linked=m.linked) for m in members]


async def show_preview(update: Update, context: ZhibuContext, draft: Draft) -> int:
    lang = context.lang
    tree = await context.services.tree()
    unit = tree.units[draft.unit_id]
    text = view.preview(lang, draft, tree, context.settings.tz, await _expected(context, tree, draft.unit_id),
                        group_bound=unit.chat_id is not None)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton(t(lang, "notice.btn_send"), callback_data="ntc:send"),
                                    InlineKeyboardButton(t(lang, "notice.btn_cancel"), callback_data="ntc:drop")]])
    await reply_html(update, context, text, markup)
    return S.CONFIRM


async def on_send(update: Update, context: ZhibuContext) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    raw = context.user_data.pop(DRAFT, None)
    await query.answer()
    await query.edit_message_reply_markup(None)
    if not raw or "topic" not in raw:
        await reply(update, context, "notice.expired")
        return END
    draft = Draft(**raw)
    now = context.services.now()
    if draft.starts_at <= now:
        await reply(update, context, "notice.err.past", value=view.when(context.lang, draft.starts_at,
                    context.settings.tz), example=rules.example_time(now, context.settings.tz))
        return END
    person = actor(context)
    tree = await context.services.tree()
    if draft.unit_id not in managed_units(person, tree):
        await reply(update, context, "notice.expired")
        return END
    notice_id, count = await publish(context, person, tree, draft, now)
    await reply(update, context, "notice.sending", id=notice_id, count=count)
    return END


async def publish(context: ZhibuContext, person: Actor, tree: OrgTree, draft: Draft, now: datetime) -> tuple[int, int]:
    """The notice and its deliveries in one transaction; the sender is woken."""
    settings = context.settings
    expected = await _expected(context, tree, draft.unit_id)
    unit = tree.units[draft.unit_id]
    recipients = [e.member for e in expected if e.linked and e.member.telegram_id is not None]

    def messages(notice_id: int) -> list[Outgoing]:
        rows = []
        for m in recipients:
            lang = m.language or settings.default_language
            assert m.telegram_id is not None
            rows.append(Outgoing(key=f"notice:{notice_id}:{m.id}", kind="notice", chat_id=m.telegram_id,
                                 member_id=m.id, ref=notice_ref(notice_id),
                                 text=view.body(lang, draft, tree, settings.tz), buttons=view.buttons(lang, notice_id)))
        if unit.chat_id is not None:
            lang = settings.default_language
            rows.append(Outgoing(key=f"notice:{notice_id}:group", kind="notice", chat_id=unit.chat_id,
                                 ref=notice_ref(notice_id), text=view.group_view(lang, draft, tree, settings.tz, 0, 0),
                                 buttons=view.buttons(lang, notice_id)))
        return rows

    notice_id, queued = await context.store.notices.publish(
        draft, person.member.id if person.member else None, person.telegram_id, context.lang, now,
        [e.member for e in expected], messages)
    if queued == 0:  # nobody to deliver to: the summary (not registered: …) right away
        notice = await context.store.notices.get(notice_id)
        assert notice is not None
        await context.store.outbox.enqueue([await view.summary_message(context.store, notice, settings.tz)])
    context.services.poke_sender()
    return notice_id, len(recipients)


async def on_drop(update: Update, context: ZhibuContext) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    context.user_data.pop(DRAFT, None)
    await query.answer()
    await query.edit_message_reply_markup(None)
    await reply(update, context, "notice.dropped")
    return END


async def on_cancel(update: Update, context: ZhibuContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    await reply(update, context, "common.cancelled")
    return END


async def on_stale(update: Update, context: ZhibuContext) -> None:
    """A compose button of a conversation that is over (sent, cancelled, or the bot restarted)."""
    assert update.callback_query is not None
    await update.callback_query.answer(t(context.lang, "notice.expired"), show_alert=True)


def register(app: ZhibuApp) -> None:
    text = filters.TEXT & ~filters.COMMAND
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("notice", cmd_notice)],
        states={
            S.KIND: [CallbackQueryHandler(on_kind_button, pattern=r"^ntc:kind:"), MessageHandler(text, on_kind_text)],
            S.UNIT: [CallbackQueryHandler(on_unit_button, pattern=r"^ntc:unit:[0-9]{1,18}$"),
                     MessageHandler(text, on_unit_text)],
            S.WHEN: [MessageHandler(text, on_when)],
            S.PLACE: [MessageHandler(text, on_place)],
            S.TOPIC: [MessageHandler(text, on_topic)],
            S.CONFIRM: [CallbackQueryHandler(on_send, pattern=r"^ntc:send$"),
                        CallbackQueryHandler(on_drop, pattern=r"^ntc:drop$")],
        },
        fallbacks=[CommandHandler("cancel", on_cancel)],
        allow_reentry=True,
        name="notice",
    ))
    app.add_handler(CallbackQueryHandler(on_stale, pattern=r"^ntc:(kind|unit|send|drop)"))
    notices_replies.register(app)
    notices_admin.register(app)
