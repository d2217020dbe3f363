"""A mobile member's reminder chain as a due source: for a chunk of members whose moment has come, what each
has due now (`reports.member_candidates`: the stage reminder, escalations, the no-contact warning) and the
next moment anything may change (`due_times.next_report_look`). A row whose member is no longer a mobile
member on the roster ends its chain; a trigger starts it again if they become one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.config import Settings
from bot.services.kernel import digest
from bot.services.kernel.due_times import LookRules, Reporter, next_report_look
from bot.services.kernel.reminders import Handled
from bot.services.reports import common as reports
from bot.store import Store
from bot.store.due import DueRow


async def report_chains(store: Store, settings: Settings, now: datetime, rows: Sequence[DueRow]) -> dict[int, Handled]:
    """Four queries for the chunk (members, secretaries of their units, the people to tell, the sent-log)."""
    tz = settings.tz
    members = {
        m.id: m
        for m in await store.reports.mobile_members(
            since_year=now.astimezone(tz).year - 1, member_ids=[r.subject for r in rows]
        )
    }
    secretaries = reports.by_unit(await store.reports.secretaries(sorted({m.unit_id for m in members.values()})))
    wanted = {m.liaison_id for m in members.values() if m.liaison_id is not None}
    wanted.update(i for ids in secretaries.values() for i in ids)
    people = await store.reports.people_index(sorted(wanted))
    recipients = reports.Recipients(people, secretaries)
    found = {
        r.id: reports.member_candidates(members[r.subject], recipients, now, settings)
        for r in rows
        if r.subject in members
    }
    known = await digest.known_keys(store, (key for candidates in found.values() for key, _ in candidates))
    rules = LookRules(tz, settings.report_reminder_days_before, reports.NO_CONTACT)
    out: dict[int, Handled] = {}
    for row in rows:
        member = members.get(row.subject)
        if member is None:
            out[row.id] = Handled(next_at=None)
            continue
        since = reports.mobile_since(member.migrant_since, member.recorded_at, tz)
        last = reports.last_touch(member, since, tz)
        out[row.id] = Handled(
            reports.rendered(found[row.id], known),
            next_report_look(Reporter(member.cadence, since, member.periods, last), rules, now),
        )
    return out
