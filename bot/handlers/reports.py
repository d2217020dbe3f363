"""`/report` (write, preview, Send / Cancel; replacement asked) and `/reports` for secretaries and
liaisons, with the report texts on request."""

from __future__ import annotations

import html
from datetime import datetime
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
from bot.handlers.common import actor, args_text, command, expired_button, reply, reply_html
from bot.i18n import Html, t
from bot.services import periods
from bot.services.commands import by_name
from bot.services.reports import MIN_REPORT, InputError, check_report, period_name
from bot.services.reports_view import Overview, overview, report_period_for, visible_report

PREVIEW_CHARS = 1500


class R(IntEnum):
    WRITING = 1


def _when(context: ZhibuContext, moment: datetime) -> str:
    return moment.astimezone(context.settings.tz).strftime("%Y-%m-%d")


@command("report")
async def cmd_report(update: Update, context: ZhibuContext) -> R | int:
    return await _begin(update, context, args_text(context))


async def on_write_button(update: Update, context: ZhibuContext) -> R | int | None:
    """The button on a reminder: start writing (members only, as /report)."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    spec = by_name("report")
    if spec is None or not actor(context).can(spec.capability):
        return ConversationHandler.END
    return await _begin(update, context, "")


async def _begin(update: Update, context: ZhibuContext, text: str) -> R | int:
    person = actor(context)
    assert person.member is not None and context.user_data is not None
    target = await report_period_for(context.store, person.member, context.services.now(), context.settings.tz)
    existing = await context.store.reports.thought(person.member.id, target.period.label)
    context.user_data["report"] = {"period": target.period.label, "text": ""}
    lang = context.lang
    name = period_name(target.period.label, lang)
    deadline = periods.deadline(target.period, context.settings.tz).strftime("%Y-%m-%d %H:%M")
    if text:
        return await _add_text(update, context, text)
    lines = [t(lang, "report.ask_overdue" if target.overdue else "report.ask", period=name, deadline=deadline,
               minimum=MIN_REPORT)]
    if existing is not None:
        lines.append(t(lang, "report.already", period=name, date=_when(context, existing.submitted_at)))
    await reply_html(update, context, "\n\n".join(lines))
    return R.WRITING


async def on_text(update: Update, context: ZhibuContext) -> R | int:
    assert update.effective_message is not None
    return await _add_text(update, context, update.effective_message.text or "")


async def _add_text(update: Update, context: ZhibuContext, more: str) -> R | int:
    assert context.user_data is not None
    draft = context.user_data.get("report")
    if draft is None:
        return ConversationHandler.END
    combined = (draft["text"] + "\n" + more.strip()).strip() if draft["text"] else more.strip()
    try:
        check_report(combined)
    except InputError as exc:
        if exc.key == "report.too_short":
            draft["text"] = combined
        await reply_html(update, context, t(context.lang, exc.key, **exc.params))
        return R.WRITING
    draft["text"] = combined
    await _preview(update, context, draft)
    return R.WRITING


async def _preview(update: Update, context: ZhibuContext, draft: dict[str, str]) -> None:
    person = actor(context)
    assert person.member is not None
    lang = context.lang
    existing = await context.store.reports.thought(person.member.id, draft["period"])
    text = draft["text"]
    shown = text if len(text) <= PREVIEW_CHARS else text[:PREVIEW_CHARS] + "\n" + t(
        lang, "report.preview_cut", shown=PREVIEW_CHARS)
    replace = t(lang, "report.replace_note", date=_when(context, existing.submitted_at)) if existing else ""
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(t(lang, "report.send"), callback_data="rep:send"),
        InlineKeyboardButton(t(lang, "report.cancel"), callback_data="rep:cancel"),
    ]])
    await reply(update, context, "report.preview", markup=markup, period=period_name(draft["period"], lang),
                length=len(text), text=shown, replace=Html(replace))


async def on_send(update: Update, context: ZhibuContext) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    draft = context.user_data.pop("report", None)
    person = actor(context)
    if draft is None or person.member is None or len(draft["text"]) < MIN_REPORT:
        await query.answer(t(context.lang, "report.expired"), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    _, replaced = await context.store.reports.save_thought(person.member.id, draft["period"], draft["text"],
                                                           context.services.now())
    await query.edit_message_reply_markup(None)
    await reply(update, context, "report.replaced" if replaced else "report.saved",
                period=period_name(draft["period"], context.lang), length=len(draft["text"]))
    return ConversationHandler.END


async def on_cancel(update: Update, context: ZhibuContext) -> int:
    if context.user_data is not None:
        context.user_data.pop("report", None)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        await reply(update, context, "report.cancelled")
    else:
        await reply(update, context, "common.cancelled")
    return ConversationHandler.END


@command("reports")
async def cmd_reports(update: Update, context: ZhibuContext) -> None:
    wanted = args_text(context)
    now = context.services.now()
    tz = context.settings.tz
    period_day = now.astimezone(tz).date()
    label = periods.period_of(period_day, "monthly").label
    if wanted:
        parsed = periods.parse_period(wanted)
        if parsed is None:
            await reply(update, context, "report.bad_month", value=wanted)
            return
        period_day, label = parsed.start, parsed.label
    tree = await context.services.tree()
    view: Overview = await overview(context.store, actor(context), tree, period_day, now, tz)
    lang = context.lang
    if not view.lines:
        await reply(update, context, "report.nobody", period=period_name(label, lang))
        return
    counts = {k: sum(1 for line in view.lines if line.status == k) for k in ("submitted", "missing", "overdue")}
    out = [t(lang, "report.overview", period=period_name(label, lang), **counts)]
    buttons: list[InlineKeyboardButton] = []
    for line in view.lines:
        if line.status == "submitted" and line.report is not None:
            out.append(t(lang, "report.line_submitted", name=line.member.name, unit=line.unit,
                         date=_when(context, line.report.submitted_at)))
            if len(buttons) < 30:
                caption = html.unescape(t(lang, "report.view", name=line.member.name))  # plain text, not HTML
                buttons.append(InlineKeyboardButton(caption[:60],
                                                    callback_data=f"rep:view:{line.report.id}"))
        else:
            out.append(t(lang, f"report.line_{line.status}", name=line.member.name, unit=line.unit,
                         deadline=periods.deadline(line.period, tz).strftime("%Y-%m-%d %H:%M")))
    markup = InlineKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)]) if buttons else None
    await reply_html(update, context, "\n".join(out), markup)


async def on_view(update: Update, context: ZhibuContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    tree = await context.services.tree()
    found = await visible_report(context.store, actor(context), tree, int(query.data.rsplit(":", 1)[1]))
    if found is None:
        await query.answer(t(context.lang, "report.not_allowed"), show_alert=True)
        return
    await query.answer()
    member, report = found
    await reply(update, context, "report.text", name=member.name, period=period_name(report.period, context.lang),
                date=_when(context, report.submitted_at), text=report.text)


def register(app: ZhibuApp) -> None:
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("report", cmd_report),
                      CallbackQueryHandler(on_write_button, pattern=r"^rep:start$")],
        states={R.WRITING: [MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
                            CallbackQueryHandler(on_send, pattern=r"^rep:send$"),
                            CallbackQueryHandler(on_cancel, pattern=r"^rep:cancel$")]},
        fallbacks=[CommandHandler("cancel", on_cancel)],
        name="report",
    ))
    app.add_handler(CommandHandler("reports", cmd_reports))
    app.add_handler(CallbackQueryHandler(on_view, pattern=r"^rep:view:[0-9]{1,18}$"))
    app.add_handler(CallbackQueryHandler(expired_button("report.expired"), pattern=r"^rep:(send|cancel)$"))
