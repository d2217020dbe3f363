"""`/duty` and `/dutyreport` (设岗定责) as use cases: a post-holder's month with its points, and the monthly
assessment of the post-holders in the units a secretary manages, most points first, as pages
(`bot.services.kernel.pages`) with 达标 / 未达标 filters. No Telegram here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.results import Reply, alert, say, shown
from bot.domain.rights import Capability, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.duty.common import ReportRow, catalogue, member_month, units_month
from bot.services.duty.points import Catalogue, PostFigures, Reviewed, minimum_checks
from bot.services.duty.rules import MEDIATION, PATROL, FieldError, Month
from bot.services.duty.view import field_error, join_names, minimum_text, month_label, posts_label, rule_text
from bot.services.kernel import pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.kept import Kept, keeper
from bot.services.kernel.pages import Filter, clip
from bot.services.members.people import unit_label

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


async def my_month(deps: Deps, call: Call, month_text: str) -> Reply:
    """`/duty [YYYY-MM]`: what the post-holder did in the month, the points, and whether the minimum of
    their posts is met."""
    actor, store, settings, lang = call.actor, deps.store, deps.settings, call.lang
    month = _month(month_text, call.now, settings, lang)
    if isinstance(month, Reply):
        return month
    member = actor.member
    if member is None or not actor.can(Capability.POST):
        return say("common.refused", what="/duty", who=t(lang, "common.who_post"))
    cat = await catalogue(store)
    reviewed = await member_month(store, member.id, month.bounds(settings.tz), cat)
    minimum = minimum_text(lang, minimum_checks(reviewed, member.posts, cat))
    text = t(
        lang,
        "duty.summary.text",
        name=member.name,
        month=month_label(lang, month),
        posts=posts_label(lang, member.posts),
        lines=Html("\n".join(_lines(lang, reviewed, member.posts, cat))),
        points=reviewed.points,
        pending=Html(_pending(lang, reviewed)),
        minimum=Html(minimum),
    )
    return shown(text + "\n\n" + t(lang, "duty.points_rule"))


def _lines(lang: str, reviewed: Reviewed, held: frozenset[str], cat: Catalogue) -> list[str]:
    """What was done, post by post: patrols and mediations when held or done, each other post held or done."""
    s = reviewed.approved
    lines = []
    if PATROL in held or s.patrols:
        lines.append(t(lang, "duty.summary.patrol_line", patrols=s.patrols, minutes=s.minutes))
    if MEDIATION in held or s.mediations:
        lines.append(
            t(
                lang,
                "duty.summary.mediation_line",
                mediations=s.mediations,
                resolved=s.outcomes["resolved"],
                referred=s.outcomes["referred"],
                ongoing=s.outcomes["ongoing"],
            )
        )
    others = [p.key for p in cat.posts if p.key not in (PATROL, MEDIATION)]
    others += sorted(k for k in set(held) | set(reviewed.generic) if k not in others and k not in (PATROL, MEDIATION))
    for key in others:
        figures = reviewed.generic.get(key)
        if key in held or figures:
            shown_figures = figures or PostFigures()
            lines.append(
                t(
                    lang,
                    "duty.summary.post_line",
                    post=cat.name(key),
                    entries=shown_figures.entries,
                    minutes=shown_figures.minutes,
                    served=shown_figures.served,
                )
            )
    return lines


def _pending(lang: str, reviewed: Reviewed) -> str:
    if not reviewed.pending:
        return ""
    return t(lang, "duty.summary.pending", count=reviewed.pending, points=reviewed.pending_points)


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


def _figures(lang: str, row: ReportRow, cap: int | None) -> str:
    """The month's approved figures of the posts the member holds (and of any post they logged approved
    entries for since leaving it): `巡逻 3 次/120 分钟 · 环境卫生岗 2 条`; nothing of posts they do not hold."""
    s, held = row.summary, row.member.posts
    parts = []
    if PATROL in held or s.patrols:
        parts.append(t(lang, "duty.report.patrols", patrols=s.patrols, minutes=s.minutes))
    if MEDIATION in held or s.mediations:
        parts.append(t(lang, "duty.report.mediations", mediations=s.mediations))
    generic = dict(row.reviewed.generic)
    for post in sorted(held - {PATROL, MEDIATION} | set(generic)):
        entries = generic[post].entries if post in generic else 0
        parts.append(t(lang, "duty.report.post_entries", post=clip(post, cap), entries=entries))
    return " · ".join(parts)


def _pending_note(lang: str, row: ReportRow) -> str:
    pending = row.reviewed.pending
    return t(lang, "duty.report.pending", count=pending, points=row.reviewed.pending_points) if pending else ""


def _line(ranked: Ranked, tree: OrgTree, lang: str, cap: int | None) -> str:
    row, s = ranked.row, ranked.row.summary
    return t(
        lang,
        "duty.report.line",
        rank=ranked.rank,
        name=clip(row.member.name, cap),
        unit=clip(unit_label(tree, row.member), cap),
        posts=clip(posts_label(lang, row.member.posts), cap),
        figures=Html(_figures(lang, row, cap)),
        points=s.points,
        pending=Html(_pending_note(lang, ranked.row)),
        minimum=t(lang, _VERDICT[row.met]),
        note="" if row.member.linked else t(lang, "duty.report.unlinked"),
    )


async def _ranked(deps: Deps, call: Call, month: Month, fresh: bool) -> tuple[OrgTree, Kept[Ranked]]:
    """The month's post-holders of the units the person manages, ranked; kept between presses (the key names
    the person and their units as they are now: their rights were checked before)."""
    store = deps.store
    tree = OrgTree.of(await store.units.all())

    async def build() -> Kept[Ranked]:
        cat = await catalogue(store)
        holders = await store.members.post_holders_in_units(managed_units(call.actor, tree))
        rows = await units_month(store, holders, month.bounds(deps.tz), cat)
        ranked = await Kept.counted([Ranked(rank, row) for rank, row in enumerate(rows, 1)], FILTERS)
        ranked.memo["none"] = sum(1 for row in rows if row.met is None)
        ranked.memo["rules"] = [post for post in cat.posts if post.minimum > 0]
        return ranked

    member = call.actor.member.id if call.actor.member is not None else None
    key = ("dutyreport", month_key(month), member, frozenset(managed_units(call.actor, tree)))
    return tree, await keeper(store).get(key, build, fresh=fresh)


async def _page(deps: Deps, call: Call, month: Month, asked: pages.Asked) -> Reply:
    """The month's counts, a page of post-holders by points (each with their rank among all), the rules."""
    actor, lang = call.actor, call.lang
    tree, ranked = await _ranked(deps, call, month, asked.fresh)
    if not ranked.items:
        return say("duty.report.empty", month=month_label(lang, month))
    page = ranked.page(replace(asked, size=_PER_PAGE.get(lang, pages.PAGE_SIZE)))
    head = [
        t(lang, "duty.report.header", month=month_label(lang, month), count=len(ranked.items)),
        t(
            lang,
            "duty.report.counts",
            met=page.counts["met"],
            not_met=page.counts["notmet"],
            none=ranked.memo["none"],
        ),
        *pages.narrowed(page, lang),
    ]
    rules = [rule_text(lang, post) for post in ranked.memo["rules"]]
    foot = [
        "",
        t(lang, "duty.points_rule"),
        t(lang, "duty.report.footer", rules=join_names(rules, lang) or t(lang, "duty.post.none")),
    ]
    more = pages.footer(page, lang, export=actor.is_secretary)

    def render(lines: list[str]) -> str:
        return "\n".join([*head, *(lines or [t(lang, "pages.nobody_here")]), *foot, *(["", *more] if more else [])])

    text = pages.fit(render, lambda cap: [_line(ranked, tree, lang, cap) for ranked in page.entries])
    key = month_key(month)
    return shown(text, pages.buttons(page, lambda f, n: ListPage(pages.PageList.DUTYREPORT, key, f, n).pack(), lang))


async def units_report(deps: Deps, call: Call, month_text: str) -> Reply:
    """`/dutyreport [YYYY-MM]`: every post-holder of the units the secretary manages (nobody else's), a page
    at a time."""
    month = _month(month_text, call.now, deps.settings, call.lang)
    if isinstance(month, Reply):
        return month
    return await _page(deps, call, month, pages.Asked(fresh=True))


async def dutyreport_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page button of `/dutyreport` (`ref`: the month): the page, if the person is still a secretary (their
    units as they are now); else the alert of an expired button."""
    month = month_of_key(pressed.ref)
    if month is None or not call.actor.is_secretary:
        return alert("pages.expired", command="/dutyreport")
    return await _page(deps, call, month, pages.Asked(pressed.filter, pressed.page))
