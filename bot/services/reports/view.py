"""What secretaries and liaisons see of thought reports: `/reports` as pages (`bot.services.kernel.pages`) — the
mobile members who owe one for the period (已交 / 未到期未交 / 逾期未交), the reports other members handed in
of their own accord, and the quarter's reports of the 发展党员 register's 积极分子 / 发展对象 whom this person may
read (`register.may_read`), marked with their stage; unread reports before read ones — and which period a member's
report is for. Reading a report and 已阅 are in
`bot.services.reports.read`."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.domain import periods
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import Actor, Capability, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.kernel import dates, pages
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.kept import Kept, chunks, keeper
from bot.services.kernel.pages import Filter, clip
from bot.services.members.people import unit_label
from bot.services.reports import register
from bot.services.reports.buttons import RegisterView, ReportView
from bot.services.reports.common import is_mobile, mobile_since, period_name, report_period
from bot.store import Store
from bot.store.development_reports import RegisterReport
from bot.store.reports import ThoughtReport


async def report_period_for(store: Store, member: Member, now: datetime, tz: ZoneInfo) -> periods.OpenPeriod:
    submitted = {r.period for r in await store.reports.all_thoughts([member.id])}
    return report_period(member, submitted, now, tz)


@dataclass(frozen=True)
class Line:
    name: str
    unit_id: int
    owner: int  # the member's id, or the register record's
    unit: str
    period: periods.Period
    status: str  # submitted / missing / overdue
    report: ThoughtReport | RegisterReport | None
    read: bool = False  # 已阅 by a secretary or the liaison since it was handed in
    stage: str = ""  # a report of the 发展党员 register: the person's stage (activist, candidate, …)


def member_line(m: Member, tree: OrgTree, state: tuple[periods.Period, str], report: ThoughtReport | None) -> Line:
    """A member's line: the period and its status (submitted / missing / overdue), and the report if any."""
    return Line(m.name, m.unit_id, m.id, unit_label(tree, m), state[0], state[1], report)


@dataclass(frozen=True)
class Overview:
    lines: list[Line]


async def scope(store: Store, person: Actor, tree: OrgTree, labels: Sequence[str]) -> list[Member]:
    """Members whose reports this person follows: of a secretary's units, the mobile members and those who handed
    one in for a period of `labels` (the others would show nothing); a liaison's own members."""
    found: dict[int, Member] = {}
    units = managed_units(person, tree)
    if units:
        for m in await store.members.reporting_in_units(units, labels):
            found[m.id] = m
    if person.member is not None and person.member.is_liaison:
        for m in await store.members.kept_by(person.member.id):
            found[m.id] = m
    return list(found.values())


def months_of(period: periods.Period) -> list[periods.Period]:
    """The months a period is made of (a month: itself)."""
    out = [periods.period_of(period.start, periods.MONTHLY)]
    while out[-1].end < period.end:
        out.append(periods.next_period(out[-1], periods.MONTHLY))
    return out


async def overview(deps: Deps, call: Call, tree: OrgTree, viewed: periods.Period) -> Overview:
    """Every mobile member who owes a report for the period holding the start of `viewed` (submitted, missing
    or overdue), every report another member handed in for a month of the `viewed` period or its quarter (a
    预备党员's), and the 发展党员 register's reports of the quarter."""
    store, now, tz, day = deps.store, call.now, deps.tz, viewed.start
    months = months_of(viewed)
    quarter = periods.period_of(day, periods.QUARTERLY)  # a 预备党员's reports are filed under the quarter
    members = await scope(store, call.actor, tree, [p.label for p in [*months, quarter]])
    mobile = [m for m in members if is_mobile(m)]
    others = [m for m in members if not is_mobile(m)]
    cadence = {m.id: m.report_cadence or periods.MONTHLY for m in mobile}
    shared = {c: periods.period_of(day, c) for c in set(cadence.values())}  # one period of each cadence
    periods_of = {member_id: shared[c] for member_id, c in cadence.items()}
    labels = {p.label for p in periods_of.values()} | {p.label for p in months} | {quarter.label}
    reports = await store.reports.thoughts_for([m.id for m in members], sorted(labels))
    by_key = {(r.member_id, r.period): r for r in reports}
    lines = []
    async for part in chunks(mobile, 500):  # a township's thousands of mobile members: the loop let go between chunks
        for m in part:
            period = periods_of[m.id]
            since = mobile_since(m.migrant_since, m.mobile_recorded_at, tz)
            if not periods.is_owed(period, since):
                continue
            report = by_key.get((m.id, period.label))
            state = (period, periods.report_status(period, report is not None, now, tz))
            lines.append(member_line(m, tree, state, report))
    for m in others:  # owe nothing here (a 预备党员 owes the register's quarter): shown when they handed one in
        for month in [*months, quarter]:
            found = by_key.get((m.id, month.label))
            if found is not None:
                lines.append(member_line(m, tree, (month, "submitted"), found))
    read = {r.report_id for r in await store.reports.reads_of([ln.report.id for ln in lines if ln.report])}
    lines = [replace(ln, read=True) if ln.report is not None and ln.report.id in read else ln for ln in lines]
    lines += await register_lines(deps, call, tree, viewed)
    order = {"overdue": 0, "missing": 1, "submitted": 2}
    lines.sort(key=lambda line: (order[line.status], line.read, line.unit_id, bool(line.stage), line.owner))
    return Overview(lines)


async def register_lines(deps: Deps, call: Call, tree: OrgTree, viewed: periods.Period) -> list[Line]:
    """The 发展党员 register for the quarter holding the start of `viewed`, of the people this person may read (a
    secretary's branches, a 培养联系人's own): each report handed in, marked read when someone marked it, and each
    积极分子 / 发展对象 who owes the quarter and has not handed one in (missing, or overdue after its deadline)."""
    store, person = deps.store, call.actor
    units = set(managed_units(person, tree))
    if person.member is not None and not person.read_only:
        units.add(person.member.unit_id)
    people = {p.id: p for p in await store.development.in_units(units) if register.may_read(person, p, tree)}
    quarter = register.quarter(viewed.start)
    lines = []
    for report in await store.development.reports_of(list(people)):
        if report.period != quarter.label:
            continue
        owner = people[report.person_id]
        unit = tree.name(owner.unit_id)
        read = bool(await store.development.report_reads(report.id))
        lines.append(Line(owner.name, owner.unit_id, owner.id, unit, quarter, "submitted", report, read, owner.stage))
    handed_in = {line.owner for line in lines}
    status = periods.report_status(quarter, False, call.now, deps.tz)
    for owner in people.values():
        if owner.stage not in register.WRITING or owner.id in handed_in or not register.owes(owner, quarter):
            continue
        if not register.on_paper(owner, quarter):  # a report on paper the secretary recorded counts, as for the digest
            unit = tree.name(owner.unit_id)
            lines.append(Line(owner.name, owner.unit_id, owner.id, unit, quarter, status, None, False, owner.stage))
    return lines


FILTERS: tuple[Filter[Line], ...] = (
    Filter("all", "report.filter.all"),
    Filter("submitted", "report.filter.submitted", lambda line: line.status == "submitted"),
    Filter("missing", "report.filter.missing", lambda line: line.status == "missing"),
    Filter("overdue", "report.filter.overdue", lambda line: line.status == "overdue"),
)
#: Read buttons on a row (only the page's reports get one).
VIEW_PER_ROW = 3


def day_text(lang: str, moment: datetime, tz: ZoneInfo, today: date) -> str:
    """The day of a report or a mark in words (`5月5日（周二）`), with its year when not `today`'s."""
    return dates.day_near(lang, moment.astimezone(tz).date(), today)


def period_key(period: periods.Period) -> int:
    """The period as a button carries it: `202610` for 2026-10, `20264` for 2026-Q4."""
    year, _, rest = period.label.partition("-")
    return int(year) * 10 + int(rest[1:]) if rest.startswith("Q") else int(year) * 100 + int(rest)


def period_of_key(key: int) -> periods.Period | None:
    """The period a button names, or None for a value no button carries."""
    text = f"{key // 100:04d}-{key % 100:02d}" if key >= 100_000 else f"{key // 10:04d}-Q{key % 10}"
    found = periods.parse_period(text)
    return found if found is not None and period_key(found) == key else None


def _line(line: Line, lang: str, tz: ZoneInfo, cap: int | None) -> str:
    name, unit = clip(line.name, cap), clip(line.unit, cap)
    if line.stage:
        unit = t(lang, "report.register_unit", stage=t(lang, f"development.stage.{line.stage}"), unit=unit)
    if line.status == "submitted" and line.report is not None:
        extra = "".join(
            [
                t(lang, "report.mark_voice") if line.report.voice else "",
                t(lang, "report.mark_read") if line.read else "",
            ]
        )
        return t(
            lang,
            "report.line_submitted",
            name=name,
            unit=unit,
            date=day_text(lang, line.report.submitted_at, tz, line.period.end),
            extra=Html(extra),
        )
    return t(
        lang,
        f"report.line_{line.status}",
        name=name,
        unit=unit,
        deadline=dates.moment_in(lang, periods.deadline(line.period, tz), tz),
    )


async def _lines(deps: Deps, call: Call, period: periods.Period, *, fresh: bool) -> Kept[Line]:
    """The period's overview, kept between presses (the key names the person, their units as they are now and
    whether they keep contact as a liaison: their rights were checked before)."""
    tree = OrgTree.of(await deps.store.units.all())

    async def build() -> Kept[Line]:
        return await Kept.counted((await overview(deps, call, tree, period)).lines, FILTERS)

    member = call.actor.member
    key = (
        "reports",
        period.label,
        member.id if member is not None else None,
        member is not None and member.is_liaison,
        frozenset(managed_units(call.actor, tree)),
    )
    return await keeper(deps.store).get(key, build, fresh=fresh)


async def _page(deps: Deps, call: Call, period: periods.Period, asked: pages.Asked) -> Reply:
    """The counts of the period, a page of who owes a report, and a button to read each report on it."""
    person, lang, tz = call.actor, call.lang, deps.tz
    lines = await _lines(deps, call, period, fresh=asked.fresh)
    if not lines.items:
        return say("report.nobody", period=period_name(period.label, lang))
    page = lines.page(asked)
    head = [
        t(
            lang,
            "report.overview",
            period=period_name(period.label, lang),
            submitted=page.counts["submitted"],
            missing=page.counts["missing"],
            overdue=page.counts["overdue"],
        ),
        *pages.narrowed(page, lang),
    ]
    foot = pages.footer(page, lang, export=person.is_secretary)

    def render(lines: list[str]) -> str:
        body = lines or [t(lang, "pages.nobody_here")]
        return "\n".join([*head, *body, *(["", *foot] if foot else [])])

    text = pages.fit(render, lambda cap: [_line(line, lang, tz, cap) for line in page.entries])
    views = [
        {
            "text": html.unescape(t(lang, "report.view", name=line.name))[:60],  # plain text, not HTML
            "data": (RegisterView(line.report.id) if line.stage else ReportView(line.report.id)).pack(),
        }
        for line in page.entries
        if line.status == "submitted" and line.report is not None
    ]
    key = period_key(period)
    keys = pages.buttons(
        page,
        lambda f, n: ListPage(pages.PageList.REPORTS, key, f, n).pack(),
        lang,
        extra=[views[i : i + VIEW_PER_ROW] for i in range(0, len(views), VIEW_PER_ROW)],
    )
    return shown(text, keys)


async def list_reports(deps: Deps, call: Call, wanted: str) -> Result:
    """`/reports [period]`: who owes a report for the period (this month by default) and who handed it in,
    a page at a time, with a button to read each report handed in on the page."""
    period = periods.period_of(call.now.astimezone(deps.tz).date(), periods.MONTHLY)
    if wanted:
        parsed = periods.parse_period(wanted)
        if parsed is None:
            return Result.of(say("report.bad_month", value=wanted))
        period = parsed
    return Result.of(await _page(deps, call, period, pages.Asked(fresh=True)))


async def reports_page(deps: Deps, call: Call, pressed: ListPage) -> Reply:
    """A page button of `/reports`: the page, as the person may see it now (a secretary's units, a liaison's
    members); a person who may no longer use /reports, or a period no button names (`ref`), gets the expired
    alert."""
    period = period_of_key(pressed.ref)
    if period is None or not call.actor.can(Capability.LEADER):
        return alert("pages.expired", command="/reports")
    return await _page(deps, call, period, pages.Asked(pressed.filter, pressed.page))
