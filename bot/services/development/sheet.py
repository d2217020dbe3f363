"""The 发展党员 sheets of the workbook (issue 24), the two registers an inspection asks for:

* 入党积极分子、发展对象培养考察登记: everyone who was chosen as 积极分子 — 申请, 谈话, 确定积极分子 and the
  培养联系人, each half-yearly 考察, the 思想汇报 counted per quarter (those the register records, and those handed in
  through `/report` once the person is a member under the same name), 列为发展对象;
* 发展党员工作台账: everyone on the way in — the dates of every step, 入党介绍人, 政审, 集中培训 (天数 / 学时), the
  支部大会's vote (as recorded), 审批, 宣誓, the 预备期 (from the 支部大会 to its end, with an extension), 转正.

Names, dates and counts only: never a 政审 conclusion (only its date) and never the birth day (the year and
month, as the registers print it)."""

from __future__ import annotations

from datetime import date

from bot.services.development import common
from bot.services.development.rules import Record, Step
from bot.services.kernel import dates
from bot.services.kernel.xlsx_cells import plain
from bot.services.kernel.xlsx_context import Ledger
from bot.store.development import Person, StepRow

ACTIVIST_COLUMNS = (
    "name",
    "branch",
    "birth",
    "applied",
    "talk",
    "activist",
    "contacts",
    "reviews",
    "reports",
    "candidate",
    "stage",
)
REGISTER_COLUMNS = (
    "name",
    "branch",
    "applied",
    "activist",
    "candidate",
    "introducers",
    "vetting",
    "training",
    "publicity",  # 公示期 before the 支部大会 (拟接收), and before 转正 under it, as the 预备期 prints
    "vote",
    "confirm_vote",  # 转正's 支部大会 vote, right after 接收's
    "approve",
    "oath",
    "probation",
    "confirm",
    "stage",
)


def _last(person: Person, step: Step) -> StepRow | None:
    return next((s for s in reversed(person.steps) if s.step == step.value), None)


def _day(person: Person, step: Step) -> date | None:
    found = _last(person, step)
    return found.on if found else None


def admission_publicity(person: Person) -> StepRow | None:
    """The 公示 of a 发展对象 before the 支部大会 (拟接收预备党员): the last one on or before its day; one after
    it is the 预备党员's before 转正, not this one."""
    admitted = _day(person, Step.ADMIT)
    shown = [s for s in person.steps if s.step == Step.PUBLICITY.value and (admitted is None or s.on <= admitted)]
    return shown[-1] if shown else None


def confirmation_publicity(person: Person) -> StepRow | None:
    """The 公示 of a 预备党员 before the 支部大会 on 转正 (拟转正): the last one after the 接收 支部大会's day."""
    admitted = _day(person, Step.ADMIT)
    if admitted is None:
        return None
    shown = [s for s in person.steps if s.step == Step.PUBLICITY.value and s.on > admitted]
    return shown[-1] if shown else None


def publicity_cell(person: Person, ledger: Ledger) -> str | None:
    """The 公示期 column: the 公示 before 接收, and under it the one before 转正 once there is one, each named
    (「拟接收：…」「拟转正：…」): one column for both, as a third would push the sheet onto a second page."""
    before_admission = publicity_span(admission_publicity(person), ledger)
    before_confirmation = publicity_span(confirmation_publicity(person), ledger)
    if before_confirmation is None:
        return before_admission
    lines = [ledger.text("development.publicity_confirm", span=before_confirmation)]
    if before_admission is not None:
        lines.insert(0, ledger.text("development.publicity_admit", span=before_admission))
    return "\n".join(lines)


def publicity_span(shown: StepRow | None, ledger: Ledger) -> str | None:
    """`2026年10月12日至10月16日`: a span, as the 预备期 prints (two date columns would push the sheet onto a
    second page)."""
    if shown is None:
        return None
    start, end = dates.dated_span(ledger.lang, shown.on, shown.ends_on or shown.on)
    return ledger.text("development.span", start=start, end=end)


def training(note: str, ledger: Ledger) -> str | None:
    """`3天` / `24学时` as the secretary wrote them, read back in the register's words."""
    days = common.amount(note, "天", "days", "day")
    hours = common.amount(note, "学时", "小时", "hours", "hour")
    parts = []
    if days:
        parts.append(ledger.text("development.days", count=f"{days:g}"))
    if hours:
        parts.append(ledger.text("development.hours", count=f"{hours:g}"))
    return "、".join(parts) or None


def vote(row: StepRow | None, ledger: Ledger) -> str | None:
    """The 支部大会's day and count: 应到, 实到, 赞成 (书面), as the secretary recorded them."""
    if row is None:
        return None
    counted = common.vote(row.note)
    day = ledger.text("development.on", day=dates.dated(ledger.lang, row.on))
    link = ledger.text("development.meeting", number=row.meeting[0], seq=row.meeting[1]) if row.meeting else ""
    if counted is None:
        return day + (row.note or "") + link
    return (
        day
        + ledger.text(
            "development.vote",
            expected=counted.expected,
            present=counted.present,
            yes=counted.for_,
            written=counted.written_for,
        )
        + link
    )


def probation(record: Record, ledger: Ledger) -> str | None:
    admitted, ends = record.day(Step.ADMIT), record.probation_ends
    if admitted is None or ends is None or record.day(Step.APPROVE) is None:
        return None
    start, end = dates.dated_span(ledger.lang, admitted, ends)
    span = ledger.text("development.span", start=start, end=end)
    if record.extended_months:
        span += ledger.text("development.extended", months=record.extended_months)
    return span


def quarters(days: list[date], ledger: Ledger) -> str | None:
    """Thought reports counted per quarter: `2026年第三季度 1 篇` in the register's words."""
    counts: dict[tuple[int, int], int] = {}
    for day in days:
        key = (day.year, (day.month - 1) // 3 + 1)
        counts[key] = counts.get(key, 0) + 1
    return (
        "、".join(
            ledger.text("development.quarter", year=y, quarter=ledger.text(f"grid.quarter.{q}"), count=n)
            for (y, q), n in sorted(counts.items())
        )
        or None
    )


def _stage_cell(person: Person, ledger: Ledger) -> str:
    stage, _, roster = common.stage_of(person)
    return plain(ledger.lang, f"development.stage.{stage}") + (ledger.text("development.roster_only") if roster else "")


async def activist_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(
        ledger.text("development_activists.sheet"),
        ledger.headers("development_activists", ACTIVIST_COLUMNS),
        widths={6: 14, 7: 14, 8: 16},
    )
    people = await ledger.store.development.in_units(ledger.units)
    reports = await ledger.store.development.report_days([p.id for p in people])
    for p in people:
        chosen = _last(p, Step.ACTIVIST)
        if chosen is None:
            continue
        ledger.seen(_day(p, Step.APPLY) or chosen.on)
        reviews = [dates.dated(ledger.lang, s.on) for s in p.steps if s.step == Step.REVIEW.value and s.on >= chosen.on]
        table.row(
            [
                p.name,
                ledger.unit(p.unit_id) or None,
                dates.month(ledger.lang, p.birth) if p.birth else None,
                _day(p, Step.APPLY),
                _day(p, Step.TALK),
                chosen.on,
                chosen.people or None,
                "、".join(reviews) or None,
                quarters(
                    [at.astimezone(ledger.tz).date() for at in reports.get(p.id, [])]
                    + [s.on for s in p.steps if s.step == Step.REPORT.value],
                    ledger,
                ),
                _day(p, Step.CANDIDATE),
                _stage_cell(p, ledger),
            ]
        )


async def register_sheet(ledger: Ledger) -> None:
    table = ledger.book.table(
        ledger.text("development.sheet"),
        ledger.headers("development", REGISTER_COLUMNS),
        widths={5: 10, 8: 12, 9: 18, 10: 16, 13: 14},
    )
    for p in await ledger.store.development.in_units(ledger.units):
        record = common.record_of(p)
        ledger.seen(_day(p, Step.APPLY) or p.stage_on)
        trained = _last(p, Step.TRAINING)
        introducers = _last(p, Step.CANDIDATE)
        table.row(
            [
                p.name,
                ledger.unit(p.unit_id) or None,
                _day(p, Step.APPLY),
                _day(p, Step.ACTIVIST),
                _day(p, Step.CANDIDATE),
                introducers.people if introducers and introducers.people else None,
                _day(p, Step.VETTING),
                training(trained.note, ledger) if trained else None,
                publicity_cell(p, ledger),
                vote(_last(p, Step.ADMIT), ledger),
                vote(_last(p, Step.CONFIRM), ledger),
                _day(p, Step.APPROVE),
                _day(p, Step.OATH),
                probation(record, ledger),
                _day(p, Step.CONFIRM),
                _stage_cell(p, ledger),
            ]
        )
