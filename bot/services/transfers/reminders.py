"""The 组织关系转接 timers, one plain source of `bot.services.registry.REMINDER_SOURCES`.

Each open transfer (read through the index on `transfers.state`) is worked out by `rules.due`: a 转出 letter about
to expire, a letter past its 有效期 not confirmed received, a 回执 not back a month after, a 转入 not yet placed in
a Party group, a 回执 still to send. Each goes to the secretaries of the member's branch under the key
`transfers:<timer>:<transfer>:<start>:<week>:<secretary>`: a reminder goes once a week while the step is missing,
once only after a restart, and never a backlog after downtime. The message holds the name, the organisation and
the dates only."""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.reminders import Due
from bot.services.transfers import common, rules
from bot.store import Store
from bot.store.outbox import Outgoing


async def transfer_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    timers = [(tr, d) for tr in await store.transfers.open_all() for d in rules.due(common.record_of(tr), today)]
    if not timers:
        return []
    tree = OrgTree.of(await store.units.all())
    by_unit: dict[int, list[int]] = {}
    for member_id, unit_id in await store.reports.secretaries(sorted({tr.unit_id for tr, _ in timers})):
        by_unit.setdefault(unit_id, []).append(member_id)
    reach = await store.reports.people_index(sorted({i for ids in by_unit.values() for i in ids}))
    due: list[Due] = []
    for tr, item in timers:
        for secretary_id in by_unit.get(tr.unit_id, []):
            secretary = reach.get(secretary_id)
            if secretary is None or not secretary.reachable or secretary.telegram_id is None:
                continue
            if secretary_id == tr.member_id:
                continue
            lang = secretary.language or settings.default_language
            key = f"transfers:{item.timer.value}:{tr.id}:{item.start.isoformat()}:{item.week}:{secretary_id}"
            due.append(
                Due(
                    Outgoing(
                        key=key,
                        kind="reminder",
                        ref=f"transfers:{tr.id}",
                        member_id=secretary_id,
                        chat_id=secretary.telegram_id,
                        text=t(
                            lang,
                            f"transfers.remind.{item.timer.value}",
                            name=tr.name,
                            unit=tree.name(tr.unit_id),
                            org=tr.other_org,
                            letter=tr.letter_no,
                            day=dates.day_near(lang, item.day, today),
                        ),
                    )
                )
            )
    return due
