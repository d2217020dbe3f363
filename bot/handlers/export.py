"""`/export`: a secretary receives their units' CSV files and the Excel ledger (台账) as documents, in the private
chat only."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.handlers.common import actor, command, join_names, render, reply
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.services.exports.export import UPLOAD_LIMIT, export_scope, exported, too_large


@command("export")
async def cmd_export(update: Update, context: ZhibuContext) -> None:
    scope = await export_scope(actor(context), context.store, context.lang)
    await render(update, context, scope.sending)
    chat = update.effective_chat
    assert chat is not None
    async with exported(
        context.store,
        scope.units,
        tz=context.settings.tz,
        ledger_lang=context.lang,
        now=context.services.now(),
        settings=context.settings,
    ) as files:
        big = too_large(files)
        for path in files:
            if path in big:
                continue
            with path.open("rb") as data:
                # Uploaded as it is read from disk (read_file_handle=False): never held in memory whole.
                document = InputFile(data, filename=path.name, read_file_handle=False)
                await context.bot.send_document(chat.id, document)
    await reply(update, context, "export.done", count=len(files) - len(big))
    if big:
        await reply(
            update,
            context,
            "export.too_large",
            limit=UPLOAD_LIMIT // (1024 * 1024),
            files=join_names([p.name for p in big], context.lang),
        )


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("export", cmd_export))
