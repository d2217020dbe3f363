"""`/members` for secretaries: the members of the units they manage, unit by unit, with each member's
latest status, whether they have linked Telegram, and what the organisation says of them
(`bot.services.organisation_text.member_line`)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.i18n import Html, t
from bot.services.organisation_text import member_line
from bot.services.results import Result, say, shown
from bot.services.rights import Actor, OrgTree, managed_units
from bot.services.status import describe
from bot.store import Store
from bot.store.models import Member
from bot.store.reports import StatusReport


def _line(member: Member, status: StatusReport | None, tree: OrgTree, lang: str, tz: ZoneInfo, today: date) -> str:
    if status is None:
        text = t(lang, "status.none")
    else:
        state, where = describe(status.state, status.location, lang)
        text = t(lang, "status.latest", state=state, where=where, date=status.at.astimezone(tz).strftime("%m-%d"))
    return member_line(member, Html(text), tree, lang, today)


async def list_members(person: Actor, wanted: str, store: Store, settings: Settings, lang: str,
                       now: datetime | None = None) -> Result:
    """The listing of `wanted` (a unit's name; empty: every unit the person manages). `now` dates 党龄."""
    today = (now or datetime.now(UTC)).astimezone(settings.tz).date()
    tree = OrgTree.of(await store.units.all())
    units = managed_units(person, tree)
    if wanted:
        found = tree.find(wanted, within=units)
        if not found:
            names = t(lang, "members.separator").join(
                tree.name(u) for u in sorted(units) if tree.units[u].kind != "group")
            return Result.of(say("members.unknown_unit", value=wanted, units=names))
        units = set().union(*(tree.subtree(u.id) for u in found))
    members = [m for m in await store.members.in_units(units)
               if m.unit_id in units or m.group_id in units or m.activity_group_id in units]
    if not members:
        return Result.of(say("members.empty"))
    latest = await store.reports.latest_status([m.id for m in members])
    lines: list[str] = []
    for unit_id in sorted({m.unit_id for m in members}):
        here = [m for m in members if m.unit_id == unit_id]
        lines += ["", t(lang, "members.header", unit=tree.name(unit_id), count=len(here))]
        lines += [_line(m, latest.get(m.id), tree, lang, settings.tz, today)
                  for m in sorted(here, key=lambda m: (m.group_id or 0, m.id))]
    return Result.of(shown("\n".join(lines).strip()))
