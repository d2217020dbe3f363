"""The nudge of the 20th (三会一课提醒): on the 20th of each month from 09:00 local time, each secretary of a
branch that has not yet held this month's required meetings — or this quarter's in the quarter's last month,
or the year's in December — gets one message naming what is missing, with a button per type that starts
`/notice` with that type chosen.

A plain reminder source (`bot.services.registry.REMINDER_SOURCES`): on any other day, or before 09:00, it
returns at once without reading anything. Its key `ledger:<member>:<branch>:<YYYY-MM>` is queued once and
never again, also after a restart (the outbox's unique key); quiet hours hold it like any non-urgent
reminder, and a nudge held or missed on the 20th is not sent on a later day.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import Settings
from bot.domain.ledger import PERS, LedgerKind, Mark, closing, nudge_due, period_of
from bot.domain.models import BRANCH_KIND
from bot.domain.results import Buttons
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.kernel.reminders import Due
from bot.services.ledger import text
from bot.services.ledger.buttons import LedgerNotice
from bot.services.ledger.overview import LedgerScope, ledger_year
from bot.services.notices import common as notices
from bot.store import Store
from bot.store.ledger import LedgerReads
from bot.store.outbox import Outgoing

KIND = "ledger"


def nudge_key(member_id: int, unit_id: int, local: datetime) -> str:
    return f"{KIND}:{member_id}:{unit_id}:{local:%Y-%m}"


async def ledger_nudges(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """The nudges due now: none unless it is the 20th after 09:00 local time."""
    local = now.astimezone(settings.tz)
    if not nudge_due(local) or not settings.ledger_requirements:
        return []
    tree = OrgTree.of(await store.units.all())
    branch_ids = {u.id for u in tree.units.values() if u.kind == BRANCH_KIND}
    secretaries = await LedgerReads(store.db).secretaries(sorted(branch_ids))
    # Every sweep of the 20th comes here: once every secretary has this month's nudge, nothing more is read.
    sent = await store.outbox.existing_keys(nudge_key(s.member_id, s.unit_id, local) for s in secretaries)
    secretaries = [s for s in secretaries if nudge_key(s.member_id, s.unit_id, local) not in sent]
    if not secretaries:
        return []
    scope = LedgerScope({s.unit_id for s in secretaries}, local.year, now)
    ledger = await ledger_year(Deps(store, settings), scope, tree)
    today = local.date()
    ending = {per for per in PERS if closing(today, per)}
    offered = notices.KINDS  # the types /notice offers (its list grows; one it lacks gets no button)
    due = []
    for unit in ledger.units:
        missing = [
            ln.kind
            for ln in unit.lines
            if ln.per in ending
            for c in ln.cells
            if c.period == period_of(today, ln.per) and c.held < c.required and c.mark is not Mark.NOT_KEPT
        ]
        if not missing:
            continue
        for person in (s for s in secretaries if s.unit_id == unit.unit_id):
            lang = person.language or settings.default_language
            lines = text.shortfall_lines(lang, unit, today, ending)
            kinds = [k for k in dict.fromkeys(missing) if k in offered]
            buttons: Buttons = [
                [
                    {
                        "text": t(lang, "ledger.nudge_button", kind=text.kind_name(lang, k)),
                        "data": LedgerNotice(LedgerKind(k)).pack(),
                    }
                ]
                for k in kinds
            ]
            due.append(
                Due(
                    Outgoing(
                        key=nudge_key(person.member_id, unit.unit_id, local),
                        kind=KIND,
                        chat_id=person.telegram_id,
                        text=text.nudge(lang, unit, lines),
                        member_id=person.member_id,
                        buttons=buttons or None,
                    )
                )
            )
    return due
