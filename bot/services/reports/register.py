"""思想汇报 of the people in the 发展党员 register (issue 24), through the same report engine as members.

An 入党积极分子, 发展对象 or one whose admission waits for 上级党委审批 is not a member, but the roster gave their
private chat: `/report` there writes the quarter's report (text or voice, preview, Send), kept in the register
(`development_reports`) and recorded as the quarter's 思想汇报 step of the record. The branch secretaries and the
person's 培养联系人 are told, with a button to read it and mark it 已阅 (`bot.services.reports.register_read`).
A 预备党员 is a member: they write through the member's /report, and their reports count for the quarter too.

The chain, derived by the sweep (`register_reports`, a plain source) under unique keys, so each goes once, also
after a restart:

* `report:register:remind:<record>:<quarter>` — a week before the quarter ends, the person, when nothing was handed
  in for it;
* `report:register:escalate:<recipient>:<record>:<quarter>` — from the day after, through the next quarter, the
  branch secretaries and the 培养联系人, in the daily digest (not urgent).

A quarter is owed when the person has been in these stages since at least a month after it began (two months of
it); the 细则 asks for 思想汇报 at least once a quarter."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.config import Settings
from bot.domain import periods
from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.periods import Period
from bot.domain.rights import Actor, OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.kernel import dates, digest
from bot.services.kernel.deps import Deps
from bot.services.kernel.reminders import Due
from bot.services.reports.buttons import RegisterView, ReportWrite
from bot.store import Store
from bot.store.development import Person
from bot.store.development_reports import SELF_NOTE, Saving
from bot.store.outbox import Outgoing
from bot.store.reports import Person as Reach

#: Stages whose person writes here (not members yet).
WRITING = ("activist", "candidate", "admitted")
#: Stages the chain follows (a 预备党员 writes as a member).
CHAIN = (*WRITING, "probationary")
#: How long before the quarter's end the person is reminded.
BEFORE = timedelta(days=7)


def quarter(day: date) -> Period:
    return periods.period_of(day, periods.QUARTERLY)


def since(person: Person) -> date:
    """The day the person began to owe reports: chosen as 积极分子 (or the roster's stage day, without steps)."""
    chosen = [s.on for s in person.steps if s.step == "activist"]
    return chosen[-1] if chosen else person.stage_on


def owes(person: Person, period: Period) -> bool:
    """A quarter is owed when the person was in the stages from at most a month after it began."""
    return since(person) <= periods.months_after(period.start, 1)


def contacts(person: Person) -> list[str]:
    """The 培养联系人 named when the person was chosen as 积极分子."""
    chosen = [s.people for s in person.steps if s.step == "activist"]
    return [n for n in (chosen[-1].split("、") if chosen else []) if n]


def may_read(person: Actor, owner: Person, tree: OrgTree) -> bool:
    """A secretary over the person's branch (an admin too), or one of their 培养联系人 in the branch."""
    if owner.unit_id in managed_units(person, tree):
        return True
    me = person.member
    if me is None or person.read_only:
        return False
    return me.unit_id == owner.unit_id and me.name in contacts(owner)


async def writers(store: Store, telegram_id: int) -> list[Person]:
    """The register's records writing from this chat (their stage writes here): one, as a rule; more when the
    person is at such a stage in two branches (imported into both), which the caller refuses."""
    return [p for p in await store.development.by_telegram(telegram_id) if p.stage in WRITING]


async def branches(store: Store, people: Sequence[Person], lang: str) -> str:
    """The branches of these records, in words (`一村党支部、二村党支部`): what a refusal names."""
    tree = OrgTree.of(await store.units.all())
    return t(lang, "development.and").join(dict.fromkeys(tree.name(p.unit_id) for p in people))


async def readers(store: Store, person: Person) -> list[Reach]:
    """Who reads the person's reports: the branch secretaries and the 培养联系人 (active members of the branch)."""
    ids = {m for m, _ in await store.reports.secretaries([person.unit_id])}
    for name in contacts(person):
        ids.update(m.id for m in await store.members.named(name) if m.unit_id == person.unit_id)
    reach = await store.reports.people_index(sorted(ids))
    return [r for r in reach.values() if r.reachable and r.telegram_id is not None]


def stage_word(person: Person, lang: str) -> str:
    return t(lang, f"development.stage.{person.stage}")


async def file(deps: Deps, call: Call, saving: Saving) -> tuple[int, bool, int]:
    """Save the report; the first of a quarter tells the secretaries and 培养联系人, with a button to read it.
    (report id, replaced, messages queued)."""
    store, settings = deps.store, deps.settings
    report_id, replaced = await store.development.save_report(saving, call.now)
    person = await store.development.get(saving.person_id)
    if replaced or person is None:
        return report_id, replaced, 0
    tree = OrgTree.of(await store.units.all())
    told: list[Outgoing] = []
    for reader in await readers(store, person):
        assert reader.telegram_id is not None
        lang = reader.language if reader.language in ("zh", "en") else settings.default_language
        period = period_name(saving.period, lang)
        told.append(
            Outgoing(
                key=f"report:register:filed:{report_id}:{reader.id}",
                kind="notice",
                ref=f"report:register:{report_id}",
                member_id=reader.id,
                chat_id=reader.telegram_id,
                text=t(
                    lang,
                    "report.register_filed",
                    stage=stage_word(person, lang),
                    name=person.name,
                    unit=tree.name(person.unit_id),
                    period=period,
                ),
                buttons=[[{"text": t(lang, "report.button_view"), "data": RegisterView(report_id).pack()}]],
            )
        )
    return report_id, replaced, await store.outbox.enqueue(told)


def period_name(label: str, lang: str) -> str:
    year, rest = label.split("-")
    if rest.startswith("Q"):
        return t(lang, "report.quarter_name", year=year, quarter=t(lang, f"report.q{rest[1]}"))
    return t(lang, "report.month_name", year=year, month=int(rest))


@dataclass(frozen=True)
class _Look:
    """What the sweep knows of the register at `today`: the quarters, the quarters each record handed in."""

    today: date
    current: Period
    previous: Period
    filed: set[tuple[int, str]]
    member_days: dict[int, list[datetime]]


def on_paper(person: Person, period: Period) -> bool:
    """A 思想汇报 step the secretary recorded (handed in on paper) on a day of the quarter."""
    return any(s.step == "report" and s.note != SELF_NOTE and period.contains(s.on) for s in person.steps)


def reported(person: Person, period: Period, look: _Look, settings: Settings) -> bool:
    """Whether the person handed in a report for the quarter: through the bot (by the quarter it was filed under,
    not its step's day: a draft begun on 30 June and sent on 1 July is the second quarter's only), a 思想汇报 step
    the secretary recorded, or (a 预备党员) a member's report in one of its months."""
    if (person.id, period.label) in look.filed or on_paper(person, period):
        return True
    return any(period.contains(at.astimezone(settings.tz).date()) for at in look.member_days.get(person.id, []))


async def _member(store: Store, person: Person) -> Member | None:
    """A 预备党员's member row (same branch, same name), if active."""
    return next((m for m in await store.members.named(person.name) if m.unit_id == person.unit_id), None)


async def _chat(store: Store, person: Person) -> tuple[int | None, str | None]:
    """Where to remind the person and in which language: the register's chat; a 预备党员's own as a member (none
    when they are a mobile member: that chain reminds them already)."""
    if person.stage != "probationary":
        return person.telegram_id, person.language
    member = await _member(store, person)
    if member is None or not member.linked or member.telegram_id is None:
        return None, None
    if member.category == "migrant" and member.report_cadence is not None:
        return None, None
    return member.telegram_id, member.language


async def register_reports(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """The register's reminders and escalations due now (the sweep drops those already queued or recorded)."""
    people = await store.development.running(CHAIN)
    if not people:
        return []
    today = now.astimezone(settings.tz).date()
    current = quarter(today)
    ids = [p.id for p in people]
    look = _Look(
        today,
        current,
        periods.previous_period(current, periods.QUARTERLY),
        {(r.person_id, r.period) for r in await store.development.reports_of(ids)},
        await store.development.report_days([p.id for p in people if p.stage == "probationary"]),
    )
    due: list[Due] = []
    for person in people:
        if today >= current.end - BEFORE and owes(person, current) and not reported(person, current, look, settings):
            due.extend(await _remind(store, settings, person, current))
        if owes(person, look.previous) and not reported(person, look.previous, look, settings):
            due.extend(await _escalate(store, settings, person, look.previous))
    known = await digest.known_keys(store, (d.message.key for d in due))
    return [d for d in due if d.message.key not in known]


async def _remind(store: Store, settings: Settings, person: Person, period: Period) -> Sequence[Due]:
    chat, language = await _chat(store, person)
    if chat is None:
        return []
    lang = language if language in ("zh", "en") else settings.default_language
    deadline = dates.moment_in(lang, periods.deadline(period, settings.tz), settings.tz)
    text = t(lang, "report.register_remind", period=period_name(period.label, lang), deadline=deadline)
    message = Outgoing(
        key=f"report:register:remind:{person.id}:{period.label}",
        kind="reminder",
        ref=f"report:register:{person.id}",
        member_id=None,
        chat_id=chat,
        text=text,
        buttons=[[{"text": t(lang, "report.button_write"), "data": ReportWrite().pack()}]],
    )
    return [Due(message)]


async def _escalate(store: Store, settings: Settings, person: Person, period: Period) -> Sequence[Due]:
    due = []
    tree = OrgTree.of(await store.units.all())
    for reader in await readers(store, person):
        assert reader.telegram_id is not None
        lang = reader.language if reader.language in ("zh", "en") else settings.default_language
        name = period_name(period.label, lang)
        deadline = dates.moment_in(lang, periods.deadline(period, settings.tz), settings.tz)
        stage = stage_word(person, lang)
        who = t(lang, "report.register_who", name=person.name, stage=stage, unit=tree.name(person.unit_id))
        message = Outgoing(
            key=f"report:register:escalate:{reader.id}:{person.id}:{period.label}",
            kind="alert",
            ref=f"report:register:{person.id}",
            member_id=reader.id,
            chat_id=reader.telegram_id,
            text=t(lang, "report.register_escalate", who=Html(who), period=name, deadline=deadline),
        )
        entry = digest.entry(digest.REPORT_OVERDUE, html.unescape(who), period=name, deadline=deadline, count=1)
        due.append(Due(message, digest=entry))
    return due
