"""The ledger's sheets about people: 党员花名册 (the roster), 流动党员台账 (each mobile member × each report period
owed), 联系记录 (liaison contacts) and 动态报备 (status reports). Each builder streams its rows from the store."""

from __future__ import annotations

from contextlib import aclosing
from datetime import date, timedelta

from bot.domain import periods
from bot.domain.models import Member
from bot.domain.organisation import party_years, party_years_unknown
from bot.services.duty.view import post_label
from bot.services.kernel.text import join_names
from bot.services.kernel.xlsx_cells import plain, printable
from bot.services.kernel.xlsx_context import Ledger, PeriodTally
from bot.services.members.organisation_text import roles_text
from bot.services.reports.common import mobile_since, period_name
from bot.store.workbook_reads import MobileLine

ROSTER_COLUMNS = (
    "name",
    "branch",
    "group",
    "activity_group",
    "category",
    "membership",
    "joined",
    "confirmed",
    "years",
    "offices",
    "liaison",
    "posts",
    "phone",
    "building",
    "linked",
    "state",
)
MOBILE_COLUMNS = (
    "name",
    "branch",
    "place",
    "liaison",
    "cadence",
    "period",
    "deadline",
    "submitted",
    "verdict",
    "read",
    "last_contact",
    "last_status",
    "status_at",
)
CONTACT_COLUMNS = ("at", "member", "branch", "liaison", "note")
STATUS_COLUMNS = ("at", "name", "branch", "state", "place", "note")
STATES = ("home", "away_work", "away_business", "study", "ill", "hardship")
#: Report periods shown per mobile member at most (the most recent): five years of monthly reports.
MAX_PERIODS = 60


async def roster_sheet(ledger: Ledger) -> None:
    """党员花名册: everyone on the roster (and who left it, marked 停用), by branch."""
    table = ledger.book.table(ledger.text("roster.sheet"), ledger.headers("roster", ROSTER_COLUMNS))
    lang, today = ledger.lang, ledger.today
    yes, no = ledger.text("yes"), ledger.text("no")
    async with aclosing(ledger.store.members.each(ledger.units)) as members:
        async for m, liaison in members:
            posts = join_names([post_label(lang, p) for p in sorted(m.posts)], lang)
            table.row(
                [
                    m.name,
                    ledger.unit(m.unit_id),
                    ledger.unit(m.group_id) or None,
                    ledger.unit(m.activity_group_id) or None,
                    ledger.text(f"category.{m.category}") if m.category else None,
                    ledger.text(f"membership.{m.membership}"),
                    m.joined,
                    m.confirmed,
                    _years(ledger, m, today),
                    printable(roles_text(m, lang)) or None,
                    liaison,
                    posts or None,
                    m.phone,
                    m.building,
                    yes if m.linked else no,
                    ledger.text("active" if m.active else "inactive"),
                ]
            )


def owed(line: MobileLine, ledger: Ledger) -> list[periods.Period]:
    """The periods the member owes a report for that have ended, and the current one when already reported."""
    since = mobile_since(line.migrant_since, line.recorded_at, ledger.tz)
    if since is None:
        return []
    today = ledger.today
    found: list[periods.Period] = []
    period = periods.period_of(max(since, today - timedelta(days=31 * MAX_PERIODS)), line.cadence)
    while period.start <= today:
        if periods.is_owed(period, since) and (period.end < today or period.label in line.submitted):
            found.append(period)
        period = periods.next_period(period, line.cadence)
    return found[-MAX_PERIODS:]


async def mobile_sheet(ledger: Ledger) -> None:
    """流动党员台账: each mobile member × each period owed: when the report came, or 未交, and who read it (已阅)."""
    table = ledger.book.table(ledger.text("mobile.sheet"), ledger.headers("mobile", MOBILE_COLUMNS))
    tally = ledger.tally.periods
    words = {v: ledger.text(f"mobile.verdict.{v}") for v in ("on_time", "late", "missing")}
    cadences = {c: ledger.text(f"cadence.{c}") for c in (periods.MONTHLY, periods.QUARTERLY)}
    states = {s: plain(ledger.lang, f"status.state.{s}") for s in STATES}
    names: dict[str, str] = {}
    unread, sep = ledger.text("mobile.unread"), ledger.text("names_separator")
    async with aclosing(ledger.reads.each_mobile(ledger.units)) as lines:
        async for line in lines:
            status = states.get(line.last_state, line.last_state) if line.last_state else None
            place = line.last_location
            if ledger.reader:  # 上级党委: whether reports came, never an illness, a hardship or where someone is
                status = place = None
            for period in owed(line, ledger):
                at = line.submitted.get(period.label)
                due = periods.deadline(period, ledger.tz)
                verdict = "missing" if at is None else ("on_time" if at <= due else "late")
                name = names.get(period.label) or names.setdefault(
                    period.label, printable(period_name(period.label, ledger.lang))
                )
                count = tally.setdefault(period.label, PeriodTally(name, period.end))
                setattr(count, verdict, getattr(count, verdict) + 1)
                ledger.seen(period.start)
                table.row(
                    [
                        line.name,
                        ledger.unit(line.unit_id),
                        place,
                        line.liaison,
                        cadences.get(line.cadence, line.cadence),
                        name,
                        period.end,
                        at,
                        words[verdict],
                        # 已阅: who read it since it was handed in (a secretary over the member, or their liaison)
                        None if at is None else sep.join(line.readers.get(period.label, ())) or unread,
                        line.last_contact,
                        status,
                        line.last_status_at,
                    ]
                )


async def contacts_sheet(ledger: Ledger) -> None:
    """联系记录: every contact a liaison logged, oldest first."""
    table = ledger.book.table(
        ledger.text("contacts.sheet"), ledger.headers("contacts", CONTACT_COLUMNS), widths={4: 48}
    )
    async with aclosing(ledger.reads.each_contact(ledger.units)) as contacts:
        async for c in contacts:
            ledger.seen(c.at)
            table.row([c.at, c.member, ledger.unit(c.unit_id), c.liaison, c.note])


async def status_sheet(ledger: Ledger) -> None:
    """动态报备: every status report, oldest first."""
    table = ledger.book.table(ledger.text("status.sheet"), ledger.headers("status", STATUS_COLUMNS), widths={5: 40})
    states = {s: plain(ledger.lang, f"status.state.{s}") for s in STATES}
    async with aclosing(ledger.store.reports.each_status(ledger.units)) as reports:
        async for s, name, unit_id in reports:
            ledger.seen(s.at)
            table.row([s.at, name, ledger.unit(unit_id), states.get(s.state, s.state), s.location, s.note])


def _years(ledger: Ledger, member: Member, today: date) -> int | str | None:
    """党龄 on the roster sheet: whole years from 转正; 不详 for a full member without 转正时间; empty for a
    预备党员."""
    years = party_years(member.confirmed, member.membership, today)
    if years is None and party_years_unknown(member.confirmed, member.membership, today):
        return ledger.text("membership.years_unknown")
    return years
