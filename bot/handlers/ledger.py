"""`/ledger [unit] [YYYY]` (三会一课台账) in Telegram: the command, the overview's and a branch's buttons
(each press edits the message it was pressed on), and the catch-all for stale or forged ledger buttons.
The use cases are in `bot.services.ledger.overview`; the nudge's button that starts /notice is handled by the
notice conversation (`bot.handlers.notices`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.domain.payload import family
from bot.domain.results import alert
from bot.handlers.common import args_text, call, command, deps, expired_button, is_private, render
from bot.handlers.pages import show_page
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.ledger import overview as ledger
from bot.services.ledger.buttons import LEDGER, LedgerAll, LedgerView


@command("ledger")
async def cmd_ledger(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await ledger.show(deps(context), call(context), args_text(context)),
    )


async def on_overview(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    pressed = LedgerAll.unpack(update.callback_query.data)
    if pressed is None or not is_private(update):
        await render(update, context, alert("ledger.gone"))
        return
    await show_page(
        update,
        context,
        await ledger.overview_page(deps(context), call(context), pressed),
    )


async def on_unit(update: Update, context: ZhibuContext) -> None:
    assert update.callback_query is not None
    pressed = LedgerView.unpack(update.callback_query.data)
    if pressed is None or not is_private(update):
        await render(update, context, alert("ledger.gone"))
        return
    await show_page(
        update,
        context,
        await ledger.unit_page(deps(context), call(context), pressed),
    )


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("ledger", cmd_ledger))
    app.add_handler(CallbackQueryHandler(on_overview, pattern=LedgerAll.matches))
    app.add_handler(CallbackQueryHandler(on_unit, pattern=LedgerView.matches))
    # Last: any other `ldg` payload (forged, or a nudge's button pressed when /notice could not take it).
    app.add_handler(CallbackQueryHandler(expired_button("ledger.gone"), pattern=family(LEDGER)))
