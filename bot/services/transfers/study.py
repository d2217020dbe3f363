"""`/study` 学时 (issue 27, SPEC §10): each member's 学时 of a year against STUDY_HOURS_REQUIRED.

* `/study [YYYY]`: a secretary or 组织委员 sees the members of the branches they keep, those under the requirement
  first; anyone else sees their own 学时 with each meeting;
* `/study 姓名 [| YYYY]`: one member's meetings and other study (a secretary);
* `/study 会议 | 编号 | 学时`: a meeting's own 学时 (0: not a study meeting), instead of its type's default;
* `/study 记录 | 姓名 | 日期 | 学时 | 内容`: study outside the branch's meetings (上级党组织的集中培训, 党校, 网络培训).

The rules are in `study_rules`. Names, meetings and figures only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Result, say, shown
from bot.domain.rights import OrgTree
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.members import lookup
from bot.services.transfers import common
from bot.services.transfers.study_rules import (
    MAX_MEETING_HOURS,
    MAX_RECORD_HOURS,
    figure,
    meeting_hours,
    parse_hours,
    short,
)
from bot.store.moving import Entry

MEETING_WORDS = frozenset({"会议", "meeting"})
RECORD_WORDS = frozenset({"记录", "record"})
MAX_WHAT = 100


@dataclass(frozen=True)
class Line:
    """One item of a member's 学时: the day, what it was, the hours."""

    on: date
    what: str
    hours: float
    meeting: bool = True  # a meeting attended (or made up); False: study entered by a secretary


async def hours_of(deps: Deps, ids: list[int], year: int) -> dict[int, list[Line]]:
    """Each member's 学时 of the year, item by item, oldest first."""
    tz = deps.settings.tz
    start = datetime.combine(date(year, 1, 1), time(), tz)
    end = datetime.combine(date(year + 1, 1, 1), time(), tz)
    moving = deps.store.moving
    meetings = await moving.attended(ids, start, end)
    if deps.settings.study_counts_makeup:
        meetings += await moving.made_up(ids, start, end)
    out: dict[int, list[Line]] = {i: [] for i in ids}
    for a in meetings:
        hours = meeting_hours(a.kind, a.hours)
        if hours > 0:
            out[a.member_id].append(Line(a.starts_at.astimezone(tz).date(), f"#{a.notice_id} {a.topic}", hours))
    for s in await moving.studied(ids, date(year, 1, 1), date(year, 12, 31)):
        out[s.member_id].append(Line(s.on, s.what, s.hours, meeting=False))
    for lines in out.values():
        lines.sort(key=lambda x: x.on)
    return out


def _year(text: str, today: date) -> int | None:
    text = text.strip()
    if not text:
        return today.year
    if text.isdecimal() and len(text) == 4 and 2000 <= int(text) <= today.year:
        return int(text)
    return None


async def study_command(deps: Deps, call: Call, text: str) -> Result:
    today = call.now.astimezone(deps.tz).date()
    fields = common.split(text) if text.strip() else [""]
    units = (await lookup.scope(call.actor, deps.store))[1]
    word = fields[0].lower()
    if word in MEETING_WORDS or word in RECORD_WORDS:
        if not units:
            return Result.of(say("transfers.study.secretary_only"))
        if word in MEETING_WORDS:
            return await set_meeting(deps, units, fields[1:])
        return await record(deps, call, units, fields[1:])
    year = _year(fields[0], today)
    if year is not None and len(fields) == 1:
        if units:
            return await overview(deps, call, units, year)
        if call.actor.member is None:
            return Result.of(say("transfers.study.secretary_only"))
        return await one(deps, call, call.actor.member, year)
    if fields[0].isdecimal():
        return Result.of(say("transfers.study.bad_year", value=fields[0][:20], year=today.year))
    if not units:
        return Result.of(say("transfers.study.secretary_only"))
    year = _year(fields[1], today) if len(fields) > 1 else today.year
    if year is None:
        return Result.of(say("transfers.study.bad_year", value=fields[1][:20], year=today.year))
    found = await _find(deps, units, fields[0])
    if len(found) != 1:
        key = "transfers.ambiguous" if found else "transfers.unknown"
        return Result.of(say(key, name=lookup.who(fields[0])[0][: common.MAX_NAME]))
    return await one(deps, call, found[0], year)


async def _find(deps: Deps, units: set[int], raw: str) -> list[Member]:
    name, branch = lookup.who(raw)
    if branch:
        tree = OrgTree.of(await deps.store.units.all())
        units = units & {u.id for u in tree.find(branch)}
    return [m for m in await deps.store.members.named(clean_text(name)) if m.unit_id in units]


async def overview(deps: Deps, call: Call, units: set[int], year: int) -> Result:
    lang, required = call.lang, deps.settings.study_hours_required
    members = await deps.store.members.in_units(units)
    if not members:
        return Result.of(say("transfers.study.nobody"))
    lines = await hours_of(deps, [m.id for m in members], year)
    totals = {m.id: sum(x.hours for x in lines[m.id]) for m in members}
    under = [m for m in members if short(totals[m.id], required)]
    met = [m for m in members if not short(totals[m.id], required)]
    out = [t(lang, "transfers.study.head", year=year, required=required, under=len(under), count=len(members))]
    if under:
        out.append(t(lang, "transfers.study.under_head", required=required))
        out += [
            t(lang, "transfers.study.member_line", name=m.name, hours=figure(totals[m.id]))
            for m in sorted(under, key=lambda m: totals[m.id])
        ]
    if met:
        out.append(t(lang, "transfers.study.met_head"))
        out += [t(lang, "transfers.study.member_line", name=m.name, hours=figure(totals[m.id])) for m in met]
    out.append(t(lang, "transfers.study.foot"))
    return Result.of(shown("\n".join(out)))


async def one(deps: Deps, call: Call, member: Member, year: int) -> Result:
    lang, required = call.lang, deps.settings.study_hours_required
    lines = (await hours_of(deps, [member.id], year))[member.id]
    total = sum(x.hours for x in lines)
    key = "transfers.study.one_short" if short(total, required) else "transfers.study.one_met"
    out = [t(lang, key, name=member.name, year=year, hours=figure(total), required=required)]
    out += [
        t(lang, "transfers.study.item", day=dates.day(lang, x.on), what=x.what, hours=figure(x.hours)) for x in lines
    ]
    if not lines:
        out.append(t(lang, "transfers.study.none"))
    return Result.of(shown("\n".join(out)))


async def set_meeting(deps: Deps, units: set[int], fields: list[str]) -> Result:
    """`会议 | 编号 | 学时`: the meeting of a branch this person keeps."""
    if len(fields) < 2:
        return Result.of(say("transfers.study.usage_meeting"))
    raw_id = fields[0].lstrip("#＃")
    notice = await deps.store.notices.get(int(raw_id)) if raw_id.isdecimal() and len(raw_id) < 10 else None
    if notice is None or notice.unit_id not in units:
        return Result.of(say("transfers.study.no_meeting", value=fields[0][:12]))
    hours = parse_hours(fields[1], most=MAX_MEETING_HOURS, zero=True)
    if hours is None:
        return Result.of(say("transfers.study.bad_hours", value=fields[1][:12], most=figure(MAX_MEETING_HOURS)))
    await deps.store.moving.set_hours(notice.id, hours)
    return Result.of(say("transfers.study.meeting_set", id=notice.id, topic=notice.topic, hours=figure(hours)))


async def record(deps: Deps, call: Call, units: set[int], fields: list[str]) -> Result:
    """`记录 | 姓名 | 日期 | 学时 | 内容`."""
    today = call.now.astimezone(deps.tz).date()
    if len(fields) < 4 or not all(fields[:4]):
        return Result.of(say("transfers.study.usage_record"))
    raw, raw_day, raw_hours, what = fields[:4]
    on = common.parse_day(raw_day)
    if on is None:
        return Result.of(say("transfers.bad_day", value=raw_day[:20]))
    if on > today:
        return Result.of(say("transfers.rule.future"))
    if on.year < today.year - 1:
        return Result.of(say("transfers.study.too_old", year=today.year - 1))
    hours = parse_hours(raw_hours, most=MAX_RECORD_HOURS)
    if hours is None:
        return Result.of(say("transfers.study.bad_hours", value=raw_hours[:12], most=figure(MAX_RECORD_HOURS)))
    if len(what) > MAX_WHAT:
        return Result.of(say("transfers.too_long", limit=MAX_WHAT))
    found = await _find(deps, units, raw)
    if len(found) != 1:
        key = "transfers.ambiguous" if found else "transfers.unknown"
        return Result.of(say(key, name=lookup.who(raw)[0][: common.MAX_NAME]))
    by = call.actor.member.id if call.actor.member is not None else None
    await deps.store.moving.add_study(Entry(found[0].id, on, what, hours, by), call.now)
    return Result.of(
        say("transfers.study.recorded", name=found[0].name, day=dates.day(call.lang, on), hours=figure(hours))
    )
