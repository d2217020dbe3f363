"""The arrears reminders (issue 25) as a due chain (`bot.services.kernel.reminders`, kind `dues`, one row per member
with a dues rule: listed in `bot.services.registry.REMINDER_SOURCES`).

A member with a dues rule who has left months unpaid, counted back from last month (`rules.months_behind`):

* at 2 months the member gets one polite reminder: `dues:remind:<member>:<first unpaid month>`;
* at 3 months, and again at 5, each secretary of the member's branch finds it in the daily digest:
  `dues:behind:<stage>:<member>:<first unpaid month>:<secretary>` — only the stage whose window holds today
  (3 for 3–4 months, 5 from 5 on), so a bot that was down does not bring both at once.

The first unpaid month names the run: a payment ends it, and a new run is reminded anew. Keys go once ever
(the outbox and the digest's items), so a restart repeats nothing and a reminder due while the bot was down
goes when it is back. Nothing is decided: 党章 第九条 (six months) is for the branch to weigh.

The chain's row (migration `NNNN_registers.sql`) is made when the member's first rule is set, and marked "look
now" by a rule set or reviewed, a payment or its correction, and a change to the member (left, back, linked,
moved): otherwise months unpaid can only grow on the first of a month, so the row sleeps until then. A sweep reads
only the members whose row is due: none on most days, whatever the size of the community.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from bot.config import Settings
from bot.domain import dues as rules
from bot.domain.dues import Month
from bot.domain.models import Member
from bot.i18n import t
from bot.services.dues.common import History, behind, first_unpaid, rule_for
from bot.services.kernel import dates, digest
from bot.services.kernel.reminders import Due, Handled
from bot.store import Store
from bot.store.due import NEVER, DueRow
from bot.store.dues import Payment
from bot.store.outbox import Outgoing
from bot.store.reports import Person as Reach

#: The digest's group of members behind with their dues (`[dues.digest_behind]` in locales/*/dues.toml).
BEHIND_DIGEST = "dues.digest_behind"


def next_month(today: date, settings: Settings) -> datetime:
    """Midnight, local time, on the first of next month: when months unpaid may next grow."""
    month = Month.of(today).plus(1)
    return datetime.combine(date(month.year, month.month, 1), time(0, 0), tzinfo=settings.tz)


@dataclass(frozen=True)
class Run:
    """A run of months unpaid: how many, the first of them, the monthly amount as written."""

    count: int
    first: Month
    amount: str


def _reminded(member: Member, run: Run, settings: Settings) -> Due | None:
    if not member.linked or member.unreachable or member.telegram_id is None:
        return None
    lang = member.language or settings.default_language
    return Due(
        Outgoing(
            key=f"dues:remind:{member.id}:{run.first}",
            kind="reminder",
            ref=f"dues:{member.id}",
            member_id=member.id,
            chat_id=member.telegram_id,
            text=t(
                lang,
                "dues.remind",
                name=member.name,
                first=dates.month(lang, run.first),
                count=run.count,
                amount=run.amount,
            ),
        )
    )


def _told(member: Member, run: Run, secretaries: list[Reach], settings: Settings) -> list[Due]:
    count, first = run.count, run.first
    stage = rules.secretary_stage(count)
    if stage is None:
        return []
    out = []
    for person in secretaries:
        if not person.reachable or person.telegram_id is None or person.id == member.id:
            continue
        lang = person.language or settings.default_language
        out.append(
            Due(
                Outgoing(
                    key=f"dues:behind:{stage}:{member.id}:{first}:{person.id}",
                    kind="reminder",
                    ref=f"dues:{member.id}",
                    member_id=person.id,
                    chat_id=person.telegram_id,
                    text=t(lang, "dues.behind_alone", name=member.name, first=dates.month(lang, first), count=count),
                ),
                digest=digest.entry(BEHIND_DIGEST, member.name, first=dates.month(lang, first), count=count),
            )
        )
    return out


async def arrears(store: Store, settings: Settings, now: datetime, rows: Sequence[DueRow]) -> dict[int, Handled]:
    """The due rows of members with a dues rule: what each is owed now, and the first of next month."""
    today = now.astimezone(settings.tz).date()
    ids = [r.subject for r in rows]
    members = await store.members.by_ids(ids)
    all_rules = await store.dues.rules_of(ids)
    payments: dict[int, list[Payment]] = {}
    for p in await store.dues.payments_of(ids):
        payments.setdefault(p.member_id, []).append(p)
    units = sorted({m.unit_id for m in members.values()})
    by_unit: dict[int, list[int]] = {}
    for secretary_id, unit_id in await store.reports.secretaries(units):
        by_unit.setdefault(unit_id, []).append(secretary_id)
    people = await store.reports.people_index(sorted({s for ids_ in by_unit.values() for s in ids_}))
    out: dict[int, Handled] = {}
    for row in rows:
        member, member_rules = members.get(row.subject), all_rules.get(row.subject, [])
        if member is None or not member_rules:
            out[row.id] = Handled(next_at=None)  # a rule set again starts the chain anew
            continue
        if not member.active:
            out[row.id] = Handled(next_at=NEVER)  # back on the roster: the trigger wakes it
            continue
        secretaries = [people[s] for s in by_unit.get(member.unit_id, []) if s in people]
        history = History(member.id, member_rules, payments.get(member.id, []))
        dues = owed(member, history, today, (secretaries, settings))
        known = await digest.known_keys(store, [d.message.key for d in dues])
        out[row.id] = Handled([d for d in dues if d.message.key not in known], next_at=next_month(today, settings))
    return out


def owed(member: Member, history: History, today: date, to: tuple[list[Reach], Settings]) -> list[Due]:
    """What one member's arrears bring today: their own reminder from 2 months, the secretaries' from 3."""
    secretaries, settings = to
    member_rules = history.rules
    count = behind(member_rules, history.payments, today, settings.tz)
    if count < rules.MEMBER_STAGE:
        return []
    first = first_unpaid(today, count)
    rule = rule_for(Month.of(today).plus(-1), {r.year: r for r in member_rules})
    amount = rules.yuan(rule.amount) if rule else "—"
    run = Run(count, first, amount)
    own = _reminded(member, run, settings)
    return ([own] if own else []) + _told(member, run, secretaries, settings)
