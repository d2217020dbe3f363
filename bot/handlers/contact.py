"""`/contact <name> | note`: a liaison logs a contact with a member they keep in touch with."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, args_text, command, join_names, reply, split_fields
from bot.services.reports import MAX_FIELD

MAX_NOTE = 500


@command("contact")
async def cmd_contact(update: Update, context: ZhibuContext) -> None:
    person = actor(context)
    assert person.member is not None
    kept = await context.store.members.kept_by(person.member.id)
    names = join_names([m.name for m in kept], context.lang)
    fields = split_fields(args_text(context))
    if not fields[0]:
        await reply(update, context, "contact.usage")
        await reply(update, context, "contact.your_members" if kept else "contact.none_kept", names=names)
        return
    member = next((m for m in kept if m.name == fields[0]), None)
    if member is None:
        await reply(update, context, "contact.not_yours", name=fields[0][:MAX_FIELD], names=names or "—")
        return
    note = " | ".join(fields[1:]).strip()
    if not note:
        await reply(update, context, "contact.note_empty", name=member.name)
        return
    if len(note) > MAX_NOTE:
        await reply(update, context, "contact.too_long", limit=MAX_NOTE)
        return
    now = context.services.now()
    await context.store.reports.add_contact(member.id, person.member.id, note, now)
    await reply(update, context, "contact.saved", name=member.name,
                date=now.astimezone(context.settings.tz).strftime("%Y-%m-%d"))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("contact", cmd_contact))
