"""`/duty` and `/dutyreport` (设岗定责) as use cases: a post-holder's month with its points, and the monthly
assessment of the post-holders in the units a secretary manages, most points first, as pages
(`bot.services.pages`) with 达标 / 未达标 filters. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.buttons import ListPage
from bot.config import Settings
from bot.i18n import Html, t
from bot.services import pages
from bot.services.duty import ReportRow, member_month, units_month
from bot.services.duty_rules import MEDIATION_MINIMUM, PATROL_MINIMUM, FieldError, Month, minimum_met
from bot.services.duty_view import field_error, minimum_text, month_label, posts_label
from bot.services.pages import Filter, clip
from bot.services.people import managed_members, unit_label
from bot.services.results import Reply, alert, say, shown
from bot.services.rights import Actor, Capability, OrgTree
from bot.store import Store

_VERDICT = {True: "duty.report.met", False: "duty.report.not_met", None: "duty.report.no_minimum"}
#: Post-holders on a page of /dutyreport: an assessment line in English is about half again as long as in
#: Chinese, and 40 of them would not fit in one message.
_PER_PAGE = {"zh": pages.PAGE_SIZE, "en": 20}


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


@dataclass(frozen=True)
class Ranked:
    """A post-holder's row with their place among all post-holders of the units (by points)."""

    rank: int
    row: ReportRow


FILTERS: tuple[Filter[Ranked], ...] = (
    Filter("all", "duty.report.filter.all"),
    Filter("met", "duty.report.filter.met", lambda r: r.row.met is True),
    Filter("notmet", "duty.report.filter.notmet", lambda r: r.row.met is False),
)


def month_key(month: Month) -> int:
    """The month as a button carries it: `202610`."""
    return month.year * 100 + month.month


def month_of_key(key: int) -> Month | None:
    """The month a button names, or None for a value no button carries."""
    try:
        month = Month.parse(f"{key // 100:04d}-{key % 100:02d}")
    except FieldError:
        return None
    return month if month_key(month) == key else None


def _line(ranked: Ranked, tree: OrgTree, lang: str, cap: int | None) -> str:
    row, s = ranked.row, ranked.row.summary
    return t(lang, "duty.report.line", rank=ranked.rank, name=clip(row.member.name, cap),
             unit=clip(unit_label(tree, row.member), cap), posts=clip(posts_label(lang, row.member.posts), cap),
             patrols=s.patrols, minutes=s.minutes,
             mediations=s.mediations, points=s.points, minimum=t(lang, _VERDICT[row.met]),
             note="" if row.member.linked else t(lang, "duty.report.unlinked"))


async def _page(actor: Actor, month: Month, word: str, number: int, store: Store, settings: Settings,
                lang: str) -> Reply:
    """The month's counts, a page of post-holders by points (each with their rank among all), the rules."""
    tree = OrgTree.of(await store.units.all())
    rows = await units_month(store, await managed_members(store, actor, tree), month, settings.tz)
    if not rows:
        return say("duty.report.empty", month=month_label(lang, month))
    page = pages.paginate([Ranked(rank, row) for rank, row in enumerate(rows, 1)], FILTERS, word, number,
                          _PER_PAGE.get(lang, pages.PAGE_SIZE))
    head = [t(lang, "duty.report.header", month=month_label(lang, month), count=len(rows)),
            t(lang, "duty.report.counts", met=page.counts["met"], not_met=page.counts["notmet"],
              none=sum(1 for row in rows if row.met is None)),
            *pages.narrowed(page, FILTERS, lang)]
    foot = ["", t(lang, "duty.points_rule"),
            t(lang, "duty.report.footer", patrol=PATROL_MINIMUM, mediation=MEDIATION_MINIMUM)]
    more = pages.footer(page, lang, export=actor.is_secretary)

    def render(lines: list[str]) -> str:
        return "\n".join([*head, *(lines or [t(lang, "pages.nobody_here")]), *foot, *(["", *more] if more else [])])

    text = pages.fit(render, lambda cap: [_line(ranked, tree, lang, cap) for ranked in page.entries])
    key = month_key(month)
    return shown(text, pages.buttons(page, FILTERS, lambda f, n: ListPage("dutyreport", key, f, n).pack(), lang))


async def units_report(actor: Actor, month_text: str, now: datetime, store: Store, settings: Settings,
                       lang: str) -> Reply:
    """`/dutyreport [YYYY-MM]`: every post-holder of the units the secretary manages (nobody else's), a page
    at a time."""
    month = _month(month_text, now, settings, lang)
    if isinstance(month, Reply):
        return month
    return await _page(actor, month, "all", 1, store, settings, lang)


async def dutyreport_page(actor: Actor, key: int, word: str, number: int, store: Store, settings: Settings,
                          lang: str) -> Reply:
    """A page button of `/dutyreport`: the page, if the person is still a secretary (their units as they are
    now); else the alert of an expired button."""
    month = month_of_key(key)
    if month is None or not actor.is_secretary:
        return alert("pages.expired", command="/dutyreport")
    return await _page(actor, month, word, number, store, settings, lang)
