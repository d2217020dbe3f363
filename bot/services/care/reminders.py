"""The care reminders, two plain sources of `bot.services.registry.REMINDER_SOURCES`:

* `quiet_cases`: an open case with no visit for CARE_QUIET_DAYS reminds its visitor (the secretaries of the
  member's branch when it has none) once per silence — the key holds the day of the last activity, so a
  visit starts a new silence and a restart changes nothing. Read through the index of open cases by
  `quiet_since`.
* `festival_lists`: CARE_LIST_DAYS_BEFORE days before each of CARE_FESTIVALS every secretary gets ONE list
  of the members of their own unit to visit: open care cases, and members with 50 years and more of Party
  membership (when the roster knows the dates), each with their last care visit. The key holds the festival
  and its day, so once per festival per secretary, also after a restart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.config import Settings
from bot.domain.models import Member
from bot.domain.organisation import party_years
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.care.common import day, situation
from bot.services.care.rules import (
    Festival,
    coming,
    is_old_member,
    may_be_old_member,
    parse_festivals,
    quiet_cutoff,
)
from bot.services.kernel import dates, pages
from bot.services.kernel.reminders import Due
from bot.store import Store
from bot.store.care import CareCase
from bot.store.outbox import Outgoing
from bot.store.reports import Person


def _lang(person: Person, settings: Settings) -> str:
    return person.language or settings.default_language


async def quiet_cases(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    cases = await store.care.quiet(quiet_cutoff(today, settings.care_quiet_days))
    if not cases:
        return []
    tree = OrgTree.of(await store.units.all())
    by_unit: dict[int, list[int]] = {}
    for member_id, unit_id in await store.reports.secretaries(sorted({c.unit_id for c in cases})):
        by_unit.setdefault(unit_id, []).append(member_id)
    wanted = {c.visitor_id for c in cases if c.visitor_id is not None} | {i for ids in by_unit.values() for i in ids}
    people = await store.reports.people_index(sorted(wanted))
    due = []
    for case in cases:
        visitor = people.get(case.visitor_id) if case.visitor_id is not None else None
        told = [visitor] if visitor is not None else [people[i] for i in by_unit.get(case.unit_id, []) if i in people]
        for person in told:
            if not person.reachable or person.telegram_id is None:
                continue
            lang = _lang(person, settings)
            due.append(
                Due(
                    Outgoing(
                        key=f"care:quiet:{case.id}:{case.quiet_since.isoformat()}:{person.id}",
                        kind="reminder",
                        ref=f"care:{case.member_id}",
                        member_id=person.id,
                        chat_id=person.telegram_id,
                        text=t(
                            lang,
                            "care.quiet_reminder",
                            name=case.member_name,
                            unit=tree.name(case.unit_id),
                            situation=situation(case, lang),
                            days=(today - case.quiet_since).days,
                            last=day(case.last_visit, lang),
                        ),
                    )
                )
            )
    return due


def festival_name(festival: Festival, lang: str) -> str:
    return t(lang, "care.spring_festival") if festival.month_day is None else festival.label


@dataclass(frozen=True)
class FestivalList:
    """One secretary's members to visit before a festival: the open cases of their unit, and the members of
    long standing with their last care visit (`last`, by member id)."""

    festival: Festival
    on: date
    unit: str
    cases: list[CareCase]
    old: list[Member]
    last: dict[int, date]


def _old_line(lang: str, member: Member, visits: FestivalList, cap: int | None) -> str:
    """One member of long standing on the festival list: their 党龄 from 转正, or unknown with the year they joined."""
    name, last = pages.clip(member.name, cap), day(visits.last.get(member.id), lang)
    years = party_years(member.confirmed, member.membership, visits.on)
    if years is None:
        joined = member.joined.year if member.joined else "?"
        return t(lang, "care.festival_old_unknown", name=name, year=joined, last=last)
    return t(lang, "care.festival_old", name=name, years=years, last=last)


def festival_text(visits: FestivalList, lang: str) -> str:
    """The list of one secretary's members to visit before a festival, within one message."""
    festival, on, cases, old = visits.festival, visits.on, visits.cases, visits.old
    named = festival_name(festival, lang)
    head = t(lang, "care.festival_head", festival=named, day=dates.day(lang, on), unit=visits.unit)

    def draw(cap: int | None) -> list[str]:
        lines = [
            t(
                lang,
                "care.festival_case",
                name=pages.clip(c.member_name, cap),
                situation=pages.clip(situation(c, lang), cap),
                last=day(c.last_visit, lang),
            )
            for c in cases
        ]
        lines += [_old_line(lang, m, visits, cap) for m in old]
        return lines

    def render(lines: list[str]) -> str:
        out = [head]
        if cases:
            out += ["", t(lang, "care.festival_cases", count=len(cases)), *lines[: len(cases)]]
        if old:
            out += ["", t(lang, "care.festival_olds", count=len(old)), *lines[len(cases) :]]
        return "\n".join([*out, "", t(lang, "care.festival_foot")])

    return pages.fit(render, draw)


async def festival_lists(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    festivals = coming(parse_festivals(settings.care_festivals), today, settings.care_list_days_before)
    if not festivals:
        return []
    secretaries = await store.reports.secretaries()
    people = await store.reports.people_index(sorted({s for s, _ in secretaries}))
    keys = {
        (f.label, on, sid): f"care:festival:{f.label}:{on.isoformat()}:{sid}"
        for f, on in festivals
        for sid, _ in secretaries
    }
    sent = await store.outbox.existing_keys(keys.values())
    tree = OrgTree.of(await store.units.all())
    due: list[Due] = []
    for festival, on in festivals:
        for secretary_id, unit_id in secretaries:
            key = keys[(festival.label, on, secretary_id)]
            person = people.get(secretary_id)
            if key in sent or person is None or not person.reachable or person.telegram_id is None:
                continue
            cases = await store.care.open_in_units({unit_id})
            with_case = {c.member_id for c in cases}
            old = [
                m
                for m in await store.members.in_units([unit_id])
                if m.unit_id == unit_id
                and m.id not in with_case
                and (
                    is_old_member(m.confirmed, m.membership, on)
                    or may_be_old_member(m.joined, m.confirmed, m.membership, on)
                )
            ]
            if not cases and not old:
                continue
            last = await store.care.last_visits([m.id for m in old])
            lang = _lang(person, settings)
            visits = FestivalList(festival, on, tree.name(unit_id), cases, old, last)
            due.append(
                Due(
                    Outgoing(
                        key=key,
                        kind="reminder",
                        ref=f"care:festival:{on.isoformat()}",
                        member_id=secretary_id,
                        chat_id=person.telegram_id,
                        text=Html(festival_text(visits, lang)),
                    )
                )
            )
    return due
