"""`/pledge` 党员承诺: a member's pledge for the year (`/pledge 内容`, reworded until it is judged), its progress
(`/pledge 践诺 内容`, at least each half year), and the 评诺 the branch records at year end
(`/pledge 评诺 姓名 | 好/较好/一般/差 [| 评语]`, secretary), and `/pledge 公布` to post the list to the group
(secretary, `bot.services.appraisal.publish`). `/pledge` alone shows one's own pledge, or for the
secretary the branch's pledges and who has none yet."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Result, say, shown
from bot.i18n import Html, t
from bot.services.appraisal import publish
from bot.services.appraisal.common import MAX_TEXT, branch_members, branch_of, named, split
from bot.services.appraisal.rules import parse_pledge_grade
from bot.services.kernel.deps import Deps

PROGRESS_WORDS = ("践诺", "progress")
PUBLISH_WORDS = publish.PUBLISH_WORDS
REVIEW_WORDS = ("评诺", "review")


def _year(deps: Deps, call: Call) -> int:
    return call.now.astimezone(deps.tz).year


async def pledge_command(deps: Deps, call: Call, text: str) -> Result:
    person, now, store = call.actor, call.now, deps.store
    if branch_of(person) is None or person.member is None:
        return Result.of(say("appraisal.no_branch"))
    year = _year(deps, call)
    me = person.member.id
    text = text.strip()
    head, _, rest = text.partition(" ")
    if not text:
        return await show(deps, call)
    if head in REVIEW_WORDS:
        return await review(deps, call, rest)
    if head in PUBLISH_WORDS and not rest.strip():
        return await publish.preview(deps, call)
    if head in PROGRESS_WORDS:
        words = split(rest)[0] if rest.strip() else ""
        if not words:
            return Result.of(say("appraisal.progress_usage"))
        if len(words) > MAX_TEXT:
            return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
        mine = await store.appraisal.pledge(me, year)
        if mine is None:
            return Result.of(say("appraisal.pledge_missing"))
        await store.appraisal.add_progress(mine.id, words, now)
        return Result.of(say("appraisal.progress_saved", count=len(mine.progress) + 1))
    words = split(text)[0]
    if not words:
        return Result.of(say("appraisal.pledge_usage"))
    if len(words) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    if not await store.appraisal.make_pledge(me, year, words, now):
        return Result.of(say("appraisal.pledge_judged"))
    return Result.of(say("appraisal.pledge_saved", year=year))


async def review(deps: Deps, call: Call, rest: str) -> Result:
    person, store, lang, year, unit = call.actor, deps.store, call.lang, _year(deps, call), branch_of(call.actor)
    if not person.is_secretary or unit is None:
        return Result.of(say("appraisal.secretary_only"))
    fields = split(rest)
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return Result.of(say("appraisal.review_usage"))
    grade = parse_pledge_grade(fields[1])
    if grade is None:
        return Result.of(say("appraisal.bad_pledge_grade", value=fields[1][:20]))
    note = fields[2] if len(fields) > 2 else ""
    if len(note) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    found = named(await branch_members(store, unit), fields[0])
    if len(found) != 1:
        return Result.of(say("appraisal.unknown" if not found else "appraisal.ambiguous", name=fields[0][:40]))
    pledge = await store.appraisal.pledge(found[0].id, year)
    if pledge is None:
        return Result.of(say("appraisal.no_pledge_of", name=found[0].name, year=year))
    assert person.member is not None
    await store.appraisal.review(pledge.id, grade.value, note, person.member.id, call.now)
    return Result.of(say("appraisal.reviewed", name=found[0].name, grade=t(lang, f"appraisal.pgrade.{grade.value}")))


async def show(deps: Deps, call: Call) -> Result:
    person, store, lang, year, unit = call.actor, deps.store, call.lang, _year(deps, call), branch_of(call.actor)
    assert person.member is not None and unit is not None
    if not person.is_secretary:
        mine = await store.appraisal.pledge(person.member.id, year)
        if mine is None:
            return Result.of(say("appraisal.pledge_none_yet", year=year))
        lines = [t(lang, "appraisal.pledge_mine", year=year, text=mine.text)]
        lines += [t(lang, "appraisal.progress_line", number=i + 1, text=p) for i, p in enumerate(mine.progress)]
        if mine.grade:
            lines.append(t(lang, f"appraisal.pgrade_line.{mine.grade}", note=mine.review_note or ""))
        return Result.of(shown(Html("\n".join(lines))))
    pledges = await store.appraisal.pledges(unit, year)
    have = {p.member_id for p in pledges}
    missing = [m.name for m in await branch_members(store, unit) if m.id not in have]
    lines = [t(lang, "appraisal.pledges_head", year=year, count=len(pledges))]
    for p in pledges:
        lines.append(t(lang, "appraisal.pledges_line", name=p.member_name, text=p.text, count=len(p.progress)))
        if p.grade:
            lines.append(t(lang, f"appraisal.pgrade_line.{p.grade}", note=p.review_note or ""))
    if missing:
        lines += ["", t(lang, "appraisal.pledges_missing", names=("、" if lang == "zh" else ", ").join(missing))]
    lines += ["", t(lang, "appraisal.pledges_foot")]
    return Result.of(shown(Html("\n".join(lines))))
