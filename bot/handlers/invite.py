"""`/invite <name>`: a secretary gets the one-time link for an unlinked member of their units."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, args_text, command, join_names, reply, split_fields
from bot.services.invites import invite_link
from bot.services.people import find_managed, unit_label


@command("invite")
async def cmd_invite(update: Update, context: ZhibuContext) -> None:
    fields = split_fields(args_text(context))
    name = fields[0]
    hint = fields[1] if len(fields) > 1 else ""
    if not name:
        await reply(update, context, "invite.usage")
        return
    tree = await context.services.tree()
    person = actor(context)
    found = await find_managed(context.store, person, tree, name, hint)
    if not found:
        await reply(update, context, "invite.not_found", name=name)
        return
    if len(found) > 1:
        labels = [unit_label(tree, m) for m in found]
        await reply(update, context, "invite.ambiguous", name=name, units=join_names(labels, context.lang),
                    example=tree.name(found[0].unit_id))
        return
    member = found[0]
    if member.linked:
        await reply(update, context, "invite.already", name=member.name)
        return
    code = await context.store.invites.code_for(member.id)
    await reply(update, context, "invite.link", name=member.name, unit=unit_label(tree, member),
                link=invite_link(context.bot.username, code))


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("invite", cmd_invite))
