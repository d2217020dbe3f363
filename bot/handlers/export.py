"""`/export`: a secretary receives their units' CSV files as documents, in the private chat only."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, command, join_names, reply
from bot.services.export import export_files
from bot.services.rights import managed_units


@command("export")
async def cmd_export(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    tree = await context.services.tree()
    units = managed_units(person, tree)
    top = [u for u in sorted(units) if tree.units[u].parent_id not in units]
    await reply(update, context, "export.sending", units=join_names([tree.name(u) for u in top], context.lang))
    files = await export_files(context.store, units, tz=context.settings.tz)
    chat = update.effective_chat
    assert chat is not None
    for name, data in files.items():
        await context.bot.send_document(chat.id, InputFile(data, filename=name))
    await reply(update, context, "export.done", count=len(files))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("export", cmd_export))
