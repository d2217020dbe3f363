"""The 发展党员 timers, one plain source of `bot.services.registry.REMINDER_SOURCES`.

Each record whose stage has a running timer (入党申请人, 积极分子, awaiting 审批, 预备党员: read through the index
on `development.stage`) is worked out by `rules.reminders`: the talk a week before the month is out, a
half-yearly 考察 a week before it is due, a quarter without a 思想汇报 from an 积极分子 or 发展对象 a week before it
ends, 上级党委审批 the day after three months, the 转正 application a month
before the 预备期 ends. Each goes to the secretaries of the person's branch under the key
`development:<timer>:<record>:<deadline>:<secretary>`: the deadline is in the key, so a reminder goes once, also
after a restart, and a new 考察 (a new deadline) starts a new one. The message holds the name, the branch and the
date only: no birth date, no 政审 conclusion."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.development import common, rules
from bot.services.development.rules import Stage
from bot.services.kernel import dates
from bot.services.kernel.reminders import Due
from bot.store import Store
from bot.store.outbox import Outgoing

RUNNING = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.ADMITTED, Stage.PROBATIONARY)


async def development_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    people = await store.development.running([s.value for s in RUNNING])
    timers = [(p, item) for p in people for item in rules.reminders(common.record_of(p), today)]
    if not timers:
        return []
    tree = OrgTree.of(await store.units.all())
    by_unit: dict[int, list[int]] = {}
    for member_id, unit_id in await store.reports.secretaries(sorted({p.unit_id for p, _ in timers})):
        by_unit.setdefault(unit_id, []).append(member_id)
    reach = await store.reports.people_index(sorted({i for ids in by_unit.values() for i in ids}))
    due: list[Due] = []
    for person, item in timers:
        for secretary_id in by_unit.get(person.unit_id, []):
            secretary = reach.get(secretary_id)
            if secretary is None or not secretary.reachable or secretary.telegram_id is None:
                continue
            lang = secretary.language or settings.default_language
            due.append(
                Due(
                    Outgoing(
                        key=f"development:{item.timer.value}:{person.id}:{item.day.isoformat()}:{secretary_id}",
                        kind="reminder",
                        ref=f"development:{person.id}",
                        member_id=secretary_id,
                        chat_id=secretary.telegram_id,
                        text=t(
                            lang,
                            f"development.remind.{item.timer.value}",
                            name=person.name,
                            unit=tree.name(person.unit_id),
                            day=dates.day_near(lang, item.day, today),
                        ),
                    )
                )
            )
    return due
