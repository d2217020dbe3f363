"""`/member 姓名` (党员档案): one member's file for a secretary over their branch, in the private chat only.

It shows what the branch knows of the member: unit and Party group, category, 党员类别, 入党时间 and 转正时间,
组织关系, phone and address (楼栋), liaison, since when mobile, whether they left the active roster, every
transfer with its steps, how many thought reports and meetings are on record. It is never sent to a group (the
command is private: asked in a group, the answer goes to the private chat) and never logged."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.call import Call
from bot.domain.results import Result, say, shown
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.members import lookup
from bot.services.transfers import common, file_details
from bot.services.transfers.transfer import history


def _or_dash(value: object) -> str:
    return str(value) if value not in (None, "") else "—"


async def member_file(deps: Deps, call: Call, text: str) -> Result:
    """`/member 姓名` (`姓名@支部` when names repeat)."""
    person, now, store, settings, lang = call.actor, call.now, deps.store, deps.settings, call.lang
    raw = common.split(text)[0] if text.strip() else ""
    if not raw:
        return Result.of(say("transfers.file_usage"))
    tree, units = await lookup.scope(person, store)
    name, branch = lookup.who(raw)
    if branch:
        units = units & {u.id for u in tree.find(branch)}
    found = [m for m in await store.members.named(clean_text(name), include_inactive=True) if m.unit_id in units]
    if len(found) != 1:
        key = "transfers.ambiguous" if found else "transfers.file_unknown"
        return Result.of(say(key, name=name[: common.MAX_NAME]))
    m = found[0]
    liaison = await store.members.get(m.liaison_id) if m.liaison_id is not None else None
    counts = await store.transfers.counts(m.id)
    today = now.astimezone(settings.tz).date()
    lines = [
        t(lang, "transfers.file_head", name=m.name),
        t(lang, "transfers.file_unit", unit=tree.name(m.unit_id), group=_or_dash(tree.name(m.group_id))),
        t(
            lang,
            "transfers.file_kind",
            category=t(lang, f"transfers.category.{m.category or 'none'}")
            if m.category in _CATEGORIES
            else _or_dash(m.category),
            membership=t(lang, f"transfers.membership.{m.membership}")
            if m.membership in _MEMBERSHIPS
            else m.membership,
            relation=t(lang, f"transfers.relation.{m.relation}") if m.relation in ("here", "elsewhere") else m.relation,
        ),
        t(
            lang,
            "transfers.file_dates",
            joined=dates.recorded(lang, m.joined),
            confirmed=dates.recorded(lang, m.confirmed),
        ),
        t(lang, "transfers.file_contact", phone=_or_dash(m.phone), building=_or_dash(m.building)),
        t(lang, "transfers.file_liaison", liaison=liaison.name if liaison else "—"),
    ]
    if m.migrant_since is not None or m.category == "migrant":
        lines.append(t(lang, "transfers.file_mobile", since=dates.recorded(lang, m.migrant_since)))
    details = await store.moving.details(m.id)
    id_number = await store.moving.id_number(m.id) if settings.store_id_numbers else None
    lines[2:2] = file_details.person_lines(details, id_number, lang)
    lines.extend(file_details.category_lines(m.category, details, today, lang))
    if m.relation != "here" and m.note:
        lines.append(t(lang, "transfers.file_home", org=m.note))
    if m.category == "migrant":
        since = today - timedelta(days=365)
        joined = [e for e in await store.moving.service([m.id], since, today) if e.kind == "inflow"]
        key = "transfers.file_inflow_last" if joined else "transfers.file_inflow_none"
        last = joined[-1] if joined else None
        lines.append(t(lang, key, day=dates.dated(lang, last.on) if last else "", what=last.what if last else ""))
    if m.category == "employed" and m.relation != "here":
        served = await store.moving.service([m.id], today.replace(month=1, day=1), today.replace(month=12, day=31))
        first = next((e for e in served if e.kind == "report"), None)
        hours = sum(e.hours for e in served if e.kind == "activity")
        key = "transfers.file_served" if first else "transfers.file_not_served"
        lines.append(
            t(lang, key, year=today.year, day=dates.dated(lang, first.on) if first else "", hours=f"{hours:g}")
        )
    if not m.active:
        lines.append(t(lang, "transfers.file_inactive", day=dates.recorded(lang, m.deactivated_at)))
    lines.append(
        t(
            lang,
            "transfers.file_counts",
            reports=counts.reports,
            last_report=dates.recorded(lang, counts.last_report),
            meetings=counts.meetings,
            last_meeting=dates.recorded(lang, counts.last_meeting),
        )
    )
    transfers = await store.transfers.of_member(m.id)
    if transfers:
        lines.append(t(lang, "transfers.file_transfers"))
        lines.extend(history(transfers, tree, today, lang))
    return Result.of(shown("\n".join(lines)))


_CATEGORIES = ("resident", "employed", "unemployed", "migrant", "separated", "incoming")
_MEMBERSHIPS = ("full", "probationary")
