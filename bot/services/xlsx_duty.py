"""The ledger's 设岗定责考核 sheet: month × post-holder, with the figures and points of `/dutyreport` (the same
rules: `bot.services.duty_rules`), from the first month anything was logged to this month."""

from __future__ import annotations

from contextlib import aclosing
from dataclasses import dataclass

from bot.services.duty_rules import OUTCOMES, MonthSummary, minimum_met, summarize
from bot.services.duty_view import post_label
from bot.services.text import join_names
from bot.services.xlsx_book import Month
from bot.services.xlsx_context import Ledger

DUTY_COLUMNS = ("month", "name", "branch", "posts", "patrols", "minutes", "mediations", *OUTCOMES, "points", "met")


@dataclass(frozen=True)
class Person:
    name: str
    unit_id: int
    posts: frozenset[str]  # held today (empty: logged once, holds no post now)


def _add(total: MonthSummary, more: MonthSummary) -> None:
    """Sum two month summaries (each log is scored by `summarize`, so the rules stay in one place)."""
    total.patrols += more.patrols
    total.minutes += more.minutes
    total.points += more.points
    for outcome, count in more.outcomes.items():
        total.outcomes[outcome] = total.outcomes.get(outcome, 0) + count


def _months(first: Month, last: Month) -> list[Month]:
    out, current = [], first
    while (current.year, current.month) <= (last.year, last.month):
        out.append(current)
        current = Month(current.year + current.month // 12, current.month % 12 + 1)
    return out


async def duty_sheet(ledger: Ledger) -> None:
    """设岗定责考核: for each month, each post-holder of the units (and anyone who logged duty that month), most
    points first, with 是否达标 by the minimum of the posts they hold."""
    table = ledger.book.table(ledger.text("duty.sheet"), ledger.headers("duty", DUTY_COLUMNS))
    people = {h.id: Person(h.name, h.unit_id, h.posts) for h in await ledger.reads.holders(ledger.units)}
    summaries: dict[tuple[Month, int], MonthSummary] = {}
    async with aclosing(ledger.store.duty.each(ledger.units)) as logs:
        async for entry, name, unit_id in logs:
            month = Month(entry.local_date.year, entry.local_date.month)
            ledger.seen(entry.local_date)
            people.setdefault(entry.member_id, Person(name, unit_id, frozenset()))
            _add(summaries.setdefault((month, entry.member_id), MonthSummary()), summarize([entry]))
    today = ledger.today
    last = Month(today.year, today.month)
    first = min(summaries, key=lambda k: (k[0].year, k[0].month))[0] if summaries else last
    verdicts = {True: ledger.text("duty.met"), False: ledger.text("duty.not_met"), None: None}
    labels: dict[frozenset[str], str | None] = {}
    for month in _months(first, last):
        rows = []
        for member_id, person in people.items():
            summary = summaries.get((month, member_id))
            if summary is None and not person.posts:
                continue
            rows.append((member_id, person, summary or MonthSummary()))
        rows.sort(key=lambda r: (-r[2].points, r[1].name, r[0]))
        for _, person, s in rows:
            ledger.tally.duty_points[month] += s.points
            if person.posts not in labels:
                labels[person.posts] = join_names([post_label(ledger.lang, p) for p in sorted(person.posts)],
                                                  ledger.lang) or None
            table.row([
                month, person.name, ledger.unit(person.unit_id), labels[person.posts], s.patrols, s.minutes,
                s.mediations,
                *(s.outcomes.get(o, 0) for o in OUTCOMES), s.points, verdicts[minimum_met(s, person.posts)],
            ])
        if not rows:
            ledger.tally.duty_points[month] += 0
