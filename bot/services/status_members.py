"""`/members` for secretaries: the members of the units they manage, unit by unit, with each member's
latest status and whether they have linked Telegram."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.i18n import Html, t
from bot.services.results import Result, say, shown
from bot.services.rights import Actor, OrgTree, managed_units
from bot.services.status import describe
from bot.store import Store
from bot.store.models import Member
from bot.store.reports import StatusReport


def _line(member: Member, status: StatusReport | None, tree: OrgTree, lang: str, tz: ZoneInfo) -> str:
    if status is None:
        text = t(lang, "status.none")
    else:
        state, where = describe(status.state, status.location, lang)
        text = t(lang, "status.latest", state=state, where=where, date=status.at.astimezone(tz).strftime("%m-%d"))
    group = tree.name(member.group_id)
    name = Html(t(lang, "members.in_group", name=member.name, group=group)) if group else member.name
    return t(lang, "members.line", name=name, status=Html(text),
             unlinked="" if member.linked else Html(t(lang, "members.unlinked")))


async def list_members(person: Actor, wanted: str, store: Store, settings: Settings, lang: str) -> Result:
    """The listing of `wanted` (a unit's name; empty: every unit the person manages)."""
    tree = OrgTree.of(await store.units.all())
    units = managed_units(person, tree)
    if wanted:
        found = tree.find(wanted, within=units)
        if not found:
            names = t(lang, "members.separator").join(
                tree.name(u) for u in sorted(units) if tree.units[u].kind != "group")
            return Result.of(say("members.unknown_unit", value=wanted, units=names))
        units = set().union(*(tree.subtree(u.id) for u in found))
    members = [m for m in await store.members.in_units(units) if m.unit_id in units or m.group_id in units]
    if not members:
        return Result.of(say("members.empty"))
    latest = await store.reports.latest_status([m.id for m in members])
    lines: list[str] = []
    for unit_id in sorted({m.unit_id for m in members}):
        here = [m for m in members if m.unit_id == unit_id]
        lines += ["", t(lang, "members.header", unit=tree.name(unit_id), count=len(here))]
        lines += [_line(m, latest.get(m.id), tree, lang, settings.tz)
                  for m in sorted(here, key=lambda m: (m.group_id or 0, m.id))]
    return Result.of(shown("\n".join(lines).strip()))
