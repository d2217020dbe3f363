"""Items drafted from what the bot already records, each from whitelisted fields only — never an illness, a
hardship, a care note, a talk note, a ballot, a tally or an ID number:

* 岗位公示: the quarter's post-holders, points and ratings (`bot.services.duty.publicity`);
* 民主评议结果: the year's 评定 — the 优秀 by name and how many of each grade (a 基本合格 / 不合格 member is named
  to nobody but the branch: the rule asks for the result to be made public, not for a member to be shown up);
* 发展党员公示: a 发展对象 to be received (拟接收预备党员) or a 预备党员 to be confirmed (拟转正): name, birth month,
  the dates of the steps, the 入党介绍人;
* 党费收缴情况: the quarter's total and how many paid (no one's amount, which would tell their income);
* 三会一课开展情况: the meetings of the quarter by type and day (no topics: a 支委会's may be internal);
* 整改进展: the 整改清单, each item's measure, deadline and whether it is closed.

Each returns (kind, source, title, body) worded in the community's language, or the reply naming what is
missing. No Telegram here."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.call import Call
from bot.domain.results import Reply, say
from bot.i18n import t
from bot.services.appraisal.rules import PUBLICITY_SOURCE, Grade
from bot.services.development.rules import Stage, Step
from bot.services.duty.points import Quarter
from bot.services.duty.publicity import holders
from bot.services.duty.rules import FieldError
from bot.services.kernel.dates import day
from bot.services.kernel.deps import Deps
from bot.services.openness.rules import Kind
from bot.store.ledger import LedgerReads

Drafted = tuple[Kind, str, str, str]


def _unit(call: Call) -> int:
    assert call.actor.member is not None
    return call.actor.member.unit_id


def _quarter(deps: Deps, call: Call, text: str) -> Quarter | None:
    try:
        return Quarter.parse(text) if text.strip() else Quarter.of(call.now, deps.tz)
    except FieldError:
        return None


def _quarter_name(lang: str, quarter: Quarter) -> str:
    return t(lang, "report.quarter_name", year=quarter.year, quarter=t(lang, f"report.q{quarter.number}"))


async def _unit_name(deps: Deps, unit_id: int) -> str:
    unit = await deps.store.units.get(unit_id)
    return unit.name if unit is not None else ""


async def posts(deps: Deps, call: Call, text: str) -> Drafted | Reply:
    found = await holders(deps, call, text)
    if isinstance(found, Reply):
        return found
    unit_id, quarter, lines = found
    lang = deps.settings.default_language
    title = t(
        lang, "openness.src.posts_title", unit=await _unit_name(deps, unit_id), quarter=_quarter_name(lang, quarter)
    )
    return Kind.POSTS, f"posts:{quarter}", title, "\n".join(lines)


async def appraisal(deps: Deps, call: Call, text: str) -> Drafted | Reply:
    unit, store, lang = _unit(call), deps.store, deps.settings.default_language
    year = int(text) if text.strip().isdigit() else call.now.astimezone(deps.tz).year
    found = await store.appraisal.appraisal(unit, year)
    ratings = await store.appraisal.ratings(found.id) if found is not None else {}
    if found is None or not ratings:
        return say("openness.src.no_appraisal", year=year)
    people = await store.members.by_ids(sorted(ratings))
    excellent = sorted(people[m].name for m, r in ratings.items() if r.grade == Grade.EXCELLENT and m in people)
    counts = [
        t(lang, "openness.src.grade_count", grade=t(lang, f"appraisal.grade.{g.value}"), count=n)
        for g in Grade
        if (n := sum(1 for r in ratings.values() if r.grade == g))
    ]
    body = [
        t(lang, "openness.src.appraisal_total", year=year, count=len(ratings), counts="、".join(counts)),
        t(lang, "openness.src.appraisal_excellent", names="、".join(excellent) or "—"),
    ]
    title = t(lang, "openness.src.appraisal_title", unit=await _unit_name(deps, unit), year=year)
    return Kind.APPRAISAL, f"{PUBLICITY_SOURCE}{year}", title, "\n".join(body)


async def development(deps: Deps, call: Call, text: str) -> Drafted | Reply:
    unit, store, lang = _unit(call), deps.store, deps.settings.default_language
    name = text.strip()
    if not name:
        return say("openness.src.development_usage")
    people = await store.development.named(name, [unit])
    if len(people) != 1:
        return say("openness.src.development_unknown", name=name[:40])
    person = people[0]
    days = {s.step: s.on for s in person.steps}
    introducers = next((s.people for s in reversed(person.steps) if s.step == Step.CANDIDATE), "")

    def on(step: Step) -> str:
        found = days.get(step)
        return found.isoformat() if found else "—"

    birth = f"{person.birth.year}年{person.birth.month}月" if person.birth and lang == "zh" else ""
    if person.birth and lang != "zh":
        birth = f"{person.birth.year}-{person.birth.month:02d}"
    if person.stage == Stage.CANDIDATE:
        key, step = "candidate", Step.ADMIT
        lines = [
            t(lang, "openness.src.dev_person", name=person.name, birth=birth or "—"),
            t(lang, "openness.src.dev_applied", day=on(Step.APPLY)),
            t(lang, "openness.src.dev_activist", day=on(Step.ACTIVIST)),
            t(lang, "openness.src.dev_candidate", day=on(Step.CANDIDATE)),
            t(lang, "openness.src.dev_introducers", names=introducers or "—"),
        ]
    elif person.stage == Stage.PROBATIONARY:
        key, step = "confirm", Step.CONFIRM
        lines = [
            t(lang, "openness.src.dev_person", name=person.name, birth=birth or "—"),
            t(lang, "openness.src.dev_admitted", day=on(Step.ADMIT)),
            t(lang, "openness.src.dev_introducers", names=introducers or "—"),
        ]
    else:
        stage = t(call.lang, f"development.stage.{person.stage}")
        return say("openness.src.development_stage", name=person.name, stage=stage)
    unit_name = await _unit_name(deps, unit)
    title = t(lang, f"openness.src.dev_{key}_title", unit=unit_name)
    lines.append(t(lang, f"openness.src.dev_{key}_foot"))
    return Kind.DEVELOPMENT, f"development:{person.id}:{step.value}", title, "\n".join(lines)


async def dues(deps: Deps, call: Call, text: str) -> Drafted | Reply:
    unit, store, lang = _unit(call), deps.store, deps.settings.default_language
    quarter = _quarter(deps, call, text)
    if quarter is None:
        return say("posts.err.quarter", value=text.strip()[:20])
    months = {f"{quarter.year:04d}-{m:02d}" for m in quarter.months}
    paid = [
        p
        for p in await store.dues.payments_in([unit], quarter.year)
        if not p.corrected and p.first_month <= max(months) and p.last_month >= min(months)
    ]
    members = [m for m in await store.members.in_units([unit]) if m.unit_id == unit]
    if not paid:
        return say("openness.src.no_dues", quarter=_quarter_name(call.lang, quarter))
    total = sum(p.amount for p in paid)
    payers = len({p.member_id for p in paid})
    body = t(
        lang,
        "openness.src.dues_body",
        quarter=_quarter_name(lang, quarter),
        members=len(members),
        payers=payers,
        total=f"{total // 100}.{total % 100:02d}",
    )
    title = t(lang, "openness.src.dues_title", unit=await _unit_name(deps, unit), quarter=_quarter_name(lang, quarter))
    return Kind.DUES, f"dues:{quarter}", title, body


async def meetings(deps: Deps, call: Call, text: str) -> Drafted | Reply:
    unit, lang = _unit(call), deps.settings.default_language
    quarter = _quarter(deps, call, text)
    if quarter is None:
        return say("posts.err.quarter", value=text.strip()[:20])
    start, end = quarter.bounds(deps.tz)
    held = [r for r in await LedgerReads(deps.store.db).held(start, end, call.now) if r.unit_id == unit]
    if not held:
        return say("openness.src.no_meetings", quarter=_quarter_name(call.lang, quarter))
    lines = [t(lang, "openness.src.meetings_head", quarter=_quarter_name(lang, quarter), count=len(held))]
    lines += [
        t(
            lang,
            "openness.src.meeting_line",
            day=day(lang, r.starts_at.astimezone(deps.tz).date()),
            kind=t(lang, f"notice.kind.{r.kind}"),
        )
        for r in held
    ]
    title = t(
        lang, "openness.src.meetings_title", unit=await _unit_name(deps, unit), quarter=_quarter_name(lang, quarter)
    )
    return Kind.MEETINGS, f"meetings:{quarter}", title, "\n".join(lines)


async def rectify(deps: Deps, call: Call, text: str) -> Drafted | Reply:
    unit, lang = _unit(call), deps.settings.default_language
    items = await deps.store.appraisal.items(unit)
    if not items:
        return say("openness.src.no_rectify")
    today = call.now.astimezone(deps.tz).date()
    recent = [i for i in items if i.closed_at is None or i.closed_at >= call.now - timedelta(days=366)]
    lines = [
        t(
            lang,
            "openness.src.rectify_done" if i.closed_at is not None else "openness.src.rectify_open",
            n=n,
            item=i.item,
            measure=i.measure,
            name=i.responsible_name,
            day=i.deadline.isoformat(),
        )
        for n, i in enumerate(recent, 1)
    ]
    done = sum(1 for i in recent if i.closed_at is not None)
    lines.insert(0, t(lang, "openness.src.rectify_head", count=len(recent), done=done, today=today.isoformat()))
    title = t(lang, "openness.src.rectify_title", unit=await _unit_name(deps, unit))
    return Kind.RECTIFY, f"rectify:{today.isoformat()}", title, "\n".join(lines)
