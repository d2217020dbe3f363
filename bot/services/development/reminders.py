"""The 发展党员 timers, one plain source of `bot.services.registry.REMINDER_SOURCES`.

Each record whose stage has a running timer (入党申请人, 积极分子, awaiting 审批, 预备党员: read through the index
on `development.stage`) is worked out by `rules.reminders`: the talk a week before the month is out, a
half-yearly 考察 a week before it is due, 上级党委审批 the day after three months, the 转正 application a month
before the 预备期 ends (a missing 思想汇报 is the report engine's: `bot.services.reports.register`). None is urgent:
each goes to the secretaries of the person's branch in the daily digest (`bot.services.kernel.digest`, group
`development.digest`), one line each, under the key `development:<timer>:<record>:<deadline>:<secretary>`: the
deadline is in the key, so a reminder goes once, also after a restart, and a new 考察 (a new deadline) starts a new
one. The line and the message it stands for hold the name, the branch and the date only: no birth date, no 政审
conclusion."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.development import common, rules
from bot.services.development.rules import Stage
from bot.services.kernel import dates, digest
from bot.services.kernel.reminders import Due
from bot.store import Store
from bot.store.outbox import Outgoing

#: The daily digest's group of these reminders (its title, line and hint: locales/*/development.toml).
DIGEST = "development.digest"
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
            day = dates.day_near(lang, item.day, today)
            what = t(lang, f"development.timer.{item.timer.value}{'_late' if item.late else ''}", day=day)
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
                            day=day,
                        ),
                    ),
                    digest=digest.entry(DIGEST, person.name, unit=tree.name(person.unit_id), what=what),
                )
            )
    known = await digest.known_keys(store, (d.message.key for d in due))
    return [d for d in due if d.message.key not in known]
