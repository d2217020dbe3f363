"""Committees as their own membership (issue 23 item 5), as use cases: `/committee [单位]` shows a unit's committee
(its seats, offices, quorum and term), `/committee 单位 | 姓名 | 职务` seats a member — of any unit — with an office
(`无` removes them), `/term 单位 | YYYY-MM-DD` records the start of the committee's term (任期: five years for a
village-level organisation), and `term_reminders` reminds the secretaries six months and one month before 换届.

The roster's column 委员 (`committee`) sets the same seats (`bot.services.members.roster_import`); the quorum and
the audience of 党委会 and 支委会 follow the seats (`bot.services.members.organisation.committee_of`)."""

from __future__ import annotations

import logging
from datetime import date, datetime

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.models import BRANCH_KIND, COMMITTEE_KIND, Member, Unit
from bot.domain.organisation import OFFICE_WORDS, TERM_YEARS, add_months, term_end, term_stage
from bot.domain.resolutions import more_than_half
from bot.domain.results import Reply, say
from bot.domain.rights import OrgTree, managed_units
from bot.i18n import Html, t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.reminders import Due
from bot.services.kernel.text import clean_text
from bot.services.members.organisation import committee_of
from bot.store import Store
from bot.store.ledger import LedgerReads
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

#: Removes a member from a committee (`/committee 单位 | 姓名 | 无`).
REMOVE_WORDS = frozenset({"无", "移除", "免去", "none", "remove"})
KIND = "term"


def _fields(text: str) -> list[str]:
    return [p.strip() for p in text.replace("｜", "|").split("|")]


def _who(value: str) -> tuple[str, str]:
    """`姓名@支部` or `姓名（支部）` → (name, branch); a plain name has no branch."""
    value = value.strip()
    for left, right in (("（", "）"), ("(", ")")):
        if value.endswith(right) and left in value:
            name, _, rest = value.partition(left)
            return name.strip(), rest[:-1].strip()
    name, _, branch = value.partition("@")
    return name.strip(), branch.strip()


def _unit(tree: OrgTree, mine: set[int], raw: str) -> Unit | Reply:
    """The community or a branch named, among the units the person manages."""
    seated = {u for u in mine if tree.units[u].kind in (COMMITTEE_KIND, BRANCH_KIND)}
    names = "、".join(tree.name(u) for u in sorted(seated))
    found = [u for u in tree.find(raw, within=seated)]
    if len(found) != 1:
        return say("committee.err.unit", value=raw[:40], units=names)
    return found[0]


async def committee_command(deps: Deps, call: Call, text: str) -> Reply:
    """`/committee`, `/committee 单位`, `/committee 单位 | 姓名 | 职务`."""
    tree = OrgTree.of(await deps.store.units.all())
    mine = managed_units(call.actor, tree)
    fields = _fields(clean_text(text))
    if not fields[0]:
        own = call.actor.member.unit_id if call.actor.member else next(iter(sorted(mine)), None)
        fields[0] = tree.name(own)
    unit = _unit(tree, mine, fields[0])
    if isinstance(unit, Reply):
        return unit
    if len(fields) == 1:
        return await _listing(deps, call, unit)
    if len(fields) != 3:
        return say("committee.usage")
    return await _seat(deps, call, unit, fields[1:])


async def _listing(deps: Deps, call: Call, unit: Unit) -> Reply:
    """The committee: each office with its members (and their own unit when it is another), the quorum, the term."""
    lang, tree = call.lang, OrgTree.of(await deps.store.units.all())
    seated = committee_of(unit.id, await deps.store.members.seated(unit.id))
    lines = [t(lang, "committee.title", unit=unit.name, count=len(seated))]
    for member in seated:
        office = t(lang, f"committee.office.{member.office_in(unit.id) or 'member'}")
        home = "" if member.unit_id == unit.id else t(lang, "committee.home", unit=tree.name(member.unit_id))
        lines.append(t(lang, "committee.line", office=office, name=member.name, home=Html(home)))
    if seated:
        lines.append(t(lang, "committee.quorum", count=len(seated), needed=more_than_half(len(seated))))
    else:
        lines.append(t(lang, "committee.empty"))
    lines.append(_term_line(lang, unit))
    lines.append(t(lang, "committee.hint", unit=unit.name))
    return Reply(html="\n".join(lines))


def _term_line(lang: str, unit: Unit) -> str:
    if unit.term_start is None:
        return t(lang, "committee.no_term", unit=unit.name)
    start, end = unit.term_start, term_end(unit.term_start)
    return t(lang, "committee.term", start=dates.day_year(lang, start), end=dates.day_year(lang, end))


async def _seat(deps: Deps, call: Call, unit: Unit, given: list[str]) -> Reply:
    """Seat a member (of any unit) on the committee with an office, or remove them (`无`)."""
    (name, branch), word = _who(given[0]), given[1].strip().lower()
    remove = word in REMOVE_WORDS
    office = OFFICE_WORDS.get(word)
    if not name or (office is None and not remove):
        return say("committee.err.office", value=given[1][:20], unit=unit.name)
    found = await _named(deps.store, name, branch)
    if not found:
        return say("committee.err.unknown", name=name[:40])
    if len(found) > 1:
        return say("committee.err.ambiguous", name=name[:40])
    member = found[0]
    if remove:
        if not await deps.store.committees.unseat(unit.id, member.id):
            return say("committee.err.not_seated", name=member.name, unit=unit.name)
        log.info("unit=%s member=%s unseated", unit.id, member.id)
        return say("committee.removed", name=member.name, unit=unit.name)
    if not member.votes:  # 预备党员 (or a relation elsewhere) is not elected here
        return say("committee.err.no_vote", name=member.name)
    assert office is not None
    await deps.store.committees.seat(unit.id, member.id, office)
    log.info("unit=%s member=%s seated as %s", unit.id, member.id, office)
    return say("committee.seated", name=member.name, unit=unit.name, office=t(call.lang, f"committee.office.{office}"))


async def _named(store: Store, name: str, branch: str) -> list[Member]:
    """The active members of that name (in the branch named, when one is)."""
    tree = OrgTree.of(await store.units.all())
    found = await store.members.named(name)
    if branch:
        wanted = {u.id for u in tree.find(branch)}
        found = [m for m in found if m.unit_id in wanted]
    return [m for m in found if m.active]


async def term_command(deps: Deps, call: Call, text: str) -> Reply:
    """`/term 单位 | YYYY-MM-DD`: the start of the committee's term; its end and reminders are said."""
    fields = _fields(clean_text(text))
    if len(fields) != 2:
        return say("committee.term_usage")
    tree = OrgTree.of(await deps.store.units.all())
    unit = _unit(tree, managed_units(call.actor, tree), fields[0])
    if isinstance(unit, Reply):
        return unit
    today = call.now.astimezone(deps.tz).date()
    try:
        start = date.fromisoformat(fields[1])
    except ValueError:
        return say("committee.err.date", value=fields[1][:20], today=dates.day(call.lang, today))
    if start > today or start < add_months(today, -12 * (TERM_YEARS + 1)):
        return say("committee.err.date", value=fields[1][:20], today=dates.day(call.lang, today))
    await deps.store.committees.set_term(unit.id, start)
    end = term_end(start)
    log.info("unit=%s term from %s", unit.id, start)
    return say(
        "committee.term_saved",
        unit=unit.name,
        start=dates.day_year(call.lang, start),
        end=dates.day_year(call.lang, end),
        first=dates.day_year(call.lang, add_months(end, -6)),
        second=dates.day_year(call.lang, add_months(end, -1)),
    )


async def term_reminders(store: Store, settings: Settings, now: datetime) -> list[Due]:
    """换届提醒: six months and one month before a committee's term ends (from 09:00), each linked secretary of the
    unit and of the unit above it, once each under `term:<stage>:<unit>:<end>:<member>`. Only the stage whose
    window holds now; none after the end."""
    local = now.astimezone(settings.tz)
    terms = await store.committees.terms()
    due: list[Due] = []
    if not terms:
        return due
    tree = OrgTree.of(await store.units.all())
    for term in terms:
        stage = term_stage(term.start, local)
        unit = tree.units.get(term.unit_id)
        if stage is None or unit is None:
            continue
        end = term_end(term.start)
        over = [u for u in (unit.id, unit.parent_id) if u is not None]
        for person in await LedgerReads(store.db).secretaries(over):
            lang = person.language or settings.default_language
            text = t(
                lang,
                f"committee.remind_{stage}",
                unit=unit.name,
                start=dates.day_year(lang, term.start),
                end=dates.day_near(lang, end, local.date()),
            )
            key = f"{KIND}:{stage}:{unit.id}:{end.isoformat()}:{person.member_id}"
            due.append(
                Due(Outgoing(key=key, kind=KIND, chat_id=person.telegram_id, text=text, member_id=person.member_id))
            )
    return due
