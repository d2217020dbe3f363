"""The reminders of 党员联户 and 民情诉求 as due sources (`bot.services.kernel.reminders`, listed in
`bot.services.registry.REMINDER_SOURCES`):

- `visit` (one chain per member with households): when some of the member's households were not visited for
  `VISIT_REMINDER_DAYS`, ONE message that week listing them (key `visit:week:<member>:<ISO week>`); the chain
  looks again the next Monday, or when the next household falls due.
- `request` (one chain per open request): open 7 days, its handler is reminded once (`request:remind:<id>`);
  open 15 days, the branch secretaries are told once each (`request:escalate:<id>:<secretary>`, not urgent —
  the Due meant for the secretaries' daily digest).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.config import Settings
from bot.domain.models import Member
from bot.i18n import resolve_language, t
from bot.services.households.buttons import RequestOpen
from bot.services.households.common import address, is_stale, stale_from
from bot.services.households.requests_rules import HANDLER_AFTER, SECRETARY_AFTER, age_days, next_reminder
from bot.services.kernel import dates, digest
from bot.services.kernel.reminders import Due, Handled
from bot.store import Store
from bot.store.due import NEVER, DueRow
from bot.store.households import Household
from bot.store.households_requests import Request
from bot.store.outbox import Outgoing

#: Households listed by name in one weekly reminder; the others are counted.
MAX_LISTED = 20
#: The weekly reminder's hour, local time, on Mondays.
WEEKLY_AT = time(9, 0)


def reachable(member: Member | None) -> bool:
    return member is not None and member.active and member.linked and member.telegram_id is not None


def week_label(now: datetime, settings: Settings) -> str:
    year, week, _ = now.astimezone(settings.tz).isocalendar()
    return f"{year}-W{week:02d}"


def next_week(now: datetime, settings: Settings) -> datetime:
    """Next Monday at `WEEKLY_AT`, local time."""
    local = now.astimezone(settings.tz)
    monday = local.date() + timedelta(days=7 - local.weekday())
    return datetime.combine(monday, WEEKLY_AT, tzinfo=settings.tz)


def visit_key(member_id: int, now: datetime, settings: Settings) -> str:
    return f"visit:week:{member_id}:{week_label(now, settings)}"


def _visit_message(member: Member, stale: list[Household], now: datetime, settings: Settings) -> Outgoing:
    assert member.telegram_id is not None
    lang = resolve_language(member.language, None, settings.default_language)
    today = now.astimezone(settings.tz).date()
    lines = [
        t(
            lang,
            "visit.remind_line",
            head=h.head,
            place=address(h) or "—",
            visit=dates.day_near(lang, h.last_visit_at.astimezone(settings.tz).date(), today)
            if h.last_visit_at
            else t(lang, "households.never"),
        )
        for h in stale[:MAX_LISTED]
    ]
    if len(stale) > MAX_LISTED:
        lines.append(t(lang, "visit.remind_more", count=len(stale) - MAX_LISTED))
    text = t(lang, "visit.remind", count=len(stale), days=settings.visit_reminder_days, lines="\n".join(lines))
    return Outgoing(
        key=visit_key(member.id, now, settings),
        kind="reminder",
        chat_id=member.telegram_id,
        text=text,
        member_id=member.id,
        ref="visit",
    )


async def visit_reminders(
    store: Store, settings: Settings, now: datetime, rows: Sequence[DueRow]
) -> dict[int, Handled]:
    days = settings.visit_reminder_days
    members = await store.members.by_ids([r.subject for r in rows])
    households: dict[int, list[Household]] = defaultdict(list)
    for household in await store.households.stale_of([r.subject for r in rows]):
        if household.member_id is not None:
            households[household.member_id].append(household)
    sent = await store.outbox.existing_keys(visit_key(r.subject, now, settings) for r in rows)
    out: dict[int, Handled] = {}
    for row in rows:
        member, mine = members.get(row.subject), households.get(row.subject, [])
        if member is None or not mine:
            out[row.id] = Handled(next_at=None)  # a household linked to them starts the chain again
            continue
        if not reachable(member):
            out[row.id] = Handled(next_at=NEVER)  # linking, coming back to the roster wake it
            continue
        stale = [h for h in mine if is_stale(h, now, days)]
        if not stale:
            out[row.id] = Handled(next_at=min(stale_from(h, days) for h in mine))
        elif visit_key(member.id, now, settings) in sent:
            out[row.id] = Handled(next_at=next_week(now, settings))
        else:
            out[row.id] = Handled([Due(_visit_message(member, stale, now, settings))], next_at=next_week(now, settings))
    return out


@dataclass(frozen=True)
class _Reminding:
    """The reminders of one open request at `now`."""

    request: Request
    now: datetime
    settings: Settings

    def message(self, member: Member, key: str, catalogue: str) -> Outgoing:
        """The reminder `catalogue` says, to `member`, under the outbox key `key`."""
        request = self.request
        assert member.telegram_id is not None
        lang = resolve_language(member.language, None, self.settings.default_language)
        text = t(
            lang,
            catalogue,
            number=request.id,
            days=age_days(request.created_at, self.now),
            head=request.head,
            text=request.text,
            state=t(lang, f"requests.state.{request.state}"),
            handler=request.handler_name or "—",
        )
        button = [
            [{"text": t(lang, "requests.open_button", number=request.id), "data": RequestOpen(request.id).pack()}]
        ]
        return Outgoing(
            key=key,
            kind="reminder",
            chat_id=member.telegram_id,
            text=text,
            member_id=member.id,
            ref=f"request:{request.id}",
            buttons=button,
        )


#: The 15-day escalation's group in the daily digest (its title and line: locales/*/households.toml).
ESCALATE_DIGEST = "requests.digest_escalate"


async def request_reminders(
    store: Store, settings: Settings, now: datetime, rows: Sequence[DueRow]
) -> dict[int, Handled]:
    requests = await store.requests.by_ids([r.subject for r in rows])
    out: dict[int, Handled] = {}
    for row in rows:
        request = requests.get(row.subject)
        if request is None or not request.open:
            out[row.id] = Handled(next_at=None)
            continue
        dues: list[Due] = []
        reminding = _Reminding(request, now, settings)
        if now >= request.created_at + HANDLER_AFTER and request.handler_id is not None:
            handler = await store.members.get(request.handler_id)
            key = f"request:remind:{request.id}"
            if reachable(handler) and not await store.outbox.existing_keys([key]):
                assert handler is not None
                dues.append(Due(reminding.message(handler, key, "requests.remind")))
        if now >= request.created_at + SECRETARY_AFTER:
            for secretary_id in await store.requests.secretaries_of(request.unit_id):
                secretary = await store.members.get(secretary_id)
                key = f"request:escalate:{request.id}:{secretary_id}"
                if reachable(secretary) and not await digest.known_keys(store, [key]):
                    assert secretary is not None
                    # not urgent: it goes into the secretary's daily digest (bot/services/digest.py)
                    dues.append(
                        Due(
                            reminding.message(secretary, key, "requests.escalate"),
                            digest=digest.entry(
                                ESCALATE_DIGEST,
                                request.head,
                                number=request.id,
                                days=age_days(request.created_at, now),
                                text=request.text,
                                handler=request.handler_name or "—",
                            ),
                        )
                    )
        out[row.id] = Handled(dues, next_at=next_reminder(request.created_at, now))
    return out
