"""`/development` (发展党员): the list of a secretary's register, one person's record, and a step recorded.

`/development` lists who is at which stage, since when, what is due next and what is late; `/development 姓名`
shows one record with every step; `/development 姓名 | 步骤 | 日期 | 说明` records a step when the 细则 allows it
on that day, and names the rule when it does not (bot/services/development/rules.py). The list never carries a
birth date or a 政审 conclusion; the one-record view, in the private chat only, does."""

from __future__ import annotations

from datetime import date

from bot.domain.call import Call
from bot.domain.results import Reply, Result, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import Html, t
from bot.services.development import common, meeting, publicity, rules
from bot.services.development.rules import Record, Step
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.members import lookup
from bot.store import Store
from bot.store.development import Person, Write
from bot.store.development_reports import SELF_NOTE

#: The units and the branches among them whose register the person keeps (`lookup.scope`).
Scope = tuple[OrgTree, set[int]]


async def development_command(deps: Deps, call: Call, text: str) -> Result:
    """`/development`, `/development 姓名`, `/development 姓名 | 步骤 | 日期 | 说明`."""
    today = call.now.astimezone(deps.tz).date()
    scope = await lookup.scope(call.actor, deps.store)
    tree, units = scope
    text = text.strip()
    if not text:
        return Result.of(shown(listing(await deps.store.development.in_units(units), tree, today, call.lang)))
    fields = common.split(text)
    if len(fields) == 1:
        return await show_one(deps, call, scope, fields[0])
    if len(fields) < 3 or not fields[0] or not fields[1] or not fields[2]:
        return Result.of(say("development.usage"))
    return await take_step(deps, call, scope, fields)


def _stage(stage: str, lang: str) -> str:
    return t(lang, f"development.stage.{stage}")


def _next(record: Record, today: date, lang: str) -> str:
    items = rules.pending(record, today)
    if not items:
        return ""
    return t(lang, "development.semi").join(
        t(lang, f"development.timer.{p.timer.value}{'_late' if p.late else ''}", day=dates.day_near(lang, p.day, today))
        for p in items
    )


def listing(people: list[Person], tree: OrgTree, today: date, lang: str) -> str:
    """Who is at which stage, since when, what comes next: names, stages and dates only; how to see one person."""
    if not people:
        return t(lang, "development.list_empty")
    return "\n".join([*_lines(people, tree, today, lang), t(lang, "development.list_foot")])


def reading(people: list[Person], tree: OrgTree, today: date, lang: str) -> str:
    """The listing for a reader from above (/overview): without the hints to /development they cannot use."""
    if not people:
        return t(lang, "development.list_empty_read")
    return "\n".join(_lines(people, tree, today, lang))


def _lines(people: list[Person], tree: OrgTree, today: date, lang: str) -> list[str]:
    lines = [t(lang, "development.list_head", count=len(people))]
    for p in people:
        record = common.record_of(p)
        stage, since, roster = common.stage_of(p)
        lines.append(
            t(
                lang,
                "development.list_line",
                name=p.name,
                unit=tree.name(p.unit_id),
                stage=_stage(stage, lang) + (t(lang, "development.roster_only") if roster else ""),
                since=dates.day_near(lang, since, today),
            )
        )
        due = _next(record, today, lang)
        if due:
            lines.append(t(lang, "development.list_due", due=Html(due)))
    return lines


async def _find(name: str, tree: OrgTree, units: set[int], store: Store) -> list[Person]:
    name, branch = lookup.who(name)
    if branch:
        units = units & {u.id for u in tree.find(branch)}
    return await store.development.named(name, units)


async def show_one(deps: Deps, call: Call, scope: Scope, name: str) -> Result:
    """One person's record with every step, and what is due next."""
    (tree, units), lang = scope, call.lang
    today = call.now.astimezone(deps.tz).date()
    found = await _find(name, tree, units, deps.store)
    if len(found) != 1:
        key = "development.ambiguous" if found else "development.unknown"
        return Result.of(say(key, name=lookup.who(name)[0][: common.MAX_NAME]))
    p = found[0]
    record = common.record_of(p)
    stage, since, roster = common.stage_of(p)
    lines = [
        t(
            lang,
            "development.one_head",
            name=p.name,
            unit=tree.name(p.unit_id),
            stage=_stage(stage, lang),
            since=dates.day_near(lang, since, today),
        )
    ]
    if roster:
        lines.append(t(lang, "development.roster_steps", name=p.name))
    if p.birth:
        lines.append(t(lang, "development.one_birth", day=dates.dated(lang, p.birth)))
    for s in p.steps:
        link = t(lang, "development.meeting.link", number=s.meeting[0], seq=s.meeting[1]) if s.meeting else ""
        mine = s.note == SELF_NOTE  # handed in by the person through the bot: nobody recorded it
        until = _until(s.on, s.ends_on, today, lang)
        extra = t(lang, "development.and").join(
            x for x in (common.listed(s.people, lang), "" if mine else s.note, until, link) if x
        )
        lines.append(
            t(
                lang,
                "development.one_step_self" if mine else "development.one_step",
                day=dates.day_near(lang, s.on, today),
                step=t(lang, f"development.step.{s.step}"),
                extra=t(lang, "development.colon") + extra if extra else "",
                by=s.recorded_by_name or "—",
            )
        )
    due = _next(record, today, lang)
    if due:
        lines.append(t(lang, "development.list_due", due=Html(due)))
    return Result.of(shown("\n".join(lines)))


async def _full_members(listed: list[str], units: set[int], store: Store) -> tuple[list[str], str | None]:
    """The names given, each a 正式党员 of these branches; the first that is not, when one is not."""
    for name in listed:
        found = [m for m in await store.members.named(clean_text(name)) if m.unit_id in units and m.votes]
        if not found:
            return listed, name
    return listed, None


async def take_step(deps: Deps, call: Call, scope: Scope, fields: list[str]) -> Result:
    """`姓名 | 步骤 | 日期 | 说明`: the step recorded when the 细则 allows it on that day; else the rule named."""
    person, now, store, lang = call.actor, call.now, deps.store, call.lang
    tree, units = scope
    today = now.astimezone(deps.tz).date()
    raw_name, raw_step, raw_day = fields[0], fields[1], fields[2]
    note = fields[3] if len(fields) > 3 else ""
    step = rules.STEP_WORDS.get(raw_step.lower())
    if step is None:
        return Result.of(say("development.bad_step", value=raw_step[:20]))
    on = common.parse_day(raw_day)
    if on is None:
        return Result.of(say("development.bad_day", value=raw_day[:20]))
    if len(note) > common.MAX_NOTE:
        return Result.of(say("development.too_long", limit=common.MAX_NOTE))
    name, branch = lookup.who(raw_name)
    if not name or len(name) > common.MAX_NAME:
        return Result.of(say("development.usage"))
    found = await _find(raw_name, tree, units, store)
    if len(found) > 1:
        return Result.of(say("development.ambiguous", name=name))
    existing = found[0] if found else None
    if existing is None and step is not Step.APPLY:
        return Result.of(say("development.unknown", name=name))
    if existing is not None and step is Step.APPLY and common.entered(existing):
        return Result.of(say("development.already", name=name))
    record = common.record_of(existing)
    months, people, birth = 0, "", None
    linked: tuple[int, int] | None = None
    if step is Step.APPLY:
        birth = common.parse_day(note)
        if birth is None:
            return Result.of(say("development.need_birth"))
        if not rules.old_enough(birth, on):
            return Result.of(say("development.rule.age", day=rules.add_months(birth, 12 * rules.MIN_AGE).isoformat()))
        note = ""
    elif step in (Step.ACTIVIST, Step.CANDIDATE):
        listed = common.names(note)
        low, high = rules.CONTACTS if step is Step.ACTIVIST else (rules.INTRODUCERS, rules.INTRODUCERS)
        if not low <= len(listed) <= high:
            return Result.of(say(f"development.need_{step.value}"))
        # 培养联系人 are the branch's own 正式党员 (they read the reports and are reminded within the branch);
        # 入党介绍人 may be 正式党员 of any branch the secretary manages.
        own = existing.unit_id if existing is not None and step is Step.ACTIVIST else None
        _, wrong = await _full_members(listed, {own} if own is not None else units, store)
        if wrong is not None and own is not None:
            return Result.of(
                say("development.not_branch_contact", name=wrong[: common.MAX_NAME], branch=tree.name(own))
            )
        if wrong is not None:
            return Result.of(say("development.not_full", name=wrong[: common.MAX_NAME]))
        people, note = "、".join(listed), ""
    elif step is Step.TRAINING:
        days = common.amount(note, "天", "days", "day") or 0
        hours = common.amount(note, "学时", "小时", "hours", "hour") or 0
        if not rules.training_enough(days, hours):
            return Result.of(say("development.rule.training"))
    if step in (Step.ADMIT, Step.CONFIRM) and existing is not None:
        taken_by = await meeting.linked_vote(store, meeting.Asked(step, name, existing.unit_id, on, note), deps.tz)
        if isinstance(taken_by, Reply):
            return Result.of(taken_by)
        if taken_by is not None:
            note, linked = taken_by.note, (taken_by.notice_id, taken_by.seq)
    if step is Step.ADMIT and linked is None:
        counted = common.vote(note)
        if counted is None:
            return Result.of(say("development.need_vote"))
        if not counted.consistent:
            return Result.of(say("development.bad_vote"))
        if not counted.passed:
            key = "development.rule.no_quorum" if not counted.quorum else "development.rule.not_passed"
            return Result.of(say(key, expected=counted.expected, present=counted.present))
    elif step is Step.EXTEND:
        found_months = common.amount(note, "个月", "月", "months", "month")
        if found_months is None and ("一年" in note or "1年" in note):
            found_months = 12
        months = int(found_months or 0)
    ends: date | None = None
    if step is Step.PUBLICITY:
        days = publicity.days_of(note)
        if days > publicity.MAX_DAYS:
            return Result.of(say("development.bad_publicity_days", value=days, limit=publicity.MAX_DAYS))
        on, ends = publicity.span(on, days)
        note = ""
    taken = rules.Taken(step, on, months)
    refusal = rules.check(record, taken, max(today, on) if ends else today)
    if refusal is not None:
        params = dict(refusal.params)
        if "stage" in params:
            params["stage"] = t(lang, f"development.stage.{params['stage']}")
        if "step" in params:
            params["step"] = t(lang, f"development.step.{params['step']}")
        return Result.of(_refused(refusal.key, params))
    after = Record((*record.steps, taken))
    write = Write(step.value, on, months, people, note, after.stage.value, after.since or on, birth, linked, ends)
    by = person.member.id if person.member is not None else None
    if existing is None:
        unit = _unit_for(person, branch, tree, units)
        if unit is None:
            return Result.of(say("development.need_branch"))
        if await store.development.apply(unit, name, birth, write, by, now) is None:
            return Result.of(say("development.already", name=name))
    elif not await store.development.record(existing, write, by, now):
        return Result.of(say("development.changed"))
    return Result.of(_done(name, after, today, lang))


def _until(start: date, end: date | None, today: date, lang: str) -> str:
    """A 公示's 公示期, in words; '' for any other step."""
    if end is None:
        return ""
    return t(
        lang,
        "development.publicity_until",
        start=dates.day_near(lang, start, today),
        end=dates.day_near(lang, end, today),
    )


def _refused(key: str, params: dict[str, str]) -> Reply:
    return Reply(key=f"development.rule.{key}", params=params)


def _done(name: str, after: Record, today: date, lang: str) -> Reply:
    """The step just recorded (the last of `after`), the stage it leads to, and what is due next."""
    taken = after.steps[-1]
    text = t(
        lang,
        "development.recorded",
        name=name,
        step=t(lang, f"development.step.{taken.step.value}"),
        day=dates.day_near(lang, taken.on, today),
        stage=_stage(after.stage.value, lang),
    )
    due = _next(after, today, lang)
    return shown(f"{text}\n{t(lang, 'development.list_due', due=Html(due))}" if due else text)


def _unit_for(person: Actor, branch: str, tree: OrgTree, units: set[int]) -> int | None:
    if branch:
        named = [u.id for u in tree.find(branch) if u.id in units]
        return named[0] if len(named) == 1 else None
    if person.member is not None and person.member.unit_id in units:
        return person.member.unit_id
    return None
