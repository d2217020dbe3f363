"""`/talk 姓名 | YYYY-MM-DD | 内容 [| 私密备注]` logs a 谈心谈话 the person had with another member of their
branch; `/talks` shows the year: for the secretary every required pair done or missing (each pair of 支部委员,
each 支部委员 with each member) and the talks logged with their notes; for a member their own talks and the
pairs they are still owed. A talk's note is read only by the secretary and the two people: it is in no list of
anyone else, no sheet and no export."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Result, say, shown
from bot.i18n import Html, t
from bot.services.appraisal.common import MAX_TEXT, branch_members, branch_of, named, split
from bot.services.appraisal.prompts import open_prompts, reason_text
from bot.services.appraisal.rules import Pair, pair_status, parse_form, required_pairs, talk_day
from bot.services.kernel import dates
from bot.services.kernel.dates import day as day_text
from bot.services.kernel.deps import Deps
from bot.store import Store
from bot.store.appraisal_rows import Talk, TalkIn

#: Lines of missing pairs and of talks shown at most (the rest is counted).
SHOWN = 40


async def log_talk(deps: Deps, call: Call, text: str) -> Result:
    person, now, store = call.actor, call.now, deps.store
    fields = split(text)
    if len(fields) < 3 or not all(fields[:3]):
        return Result.of(say("appraisal.talk_usage"))
    unit = branch_of(person)
    assert person.member is not None and unit is not None  # /talk is for members
    me = person.member
    today = now.astimezone(deps.tz).date()
    form, name = parse_form(fields[0])
    day_text, topic = fields[1:3]
    note = fields[3] if len(fields) > 3 else ""
    if len(topic) > MAX_TEXT or len(note) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    found = named(await branch_members(store, unit), name)
    if not found:
        return Result.of(say("appraisal.unknown", name=name[:40]))
    if len(found) > 1:
        return Result.of(say("appraisal.ambiguous", name=name[:40]))
    other = found[0]
    if other.id == me.id:
        return Result.of(say("appraisal.talk_self"))
    held = talk_day(day_text, today)
    if held is None:
        return Result.of(say("appraisal.talk_bad_day", value=day_text[:20], year=today.year, today=today.isoformat()))
    await store.appraisal.add_talk(unit, (me.id, other.id), TalkIn(held, topic, note, form.value, me.id), now)
    form_name = t(call.lang, f"appraisal.form.{form.value}")
    return Result.of(say("appraisal.talk_logged", name=other.name, day=dates.day(call.lang, held), form=form_name))


def _pair_names(pair: Pair, names: dict[int, str]) -> tuple[str, str]:
    a, b = sorted(pair)
    return names.get(a, "?"), names.get(b, "?")


def _talk_line(talk: Talk, lang: str, with_note: bool) -> str:
    form = t(lang, f"appraisal.form.{talk.form}")
    line = t(
        lang,
        "appraisal.talk_line",
        day=dates.day(lang, talk.held_on),
        a=talk.a_name,
        b=talk.b_name,
        topic=talk.topic,
        form=form,
    )
    if with_note and talk.note:
        line += "\n" + t(lang, "appraisal.talk_note", note=talk.note)
    return line


async def year_view(store: Store, unit: int, year: int) -> tuple[list[Member], set[Pair], set[Pair], list[Talk]]:
    members = await branch_members(store, unit)
    committee = [m.id for m in members if m.is_committee]
    talks = await store.appraisal.talks(unit, year)
    required = required_pairs(committee, [m.id for m in members])
    done, missing = pair_status(required, [(x.a_id, x.b_id) for x in talks])
    return members, done, missing, talks


async def show_talks(deps: Deps, call: Call) -> Result:
    person, store, lang = call.actor, deps.store, call.lang
    unit = branch_of(person)
    if unit is None:
        return Result.of(say("appraisal.no_branch"))
    assert person.member is not None
    me = person.member.id
    year = call.now.astimezone(deps.tz).year
    members, done, missing, talks = await year_view(store, unit, year)
    names = {m.id: m.name for m in members}
    if not person.is_secretary:
        missing = {p for p in missing if me in p}
        done = {p for p in done if me in p}
        talks = [x for x in talks if me in (x.a_id, x.b_id)]
    lines = [t(lang, "appraisal.talks_head", year=year, done=len(done), total=len(done) + len(missing))]
    if missing:
        lines += ["", t(lang, "appraisal.talks_missing", count=len(missing))]
        ordered = sorted(_pair_names(p, names) for p in missing)
        lines += [t(lang, "appraisal.talks_pair", a=a, b=b) for a, b in ordered[:SHOWN]]
        if len(ordered) > SHOWN:
            lines.append(t(lang, "appraisal.more", count=len(ordered) - SHOWN))
    elif done:
        lines += ["", t(lang, "appraisal.talks_all_done")]
    if talks:
        lines += ["", t(lang, "appraisal.talks_logged", count=len(talks))]
        lines += [_talk_line(x, lang, with_note=True) for x in talks[-SHOWN:]]
    else:
        lines += ["", t(lang, "appraisal.talks_none")]
    lines += await _prompt_lines(deps, call)
    lines += ["", t(lang, "appraisal.talks_foot")]
    return Result.of(shown(Html("\n".join(lines))))


async def _prompt_lines(deps: Deps, call: Call) -> list[str]:
    """The talks prompted and not yet held: for a secretary each with its reason; for a 支部委员 who visits the
    member, only whom and by when; nobody else sees them."""
    person, lang = call.actor, call.lang
    assert person.member is not None
    me, unit = person.member.id, person.member.unit_id
    prompts, members = await open_prompts(deps.store, deps.settings, call.now.astimezone(deps.tz).date())
    mine = [p for p in prompts if p.trigger.unit_id == unit and p.trigger.member_id != me]
    if not person.is_secretary:
        mine = [p for p in mine if p.also == me]
    if not mine:
        return []
    lines = ["", t(lang, "appraisal.prompts_head", count=len(mine))]
    for p in sorted(mine, key=lambda p: p.trigger.due):
        name = members[p.trigger.member_id].name
        if person.is_secretary:
            reason = reason_text(lang, p.trigger.reason)
            lines.append(t(lang, "appraisal.prompts_line", name=name, day=day_text(lang, p.trigger.due), reason=reason))
        else:
            lines.append(t(lang, "appraisal.prompts_plain_line", name=name, day=day_text(lang, p.trigger.due)))
    return lines
