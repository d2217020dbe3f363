"""`/duty`, `/dutyreport` and `/posts` (设岗定责): a post-holder's month, the assessment of a secretary's
units (a page at a time; its buttons edit it), and a secretary changing a member's duty posts. Telegram in
and out only: the use cases are `bot.services.duty.month` and `bot.services.duty.posts`. (The post buttons
are registered with the other duty buttons in `bot.handlers.duty`, before the duty catch-all.)"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CommandHandler

from bot.handlers import pages
from bot.handlers.common import args_text, call, command, deps, render, split_fields
from bot.i18n import reply_text
from bot.runtime.context import ZhibuApp, ZhibuContext
from bot.runtime.delivery import markup
from bot.services.duty import month as duty_month
from bot.services.duty import posts as duty_posts
from bot.services.duty.buttons import DutyPostSwitch, DutyPostToggle


@command("duty")
async def cmd_duty(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await duty_month.my_month(deps(context), call(context), args_text(context)),
    )


@command("dutyreport")
async def cmd_dutyreport(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await duty_month.units_report(deps(context), call(context), args_text(context)),
    )


@command("posts")
async def cmd_posts(update: Update, context: ZhibuContext) -> None:
    await render(
        update,
        context,
        await duty_posts.posts(deps(context), call(context), split_fields(args_text(context))),
    )


async def on_post_toggle(update: Update, context: ZhibuContext) -> None:
    """A post button: the member's posts are shown again in place of the pressed message."""
    query = update.callback_query
    data = query.data if query else None
    toggled, switched = DutyPostToggle.unpack(data), DutyPostSwitch.unpack(data)
    if query is None or (toggled is None and switched is None):  # the patterns let only valid payloads through
        return
    member_id = toggled.member_id if toggled else switched.member_id if switched else 0
    post: str | int = toggled.post if toggled else switched.post_id if switched else 0
    answer = await duty_posts.toggle(deps(context), call(context), member_id, post)
    if answer.alert:
        await render(update, context, answer)
        return
    await query.answer()
    try:
        await query.edit_message_text(
            reply_text(answer, context.lang), parse_mode=ParseMode.HTML, reply_markup=markup(answer.buttons)
        )
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("duty", cmd_duty))
    app.add_handler(CommandHandler("dutyreport", cmd_dutyreport))
    pages.register_list(app, "dutyreport", "/dutyreport", duty_month.dutyreport_page)
    app.add_handler(CommandHandler("posts", cmd_posts))
