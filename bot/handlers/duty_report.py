"""`/duty`, `/dutyreport` and `/posts` (设岗定责): a post-holder's month, the assessment of a secretary's
units, and a secretary changing a member's duty posts. Also the rendering helpers the duty logs share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import ZhibuApp, ZhibuContext
from bot.handlers.common import actor, args_text, command, join_names, reply, reply_html, split_fields
from bot.i18n import Html, t
from bot.services.duty import member_month, units_month
from bot.services.duty_rules import (
    DUTY_POSTS,
    MEDIATION,
    MEDIATION_MINIMUM,
    PATROL,
    PATROL_MINIMUM,
    FieldError,
    Month,
    minimum_met,
    parse_posts,
)
from bot.services.people import find_managed, managed_members, unit_label
from bot.services.rights import can_manage

_TOGGLE = re.compile(r"^duty:post:([0-9]{1,18}):(patrol|mediation)$")


def month_label(lang: str, month: Month) -> str:
    return t(lang, "duty.month", year=month.year, month=month.month)


def post_label(lang: str, post: str) -> str:
    return t(lang, f"duty.post.{post}") if post in DUTY_POSTS else post


def posts_label(lang: str, posts: Iterable[str]) -> str:
    ordered = sorted(posts, key=lambda p: (p not in DUTY_POSTS, DUTY_POSTS.index(p) if p in DUTY_POSTS else 0, p))
    return join_names([post_label(lang, p) for p in ordered], lang) or t(lang, "duty.post.none")


def this_month(context: ZhibuContext) -> Month:
    return Month.of(context.services.now(), context.settings.tz)


async def field_error(update: Update, context: ZhibuContext, err: FieldError) -> None:
    """Invalid input: a message naming the field, with an example of a valid value."""
    lang = context.lang
    now = context.services.now().astimezone(context.settings.tz)
    example = t(lang, f"duty.example.{err.field}", date=(now.date() + timedelta(days=7)).isoformat(),
                month=str(Month.of(now, context.settings.tz)))
    await reply(update, context, f"duty.err.{err.problem}", field=t(lang, f"duty.field.{err.field}"),
                value=err.value, example=Html(example))


async def _month_arg(update: Update, context: ZhibuContext) -> Month | None:
    text = args_text(context)
    try:
        return Month.parse(text) if text else this_month(context)
    except FieldError as err:
        await field_error(update, context, err)
        return None


def minimum_text(lang: str, posts: Iterable[str], met: bool | None) -> str:
    held = set(posts)
    if met is None:
        return t(lang, "duty.summary.no_minimum")
    rules = []
    if PATROL in held:
        rules.append(t(lang, "duty.summary.rule_patrol", count=PATROL_MINIMUM))
    if MEDIATION in held:
        rules.append(t(lang, "duty.summary.rule_mediation", count=MEDIATION_MINIMUM))
    return t(lang, "duty.summary.met" if met else "duty.summary.not_met", rules=Html(join_names(rules, lang)))


@command("duty")
async def cmd_duty(update: Update, context: ZhibuContext) -> None:
    member = actor(context).member
    month = await _month_arg(update, context)
    if member is None or month is None:
        return
    lang = context.lang
    summary = await member_month(context.store, member.id, month, context.settings.tz)
    minimum = minimum_text(lang, member.posts, minimum_met(summary, member.posts))
    text = t(lang, "duty.summary.text", name=member.name, month=month_label(lang, month),
             posts=posts_label(lang, member.posts), patrols=summary.patrols, minutes=summary.minutes,
             mediations=summary.mediations, resolved=summary.outcomes["resolved"],
             referred=summary.outcomes["referred"], ongoing=summary.outcomes["ongoing"],
             points=summary.points, minimum=Html(minimum))
    await reply_html(update, context, text + "\n\n" + t(lang, "duty.points_rule"))


@command("dutyreport")
async def cmd_dutyreport(update: Update, context: ZhibuContext) -> None:
    month = await _month_arg(update, context)
    if month is None:
        return
    lang = context.lang
    tree = await context.services.tree()
    members = await managed_members(context.store, actor(context), tree)
    rows = await units_month(context.store, members, month, context.settings.tz)
    if not rows:
        await reply(update, context, "duty.report.empty", month=month_label(lang, month))
        return
    lines = [t(lang, "duty.report.header", month=month_label(lang, month), count=len(rows))]
    for rank, row in enumerate(rows, 1):
        s = row.summary
        verdict = {True: "duty.report.met", False: "duty.report.not_met", None: "duty.report.no_minimum"}[row.met]
        lines.append(t(lang, "duty.report.line", rank=rank, name=row.member.name,
                       unit=unit_label(tree, row.member), posts=posts_label(lang, row.member.posts),
                       patrols=s.patrols, minutes=s.minutes, mediations=s.mediations, points=s.points,
                       minimum=t(lang, verdict),
                       note="" if row.member.linked else t(lang, "duty.report.unlinked")))
    lines += ["", t(lang, "duty.points_rule"),
              t(lang, "duty.report.footer", patrol=PATROL_MINIMUM, mediation=MEDIATION_MINIMUM)]
    await reply_html(update, context, "\n".join(lines))


def _post_buttons(lang: str, member_id: int, posts: Iterable[str]) -> InlineKeyboardMarkup:
    held = set(posts)
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(
            t(lang, "duty.posts.button_on" if post in held else "duty.posts.button_off", post=post_label(lang, post)),
            callback_data=f"duty:post:{member_id}:{post}",
        )
        for post in DUTY_POSTS
    ]])


@command("posts")
async def cmd_posts(update: Update, context: ZhibuContext) -> None:
    fields = [*split_fields(args_text(context)), "", ""]
    name, wanted, hint = fields[0], fields[1], fields[2]
    if not name:
        await reply(update, context, "duty.posts.usage")
        return
    lang = context.lang
    tree = await context.services.tree()
    found = await find_managed(context.store, actor(context), tree, name, hint)
    if not found:
        await reply(update, context, "duty.posts.not_found", name=name)
        return
    if len(found) > 1:
        await reply(update, context, "duty.posts.ambiguous", name=name,
                    units=join_names([unit_label(tree, m) for m in found], lang), example=tree.name(found[0].unit_id))
        return
    member = found[0]
    if not wanted:
        await reply(update, context, "duty.posts.show", markup=_post_buttons(lang, member.id, member.posts),
                    name=member.name, unit=unit_label(tree, member), posts=posts_label(lang, member.posts))
        return
    known = await context.store.duty.known_posts()
    posts, unknown = parse_posts(wanted, known)
    if unknown:
        await reply(update, context, "duty.posts.unknown", names=join_names(unknown, lang),
                    known=posts_label(lang, known | set(DUTY_POSTS)))
        return
    await context.store.duty.set_posts(member.id, posts)
    await reply(update, context, "duty.posts.updated", name=member.name, unit=unit_label(tree, member),
                posts=posts_label(lang, posts))


async def on_post_toggle(update: Update, context: ZhibuContext) -> None:
    query = update.callback_query
    match = _TOGGLE.match(query.data or "") if query else None
    if query is None or match is None:
        return
    lang = context.lang
    tree = await context.services.tree()
    target = await context.store.members.get(int(match.group(1)))
    if target is None or not can_manage(actor(context), target.unit_id, tree):
        await query.answer(t(lang, "duty.posts.refused"), show_alert=True)
        return
    posts = await context.store.duty.toggle_post(target.id, match.group(2))
    await query.answer()
    text = t(lang, "duty.posts.show", name=target.name, unit=unit_label(tree, target), posts=posts_label(lang, posts))
    markup = _post_buttons(lang, target.id, posts)
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


def register(app: ZhibuApp) -> None:
    app.add_handler(CommandHandler("duty", cmd_duty))
    app.add_handler(CommandHandler("dutyreport", cmd_dutyreport))
    app.add_handler(CommandHandler("posts", cmd_posts))
    app.add_handler(CallbackQueryHandler(on_post_toggle, pattern=r"^duty:post:"))
