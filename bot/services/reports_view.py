"""What secretaries and liaisons see of thought reports (`/reports`, and a report's text on request),
and which period a member's report is for."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.buttons import ReportView
from bot.config import Settings
from bot.i18n import t
from bot.services import periods
from bot.services.people import unit_label
from bot.services.reports import mobile_since, period_name, report_period
from bot.services.results import Buttons, Result, alert, say, shown
from bot.services.rights import Actor, OrgTree, can_see_member, managed_units
from bot.store import Store
from bot.store.models import Member
from bot.store.reports import ThoughtReport


async def report_period_for(store: Store, member: Member, now: datetime, tz: ZoneInfo) -> periods.OpenPeriod:
    submitted = {r.period for r in await store.reports.all_thoughts([member.id])}
    return report_period(member, submitted, member.mobile_recorded_at, now, tz)


@dataclass(frozen=True)
class Line:
    member: Member
    unit: str
    period: periods.Period
    status: str  # submitted / missing / overdue
    report: ThoughtReport | None


@dataclass(frozen=True)
class Overview:
    lines: list[Line]


async def scope(store: Store, person: Actor, tree: OrgTree) -> list[Member]:
    """Members whose reports this person follows: a secretary's units, a liaison's own members."""
    found: dict[int, Member] = {}
    units = managed_units(person, tree)
    if units:
        for m in await store.members.in_units(units):
            found[m.id] = m
    if person.member is not None and person.member.is_liaison:
        for m in await store.members.kept_by(person.member.id):
            found[m.id] = m
    return [m for m in found.values() if m.report_cadence and m.category == "migrant"]


async def overview(store: Store, person: Actor, tree: OrgTree, day: date, now: datetime,
                   tz: ZoneInfo) -> Overview:
    """Every member who owes a report for the period holding `day`: submitted, missing or overdue."""
    members = await scope(store, person, tree)
    periods_of = {m.id: periods.period_of(day, m.report_cadence or periods.MONTHLY) for m in members}
    reports = await store.reports.thoughts_for([m.id for m in members],
                                               sorted({p.label for p in periods_of.values()}))
    by_key = {(r.member_id, r.period): r for r in reports}
    lines = []
    for m in members:
        period = periods_of[m.id]
        since = mobile_since(m.migrant_since, m.mobile_recorded_at, tz)
        if not periods.is_owed(period, since):
            continue
        report = by_key.get((m.id, period.label))
        lines.append(Line(m, unit_label(tree, m), period,
                          periods.report_status(period, report is not None, now, tz), report))
    order = {"overdue": 0, "missing": 1, "submitted": 2}
    lines.sort(key=lambda line: (order[line.status], line.member.unit_id, line.member.id))
    return Overview(lines)


async def visible_report(store: Store, person: Actor, tree: OrgTree,
                         report_id: int) -> tuple[Member, ThoughtReport] | None:
    """The report and its author, if this person may read it (the author, their liaison, a secretary
    over them, an admin)."""
    report = await store.reports.thought_by_id(report_id)
    if report is None:
        return None
    member = await store.members.get(report.member_id)
    if member is None or not can_see_member(person, member, tree):
        return None
    return member, report


#: Buttons to read reports on one overview (Telegram keeps a message's keyboard small).
MAX_VIEW_BUTTONS = 30


def _day(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d")


async def list_reports(person: Actor, wanted: str, now: datetime, store: Store, settings: Settings,
                       lang: str) -> Result:
    """`/reports [period]`: who owes a report for the period (this month by default) and who handed it in,
    with a button to read each report handed in."""
    tz = settings.tz
    period_day = now.astimezone(tz).date()
    label = periods.period_of(period_day, periods.MONTHLY).label
    if wanted:
        parsed = periods.parse_period(wanted)
        if parsed is None:
            return Result.of(say("report.bad_month", value=wanted))
        period_day, label = parsed.start, parsed.label
    tree = OrgTree.of(await store.units.all())
    view = await overview(store, person, tree, period_day, now, tz)
    if not view.lines:
        return Result.of(say("report.nobody", period=period_name(label, lang)))
    counts = {k: sum(1 for line in view.lines if line.status == k) for k in ("submitted", "missing", "overdue")}
    out = [t(lang, "report.overview", period=period_name(label, lang), **counts)]
    buttons: list[dict[str, str]] = []
    for line in view.lines:
        if line.status == "submitted" and line.report is not None:
            out.append(t(lang, "report.line_submitted", name=line.member.name, unit=line.unit,
                         date=_day(line.report.submitted_at, tz)))
            if len(buttons) < MAX_VIEW_BUTTONS:
                caption = html.unescape(t(lang, "report.view", name=line.member.name))  # plain text, not HTML
                buttons.append({"text": caption[:60], "data": ReportView(line.report.id).pack()})
        else:
            out.append(t(lang, f"report.line_{line.status}", name=line.member.name, unit=line.unit,
                         deadline=periods.deadline(line.period, tz).strftime("%Y-%m-%d %H:%M")))
    rows: Buttons = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return Result.of(shown("\n".join(out), rows or None))


async def read_report(person: Actor, report_id: int, store: Store, settings: Settings, lang: str) -> Result:
    """A report's text, if this person may read it (the right is checked again at every press)."""
    tree = OrgTree.of(await store.units.all())
    found = await visible_report(store, person, tree, report_id)
    if found is None:
        return Result.of(alert("report.not_allowed"))
    member, report = found
    return Result.of(say("report.text", name=member.name, period=period_name(report.period, lang),
                         date=_day(report.submitted_at, settings.tz), text=report.text))
