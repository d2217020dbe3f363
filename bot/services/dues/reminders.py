"""The arrears reminders (issue 25), a plain source of `bot.services.registry.REMINDER_SOURCES`.

A member with a dues rule who has left months unpaid, counted back from last month (`rules.months_behind`):

* at 2 months the member gets one polite reminder: `dues:remind:<member>:<first unpaid month>`;
* at 3 months, and again at 5, each secretary of the member's branch finds it in the daily digest:
  `dues:behind:<stage>:<member>:<first unpaid month>:<secretary>` — only the stage whose window holds today
  (3 for 3–4 months, 5 from 5 on), so a bot that was down does not bring both at once.

The first unpaid month names the run: a payment ends it, and a new run is reminded anew. Keys go once ever
(the outbox and the digest's items), so a restart repeats nothing and a reminder due while the bot was down
goes when it is back. Nothing is decided: 党章 第九条 (six months) is for the branch to weigh.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain import dues as rules
from bot.domain.dues import Month
from bot.i18n import t
from bot.services.dues.common import behind, first_unpaid, rule_for
from bot.services.kernel import digest
from bot.services.kernel.reminders import Due
from bot.store import Store
from bot.store.dues import Payment
from bot.store.outbox import Outgoing

#: The digest's group of members behind with their dues (`[dues.digest_behind]` in locales/*/dues.toml).
BEHIND_DIGEST = "dues.digest_behind"


async def arrears(store: Store, settings: Settings, now: datetime) -> list[Due]:
    today = now.astimezone(settings.tz).date()
    ids = await store.dues.with_rules()
    if not ids:
        return []
    all_rules = await store.dues.rules_of(ids)
    members = await store.members.by_ids(ids)
    payments: dict[int, list[Payment]] = {}
    for p in await store.dues.payments_of(ids):
        payments.setdefault(p.member_id, []).append(p)
    late = []
    for member_id in ids:
        count = behind(all_rules.get(member_id, []), payments.get(member_id, []), today, settings.tz)
        if count >= rules.MEMBER_STAGE:
            late.append((member_id, count))
    if not late:
        return []
    by_unit: dict[int, list[int]] = {}
    units = sorted({members[m].unit_id for m, _ in late if m in members})
    for secretary_id, unit_id in await store.reports.secretaries(units):
        by_unit.setdefault(unit_id, []).append(secretary_id)
    people = await store.reports.people_index(sorted({s for ids_ in by_unit.values() for s in ids_}))
    due: list[Due] = []
    for member_id, count in late:
        member = members.get(member_id)
        if member is None:
            continue
        first = first_unpaid(today, count)
        rule = rule_for(Month.of(today).plus(-1), {r.year: r for r in all_rules.get(member_id, [])})
        amount = rules.yuan(rule.amount) if rule else "—"
        if member.linked and not member.unreachable and member.telegram_id is not None:
            lang = member.language or settings.default_language
            due.append(
                Due(
                    Outgoing(
                        key=f"dues:remind:{member_id}:{first}",
                        kind="reminder",
                        ref=f"dues:{member_id}",
                        member_id=member_id,
                        chat_id=member.telegram_id,
                        text=t(lang, "dues.remind", name=member.name, first=str(first), count=count, amount=amount),
                    )
                )
            )
        stage = rules.secretary_stage(count)
        if stage is None:
            continue
        for secretary_id in by_unit.get(member.unit_id, []):
            person = people.get(secretary_id)
            if person is None or not person.reachable or person.telegram_id is None or secretary_id == member_id:
                continue
            lang = person.language or settings.default_language
            due.append(
                Due(
                    Outgoing(
                        key=f"dues:behind:{stage}:{member_id}:{first}:{secretary_id}",
                        kind="reminder",
                        ref=f"dues:{member_id}",
                        member_id=secretary_id,
                        chat_id=person.telegram_id,
                        text=t(lang, "dues.behind_alone", name=member.name, first=str(first), count=count),
                    ),
                    digest=digest.entry(BEHIND_DIGEST, member.name, first=str(first), count=count),
                )
            )
    return due
