"""`/duty` and `/dutyreport` (设岗定责) as use cases: a post-holder's month with its points, and the monthly
assessment of the post-holders in the units a secretary manages, most points first. No Telegram here."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.i18n import Html, t
from bot.services.duty import member_month, units_month
from bot.services.duty_rules import MEDIATION_MINIMUM, PATROL_MINIMUM, FieldError, Month, minimum_met
from bot.services.duty_view import field_error, minimum_text, month_label, posts_label
from bot.services.people import managed_members, unit_label
from bot.services.results import Reply, say, shown
from bot.services.rights import Actor, Capability, OrgTree
from bot.store import Store

_VERDICT = {True: "duty.report.met", False: "duty.report.not_met", None: "duty.report.no_minimum"}


def _month(text: str, now: datetime, settings: Settings, lang: str) -> Month | Reply:
    """The month asked for (`2026-03`), this month when none; else the answer to the bad input."""
    try:
        return Month.parse(text) if text else Month.of(now, settings.tz)
    except FieldError as err:
        return field_error(err, now, settings.tz, lang)


async def my_month(actor: Actor, month_text: str, now: datetime, store: Store, settings: Settings,
                   lang: str) -> Reply:
    """`/duty [YYYY-MM]`: what the post-holder did in the month, the points, and whether the minimum of
    their posts is met."""
    month = _month(month_text, now, settings, lang)
    if isinstance(month, Reply):
        return month
    member = actor.member
    if member is None or not actor.can(Capability.POST):
        return say("common.refused", what="/duty", who=t(lang, "common.who_post"))
    summary = await member_month(store, member.id, month, settings.tz)
    minimum = minimum_text(lang, member.posts, minimum_met(summary, member.posts))
    text = t(lang, "duty.summary.text", name=member.name, month=month_label(lang, month),
             posts=posts_label(lang, member.posts), patrols=summary.patrols, minutes=summary.minutes,
             mediations=summary.mediations, resolved=summary.outcomes["resolved"],
             referred=summary.outcomes["referred"], ongoing=summary.outcomes["ongoing"],
             points=summary.points, minimum=Html(minimum))
    return shown(text + "\n\n" + t(lang, "duty.points_rule"))


async def units_report(actor: Actor, month_text: str, now: datetime, store: Store, settings: Settings,
                       lang: str) -> Reply:
    """`/dutyreport [YYYY-MM]`: every post-holder of the units the secretary manages (nobody else's)."""
    month = _month(month_text, now, settings, lang)
    if isinstance(month, Reply):
        return month
    tree = OrgTree.of(await store.units.all())
    members = await managed_members(store, actor, tree)
    rows = await units_month(store, members, month, settings.tz)
    if not rows:
        return say("duty.report.empty", month=month_label(lang, month))
    lines = [t(lang, "duty.report.header", month=month_label(lang, month), count=len(rows))]
    for rank, row in enumerate(rows, 1):
        s = row.summary
        lines.append(t(lang, "duty.report.line", rank=rank, name=row.member.name,
                       unit=unit_label(tree, row.member), posts=posts_label(lang, row.member.posts),
                       patrols=s.patrols, minutes=s.minutes, mediations=s.mediations, points=s.points,
                       minimum=t(lang, _VERDICT[row.met]),
                       note="" if row.member.linked else t(lang, "duty.report.unlinked")))
    lines += ["", t(lang, "duty.points_rule"),
              t(lang, "duty.report.footer", patrol=PATROL_MINIMUM, mediation=MEDIATION_MINIMUM)]
    return shown("\n".join(lines))
