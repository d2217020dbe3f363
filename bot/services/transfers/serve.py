"""`/serve` 在职党员 到社区报到 (issue 27): a member whose organisation is at their workplace (组织关系在外) reports to
the community they live in, takes on a service, and records what they did for it; the community sees who
reported and what they did (the sheet 在职党员到社区报到 is the yearly 反馈 for the employer).

* `/serve 报到 | 认领的服务` — the member reports for this year (once a year);
* `/serve 活动 | 日期 | 做了什么 | 小时数` — an activity done for the community (after the 报到 of its year);
* `/serve 流入地 | 日期 | 参加了什么` — a 流动党员 reports an activity of the 流入地党组织 (`inflow`), told to their
  liaison;
* `/serve [YYYY]` — a member sees their own year; a secretary sees every 在职党员 of the branches they keep:
  reported or not, the service, the activities and hours.

A member whose relation is here (the branch's own member) needs no 报到 and is told so. From 1 March an 在职党员 not
yet reported that year is reminded once (`moving_reminders`)."""

from __future__ import annotations

from datetime import date

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Result, say, shown
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.members import lookup
from bot.services.transfers import common
from bot.services.transfers.inflow import INFLOW_WORDS, inflow_report
from bot.services.transfers.study_rules import figure, parse_hours
from bot.store.moving import Entry, Service

REPORT_WORDS = frozenset({"报到", "report"})
ACTIVITY_WORDS = frozenset({"活动", "服务", "activity"})
MAX_WHAT = 100
MAX_HOURS = 24.0


async def serve_command(deps: Deps, call: Call, text: str) -> Result:
    today = call.now.astimezone(deps.tz).date()
    fields = common.split(text) if text.strip() else [""]
    word = fields[0].lower()
    me = call.actor.member
    if word in INFLOW_WORDS:
        if me is None:
            return Result.of(say("transfers.serve.members_only"))
        return await inflow_report(deps, call, me, fields[1:])
    if word in REPORT_WORDS or word in ACTIVITY_WORDS:
        if me is None:
            return Result.of(say("transfers.serve.members_only"))
        if me.relation == "here":
            return Result.of(say("transfers.serve.not_needed", name=me.name))
        if word in REPORT_WORDS:
            return await report(deps, call, me, fields[1:])
        return await activity(deps, call, me, fields[1:])
    raw = fields[0]
    if len(fields) > 1 or (raw and not (raw.isdecimal() and len(raw) == 4 and 2000 <= int(raw) <= today.year)):
        return Result.of(say("transfers.serve.usage", year=today.year))
    year = int(raw) if raw else today.year
    units = (await lookup.scope(call.actor, deps.store))[1]
    if units:
        return await community(deps, call, units, year)
    if me is None:
        return Result.of(say("transfers.serve.members_only"))
    entries = await deps.store.moving.service([me.id], date(year, 1, 1), date(year, 12, 31))
    return Result.of(shown("\n".join(_own(me, entries, year, call.lang))))


def _own(me: Member, entries: list[Service], year: int, lang: str) -> list[str]:
    reported = [e for e in entries if e.kind == "report"]
    done = [e for e in entries if e.kind == "activity"]
    if not reported:
        head = t(lang, "transfers.serve.own_none", name=me.name, year=year)
    else:
        head = t(
            lang,
            "transfers.serve.own_head",
            name=me.name,
            year=year,
            day=dates.day(lang, reported[0].on),
            what=reported[0].what,
            count=len(done),
            hours=figure(sum(e.hours for e in done)),
        )
    lines = [head]
    lines += [
        t(lang, "transfers.serve.item", day=dates.day(lang, e.on), what=e.what, hours=figure(e.hours)) for e in done
    ]
    return lines


async def report(deps: Deps, call: Call, me: Member, fields: list[str]) -> Result:
    today = call.now.astimezone(deps.tz).date()
    what = fields[0] if fields else ""
    if not what:
        return Result.of(say("transfers.serve.usage_report"))
    if len(what) > MAX_WHAT:
        return Result.of(say("transfers.too_long", limit=MAX_WHAT))
    year = await deps.store.moving.service([me.id], date(today.year, 1, 1), date(today.year, 12, 31))
    earlier = [e for e in year if e.kind == "report"]
    if earlier:
        return Result.of(say("transfers.serve.already", day=dates.day(call.lang, earlier[0].on), what=earlier[0].what))
    await deps.store.moving.add_service("report", Entry(me.id, today, what, 0, me.id), call.now)
    return Result.of(say("transfers.serve.reported", name=me.name, what=what, day=dates.day(call.lang, today)))


async def activity(deps: Deps, call: Call, me: Member, fields: list[str]) -> Result:
    today = call.now.astimezone(deps.tz).date()
    if len(fields) < 3 or not all(fields[:3]):
        return Result.of(say("transfers.serve.usage_activity"))
    raw_day, what, raw_hours = fields[:3]
    on = common.parse_day(raw_day)
    if on is None:
        return Result.of(say("transfers.bad_day", value=raw_day[:20]))
    if on > today:
        return Result.of(say("transfers.rule.future"))
    if on.year != today.year:
        return Result.of(say("transfers.serve.this_year", year=today.year))
    hours = parse_hours(raw_hours, most=MAX_HOURS)
    if hours is None:
        return Result.of(say("transfers.study.bad_hours", value=raw_hours[:12], most=figure(MAX_HOURS)))
    if len(what) > MAX_WHAT:
        return Result.of(say("transfers.too_long", limit=MAX_WHAT))
    year = await deps.store.moving.service([me.id], date(today.year, 1, 1), date(today.year, 12, 31))
    if not any(e.kind == "report" for e in year):
        return Result.of(say("transfers.serve.report_first"))
    await deps.store.moving.add_service("activity", Entry(me.id, on, what, hours, me.id), call.now)
    return Result.of(say("transfers.serve.logged", day=dates.day(call.lang, on), what=what, hours=figure(hours)))


async def community(deps: Deps, call: Call, units: set[int], year: int) -> Result:
    """Every 在职党员 of these branches (and anyone else who served): reported or not, and what they did."""
    lang = call.lang
    serving = {i: (name, unit) for i, name, unit in await deps.store.moving.serving(units)}
    members = [m for m in await deps.store.members.in_units(units) if m.relation != "here"]
    ids = sorted(set(serving) | {m.id for m in members})
    entries = await deps.store.moving.service(ids, date(year, 1, 1), date(year, 12, 31))
    by_member: dict[int, list[Service]] = {}
    for e in entries:
        by_member.setdefault(e.member_id, []).append(e)
    shown_ids = [i for i in ids if i in serving or i in by_member]
    if not shown_ids:
        return Result.of(say("transfers.serve.nobody", year=year))
    names = {m.id: m.name for m in members} | {i: n for i, (n, _) in serving.items()}
    reported = [i for i in shown_ids if any(e.kind == "report" for e in by_member.get(i, []))]
    missing = [i for i in shown_ids if i not in reported]
    lines = [t(lang, "transfers.serve.head", year=year, reported=len(reported), count=len(shown_ids))]
    for i in reported:
        mine = by_member[i]
        first = next(e for e in mine if e.kind == "report")
        done = [e for e in mine if e.kind == "activity"]
        lines.append(
            t(
                lang,
                "transfers.serve.line",
                name=names[i],
                what=first.what,
                day=dates.day(lang, first.on),
                count=len(done),
                hours=figure(sum(e.hours for e in done)),
            )
        )
    if missing:
        lines.append(t(lang, "transfers.serve.missing", names="、".join(names[i] for i in missing)))
    return Result.of(shown("\n".join(lines)))
