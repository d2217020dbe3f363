"""`/transfer` (组织关系转接), `/member` (党员档案), `/study` (学时) and `/serve` (在职党员到社区报到), and the
转出 begun from the six-month reminder's 「办理转出」: Telegram in and out only; the rules are in
`bot.services.transfers`."""

from __future__ import annotations

from enum import IntEnum

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler, MessageHandler, filters

from bot.domain.payload import family
from bot.domain.results import alert
from bot.handlers import conversation
from bot.handlers.common import args_text, call, command, deps, render
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.transfers import out_steps
from bot.services.transfers.buttons import TRANSFERS, TransferOut, TransferOutUsual
from bot.services.transfers.member_file import member_file
from bot.services.transfers.serve import serve_command
from bot.services.transfers.study import study_command
from bot.services.transfers.transfer import transfer_command


@command("transfer")
async def cmd_transfer(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await transfer_command(deps(context), call(context), args_text(context)),
    )


@command("member")
async def cmd_member(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await member_file(deps(context), call(context), args_text(context)),
    )


@command("study")
async def cmd_study(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await study_command(deps(context), call(context), args_text(context)))


@command("serve")
async def cmd_serve(update: Update, context: ZhibuContext) -> None:
    await render(update, context, await serve_command(deps(context), call(context), args_text(context)))


class T(IntEnum):
    OUT = 1


async def _show(update: Update, context: ZhibuContext, step: out_steps.Stepping, strip: bool = False) -> T | int:
    return await conversation.step(update, context, out_steps.OutDraft, step.draft, step.result, T.OUT, strip=strip)


async def on_out_button(update: Update, context: ZhibuContext) -> T | int:
    """「办理转出」 on the six-month reminder (it keeps its button: pressed again, the questions start over)."""
    assert update.callback_query is not None
    pressed = TransferOut.unpack(update.callback_query.data)
    assert pressed is not None  # the pattern let only a valid payload through
    return await _show(update, context, await out_steps.begin(deps(context), call(context), pressed.member_id))


async def on_out_text(update: Update, context: ZhibuContext) -> T | int:
    assert update.effective_message is not None
    draft = conversation.current(context, out_steps.OutDraft)
    if draft is None:
        return await conversation.lost(update, context, "/transfer")
    text = update.effective_message.text or ""
    return await _show(update, context, await out_steps.answer(deps(context), call(context), draft, text))


async def on_out_not_text(update: Update, context: ZhibuContext) -> T | int:
    draft = conversation.current(context, out_steps.OutDraft)
    return await _show(update, context, out_steps.not_text(deps(context), call(context), draft))


async def on_out_usual(update: Update, context: ZhibuContext) -> T | int:
    """The usual three months pressed: the letter is recorded."""
    assert update.callback_query is not None
    pressed = TransferOutUsual.unpack(update.callback_query.data)
    assert pressed is not None
    draft = conversation.current(context, out_steps.OutDraft)
    step = await out_steps.usual(deps(context), call(context), draft, pressed)
    return await _show(update, context, step, strip=step.draft is None)


async def on_out_cancel(update: Update, context: ZhibuContext) -> int:
    return await conversation.cancelled(update, context, out_steps.OutDraft)


async def on_expired(update: Update, context: ZhibuContext) -> None:
    """A button of 组织关系转接 that no longer means anything (a finished 转出, a forged value): nothing is done."""
    await render(update, context, alert("transfers.out.expired"))


def register(app: ZhibuApp) -> None:
    app.add_handler(
        ConversationHandler(
            entry_points=[CallbackQueryHandler(on_out_button, pattern=TransferOut.matches)],
            states={
                T.OUT: [
                    MessageHandler(filters.TEXT & ~filters.COMMAND, on_out_text),
                    MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.COMMAND, on_out_not_text),
                    CallbackQueryHandler(on_out_usual, pattern=TransferOutUsual.matches),
                    CallbackQueryHandler(on_out_button, pattern=TransferOut.matches),
                ]
            },
            fallbacks=[CommandHandler("cancel", on_out_cancel)],
            name="transfer_out",
            persistent=True,
        )
    )
    app.add_handler(CommandHandler("transfer", cmd_transfer))
    app.add_handler(CommandHandler("member", cmd_member))
    app.add_handler(CommandHandler("study", cmd_study))
    app.add_handler(CommandHandler("serve", cmd_serve))
    app.add_handler(CallbackQueryHandler(on_expired, pattern=family(TRANSFERS)))
