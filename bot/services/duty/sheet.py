"""The ledger's 设岗定责考核 sheet: month × post-holder, with the figures and points of `/dutyreport` (the same
rules: `bot.services.duty.points` — each post of the catalogue with its own points rule and monthly minimum, and
only approved entries count toward 积分 and 是否达标; entries waiting for review and entries turned down are
counted apart), from the first month anything was logged to this month."""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass, field

from bot.services.duty.common import catalogue
from bot.services.duty.points import Catalogue, PostFigures, Reviewed, met, summarize_reviewed
from bot.services.duty.rules import MEDIATION, OUTCOMES, PATROL, MonthSummary
from bot.services.duty.view import post_label
from bot.services.kernel.text import join_names
from bot.services.kernel.xlsx_cells import Month
from bot.services.kernel.xlsx_context import Ledger

DUTY_COLUMNS = (
    "month",
    "name",
    "branch",
    "posts",
    "patrols",
    "minutes",
    "mediations",
    *OUTCOMES,
    "others",
    "points",
    "met",
    "pending",
    "rejected",
)


@dataclass(frozen=True)
class Person:
    name: str
    unit_id: int
    posts: frozenset[str]  # held today (empty: logged once, holds no post now)


@dataclass
class MemberMonth:
    """A member's month as it streams by: the reviewed entries, and those turned down."""

    reviewed: Reviewed = field(default_factory=lambda: Reviewed(MonthSummary()))
    rejected: int = 0


def _add(total: Reviewed, more: Reviewed) -> None:
    """Sum two reviewed months (each entry is scored by `summarize_reviewed`, so the rules stay in one place)."""
    a, b = total.approved, more.approved
    a.patrols += b.patrols
    a.minutes += b.minutes
    a.points += b.points
    for outcome, count in b.outcomes.items():
        a.outcomes[outcome] = a.outcomes.get(outcome, 0) + count
    total.pending += more.pending
    total.pending_points += more.pending_points
    for key, count in more.entries.items():
        total.entries[key] = total.entries.get(key, 0) + count
    for key, figures in more.generic.items():
        mine = total.generic.setdefault(key, PostFigures())
        mine.entries += figures.entries
        mine.minutes += figures.minutes
        mine.served += figures.served


def _months(first: Month, last: Month) -> list[Month]:
    out, current = [], first
    while (current.year, current.month) <= (last.year, last.month):
        out.append(current)
        current = Month(current.year + current.month // 12, current.month % 12 + 1)
    return out


def post_name(lang: str, cat: Catalogue, key: str) -> str:
    """A post by its catalogue name (patrol and mediation by the catalogue of words in English)."""
    if lang != "zh" and key in (PATROL, MEDIATION):
        return post_label(lang, key)
    return cat.name(key)


async def duty_sheet(ledger: Ledger) -> None:
    """设岗定责考核: for each month, each post-holder of the units (and anyone who logged duty that month), most
    approved points first, with 是否达标 by the minimum of the posts they hold."""
    table = ledger.book.table(ledger.text("duty.sheet"), ledger.headers("duty", DUTY_COLUMNS), widths={10: 28})
    cat = await catalogue(ledger.store)
    people = {h.id: Person(h.name, h.unit_id, h.posts) for h in await ledger.reads.holders(ledger.units)}
    months: dict[tuple[Month, int], MemberMonth] = {}
    async with aclosing(ledger.store.duty.each(ledger.units)) as logs:
        async for entry, name, unit_id in logs:
            month = Month(entry.local_date.year, entry.local_date.month)
            ledger.seen(entry.local_date)
            people.setdefault(entry.member_id, Person(name, unit_id, frozenset()))
            mine = months.setdefault((month, entry.member_id), MemberMonth())
            if entry.review == "rejected":
                mine.rejected += 1
            else:
                _add(mine.reviewed, summarize_reviewed([entry], cat))
    today = ledger.today
    last = Month(today.year, today.month)
    first = min(months, key=lambda k: (k[0].year, k[0].month))[0] if months else last
    verdicts = {True: ledger.text("duty.met"), False: ledger.text("duty.not_met"), None: None}
    labels: dict[frozenset[str], str | None] = {}
    lang, sep = ledger.lang, ledger.text("names_separator")
    for month in _months(first, last):
        rows = []
        for member_id, person in people.items():
            found = months.get((month, member_id))
            if found is None and not person.posts:
                continue
            rows.append((member_id, person, found or MemberMonth()))
        rows.sort(key=lambda r: (-r[2].reviewed.points, r[1].name, r[0]))
        for _, person, m in rows:
            r, s = m.reviewed, m.reviewed.approved
            ledger.tally.duty_points[month] += s.points
            if person.posts not in labels:
                labels[person.posts] = (
                    join_names(
                        [post_name(lang, cat, p.key) for p in cat.held(person.posts)]
                        + sorted(p for p in person.posts if cat.by_key(p) is None),
                        lang,
                    )
                    or None
                )
            others = sep.join(
                ledger.text("duty.entries", post=post_name(lang, cat, key), entries=f.entries)
                for key, f in sorted(r.generic.items())
            )
            table.row(
                [
                    month,
                    person.name,
                    ledger.unit(person.unit_id),
                    labels[person.posts],
                    s.patrols,
                    s.minutes,
                    s.mediations,
                    *(s.outcomes.get(o, 0) for o in OUTCOMES),
                    others or None,
                    s.points,
                    verdicts[met(r, person.posts, cat)],
                    r.pending,
                    m.rejected,
                ]
            )
        if not rows:
            ledger.tally.duty_points[month] += 0
