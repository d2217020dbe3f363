"""`/report` (write or speak, preview, Send / Cancel; replacement asked) and `/reports` for secretaries and
liaisons, with the reports on request (a voice report is sent again by its file id) and 已阅 with an optional
comment. Telegram in and out only: the rules and the store are in `bot.services.reports.write`,
`bot.services.reports.view` and `bot.services.reports.read`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.domain.payload import family
from bot.domain.results import alert
from bot.handlers import conversation, pages
from bot.handlers.common import actor, args_text, call, command, deps, is_private, render, voice_seconds
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.reports import read as reports_read
from bot.services.reports import register_read
from bot.services.reports import write as reports_write
from bot.services.reports.buttons import (
    REPORTS,
    RegisterComment,
    RegisterRead,
    RegisterView,
    ReportCancel,
    ReportComment,
    ReportRead,
    ReportSend,
    ReportView,
    ReportWrite,
)
from bot.services.reports.read import CommentDraft, Commenting, Reading
from bot.services.reports.view import list_reports, reports_page
from bot.services.reports.write import ReportDraft, Writing


class R(IntEnum):
    WRITING = 1
    COMMENT = 2


def _draft(context: ZhibuContext) -> ReportDraft | None:
    return conversation.current(context, ReportDraft)


async def _show(update: Update, context: ZhibuContext, step: Writing) -> R | int:
    """Show the step (a preview sent or cancelled loses its buttons) and say whether the conversation goes
    on. The draft is kept (or dropped) first: should Telegram fail below, a second Send finds no draft to
    save again."""
    return await conversation.step(
        update, context, ReportDraft, step.draft, step.result, R.WRITING, strip=step.close_preview
    )


async def _begin(update: Update, context: ZhibuContext, text: str) -> R | int:
    step = await reports_write.begin(deps(context), call(context), text)
    return await _show(update, context, step)


@command("report")
async def _member_report(update: Update, context: ZhibuContext) -> R | int:
    return await _begin(update, context, args_text(context))


async def cmd_report(update: Update, context: ZhibuContext) -> R | int:
    """/report: a member's (guarded by the commands table), or — in the private chat of someone who is not a member,
    whom the gate let through as a person of the 发展党员 register — their quarter's 思想汇报."""
    if not actor(context).known and is_private(update):
        return await _begin(update, context, args_text(context))
    guarded: R | int | None = await _member_report(update, context)
    return ConversationHandler.END if guarded is None else guarded


async def on_write_button(update: Update, context: ZhibuContext) -> R | int:
    """The button on a reminder: start writing (as /report; only a member has something to write)."""
    return await _begin(update, context, "")


async def on_text(update: Update, context: ZhibuContext) -> R | int:
    assert update.effective_message is not None
    if (draft := _draft(context)) is None:
        return await conversation.lost(update, context, "/report")
    step = await reports_write.add_text(deps(context), call(context), draft, update.effective_message.text or "")
    return await _show(update, context, step)


async def on_voice(update: Update, context: ZhibuContext) -> R | int:
    """A voice message as the report."""
    voice = update.effective_message.voice if update.effective_message is not None else None
    if voice is None:
        return await on_not_text(update, context)
    if (draft := _draft(context)) is None:
        return await conversation.lost(update, context, "/report")
    step = await reports_write.add_voice(
        deps(context), call(context), draft, reports_write.Voice(voice.file_id, voice_seconds(voice))
    )
    return await _show(update, context, step)


async def on_not_text(update: Update, context: ZhibuContext) -> R | int:
    draft = _draft(context)
    if draft is None:
        return await conversation.lost(update, context, "/report")
    return await _show(update, context, reports_write.not_text(draft, context.lang))


async def on_send(update: Update, context: ZhibuContext) -> R | int:
    assert update.callback_query is not None
    pressed = ReportSend.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    step = await reports_write.send(deps(context), call(context), _draft(context), pressed.draft)
    return await _show(update, context, step)


async def on_cancel(update: Update, context: ZhibuContext) -> R | int:
    pressed = ReportCancel.unpack(update.callback_query.data) if update.callback_query is not None else None
    return await _show(update, context, reports_write.cancel(_draft(context), pressed.draft if pressed else None))


@command("reports")
async def cmd_reports(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await list_reports(deps(context), call(context), args_text(context)),
    )


async def on_view(update: Update, context: ZhibuContext) -> None:
    """A report's text, or its heading and then the voice message, sent again by its file id."""
    assert update.callback_query is not None
    pressed = ReportView.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    shown = await reports_read.read_report(deps(context), call(context), pressed.report_id)
    await _show_report(update, context, shown)


async def _show_report(update: Update, context: ZhibuContext, shown: Reading) -> None:
    """A report as read: its text, or its heading and then the voice message, sent again by its file id."""
    await render(update, context, shown.result)
    if shown.voice is not None and update.effective_chat is not None:
        await context.bot.send_voice(
            update.effective_chat.id, shown.voice, caption=shown.caption, parse_mode=ParseMode.HTML
        )


async def on_read(update: Update, context: ZhibuContext) -> None:
    """已阅 pressed under a report."""
    assert update.callback_query is not None
    pressed = ReportRead.unpack(update.callback_query.data)
    assert pressed is not None
    await render(
        update,
        context,
        await reports_read.mark_read(deps(context), call(context), pressed.report_id),
    )


async def on_view_register(update: Update, context: ZhibuContext) -> None:
    """A register's 思想汇报 (an 积极分子's): its text, or its heading and then the voice message."""
    assert update.callback_query is not None
    pressed = RegisterView.unpack(update.callback_query.data)
    assert pressed is not None
    shown = await register_read.read_register(deps(context), call(context), pressed.report_id)
    await _show_report(update, context, shown)


async def on_read_register(update: Update, context: ZhibuContext) -> None:
    """已阅 pressed under a register's 思想汇报."""
    assert update.callback_query is not None
    pressed = RegisterRead.unpack(update.callback_query.data)
    assert pressed is not None
    await render(update, context, await register_read.mark_register(deps(context), call(context), pressed.report_id))


async def _comment_step(update: Update, context: ZhibuContext, step: Commenting) -> R | int:
    draft = None if step.report_id is None else CommentDraft(report_id=step.report_id, of_register=step.of_register)
    return await conversation.step(update, context, CommentDraft, draft, step.result, R.COMMENT)


def _commenting(context: ZhibuContext) -> CommentDraft | None:
    return conversation.current(context, CommentDraft)


async def on_comment_button(update: Update, context: ZhibuContext) -> R | int:
    """已阅并写意见 pressed (under a member's report, or a register's): the comment is asked for."""
    assert update.callback_query is not None
    data = update.callback_query.data
    if (register := RegisterComment.unpack(data)) is not None:
        asked = await register_read.ask_comment(deps(context), call(context), register.report_id)
        return await _comment_step(update, context, asked)
    pressed = ReportComment.unpack(data)
    assert pressed is not None
    return await _comment_step(
        update, context, await reports_read.ask_comment(deps(context), call(context), pressed.report_id)
    )


async def on_comment(update: Update, context: ZhibuContext) -> R | int:
    assert update.effective_message is not None
    draft, text = _commenting(context), update.effective_message.text or ""
    if draft is not None and draft.of_register:
        step = await register_read.give_comment(deps(context), call(context), draft.report_id, text)
    else:
        report_id = draft.report_id if draft is not None else None
        step = await reports_read.give_comment(deps(context), call(context), report_id, text)
    return await _comment_step(update, context, step)


async def on_comment_not_text(update: Update, context: ZhibuContext) -> R | int:
    draft = _commenting(context)
    report_id = draft.report_id if draft is not None else None
    if draft is not None and draft.of_register:
        step = await register_read.comment_not_text(deps(context), call(context), report_id)
    else:
        step = await reports_read.comment_not_text(deps(context), call(context), report_id)
    return await _comment_step(update, context, step)


async def on_comment_cancel(update: Update, context: ZhibuContext) -> int:
    return await conversation.cancelled(update, context, CommentDraft)


async def on_expired(update: Update, context: ZhibuContext) -> None:
    """A button of this capability that no longer means anything (a finished /report, a forged value):
    answered like an expired button, and nothing else is done."""
    data = update.callback_query.data if update.callback_query is not None else None
    kinds = (ReportView, ReportRead, ReportComment, RegisterView, RegisterRead, RegisterComment)
    viewing = any(family(kind.PREFIX)(data) for kind in kinds)
    await render(update, context, alert("report.view_expired" if viewing else "report.expired"))


def register(app: ZhibuApp) -> None:
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CommandHandler("report", cmd_report),
                CallbackQueryHandler(on_write_button, pattern=ReportWrite.matches),
            ],
            states={
                R.WRITING: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, on_text),
                    MessageHandler(filters.ChatType.PRIVATE & filters.VOICE, on_voice),
                    MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, on_not_text),
                    CallbackQueryHandler(on_send, pattern=ReportSend.matches),
                    CallbackQueryHandler(on_cancel, pattern=ReportCancel.matches),
                    CallbackQueryHandler(on_write_button, pattern=ReportWrite.matches),
                ]
            },
            fallbacks=[CommandHandler("cancel", on_cancel)],
            name="report",
            persistent=True,
        )
    )
    app.add_handler(
        ConversationHandler(
            entry_points=[
                CallbackQueryHandler(on_comment_button, pattern=ReportComment.matches),
                CallbackQueryHandler(on_comment_button, pattern=RegisterComment.matches),
            ],
            states={
                R.COMMENT: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, on_comment),
                    MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, on_comment_not_text),
                    CallbackQueryHandler(on_comment_button, pattern=ReportComment.matches),
                    CallbackQueryHandler(on_comment_button, pattern=RegisterComment.matches),
                ]
            },
            fallbacks=[CommandHandler("cancel", on_comment_cancel)],
            name="report_comment",
        )
    )
    app.add_handler(CommandHandler("reports", cmd_reports))
    app.add_handler(CallbackQueryHandler(on_view, pattern=ReportView.matches))
    app.add_handler(CallbackQueryHandler(on_read, pattern=ReportRead.matches))
    app.add_handler(CallbackQueryHandler(on_view_register, pattern=RegisterView.matches))
    app.add_handler(CallbackQueryHandler(on_read_register, pattern=RegisterRead.matches))
    pages.register_list(app, "reports", "/reports", reports_page)
    app.add_handler(CallbackQueryHandler(on_expired, pattern=family(REPORTS)))
