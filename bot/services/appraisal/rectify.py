"""`/rectify` 组织生活会 整改清单 and 对照检查材料:

* `/rectify 问题 | 整改措施 | 责任人 | YYYY-MM-DD` (secretary): an item; the responsible member is told and
  reminded (`reminders.rectify_items`) until it is closed;
* `/rectify 销号 编号 | 整改情况` (the secretary or the responsible member): closed with what was done;
* `/rectify 材料截止 YYYY-MM-DD` (secretary): the year's deadline for 对照检查材料; members are told and, before
  the deadline, reminded once if they have not handed theirs in;
* `/rectify 材料 内容` (a member): their 对照检查材料 (`/rectify 材料` alone: by voice or file, `handin`);
* `/rectify 意见 内容` (secretary): an opinion gathered before the 组织生活会 (征求意见);
* `/rectify`: the open items (the secretary: all of the branch and who has not handed in material; a member:
  their own)."""

from __future__ import annotations

from datetime import date

from bot.domain.call import Call
from bot.domain.results import Result, say, shown
from bot.i18n import Html, t
from bot.services.appraisal.common import MAX_TEXT, branch_members, branch_of, lang_of, named, reachable, split
from bot.services.appraisal.handin import VIEW_MATERIAL_WORDS, Outcome, ask, say_kind, view
from bot.services.appraisal.rules import future_day
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.store.appraisal_rows import RectifyItem
from bot.store.outbox import Outgoing

CLOSE_WORDS = ("销号", "完成", "close")
DEADLINE_WORDS = ("材料截止", "deadline")
MATERIAL_WORDS = ("材料", "material")
OPINION_WORDS = ("意见", "opinion")


def _scope(deps: Deps, call: Call) -> tuple[int, date]:
    """The person's branch (the command's caller checked there is one) and today."""
    unit = branch_of(call.actor)
    assert unit is not None and call.actor.member is not None
    return unit, call.now.astimezone(deps.tz).date()


async def rectify_entry(deps: Deps, call: Call, text: str) -> Outcome:
    """`/rectify` as the handler calls it: a material handed in as a voice message or file is asked for
    (`/rectify 材料` alone), the secretary looks at one (`/rectify 看材料 姓名`); the rest is `rectify_command`."""
    head, _, rest = text.strip().partition(" ")
    if branch_of(call.actor) is not None:
        if head in VIEW_MATERIAL_WORDS:
            return await view(deps, call, "material", rest)
        if head in MATERIAL_WORDS and not rest.strip():
            unit, today = _scope(deps, call)
            if await deps.store.appraisal.round(unit, today.year) is None:
                return Outcome(Result.of(say("appraisal.material_not_asked")))
            return ask(call, "material", (unit, today.year, None))
    return Outcome(await rectify_command(deps, call, text))


async def rectify_command(deps: Deps, call: Call, text: str) -> Result:
    if branch_of(call.actor) is None:
        return Result.of(say("appraisal.no_branch"))
    text = text.strip()
    head, _, rest = text.partition(" ")
    if not text:
        return await show(deps, call)
    if head in CLOSE_WORDS:
        return await close(deps, call, rest)
    if head in DEADLINE_WORDS:
        return await set_deadline(deps, call, rest)
    if head in MATERIAL_WORDS:
        return await material(deps, call, rest)
    if head in OPINION_WORDS:
        return await opinion(deps, call, rest)
    return await add(deps, call, text)


async def opinion(deps: Deps, call: Call, rest: str) -> Result:
    """征求意见 before the 组织生活会: one opinion gathered, written down by the secretary (from members or residents;
    who said it is not asked)."""
    (unit, today), person = _scope(deps, call), call.actor
    if not person.is_secretary:
        return Result.of(say("appraisal.secretary_only"))
    words = split(rest)[0] if rest.strip() else ""
    if not words:
        return Result.of(say("appraisal.opinion_usage"))
    if len(words) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    assert person.member is not None
    await deps.store.year.add_opinion((unit, today.year), words, person.member.id, call.now)
    count = len(await deps.store.year.opinions(unit, today.year))
    return Result.of(say("appraisal.opinion_saved", count=count, year=today.year))


async def add(deps: Deps, call: Call, text: str) -> Result:
    (unit, today), person, now, store, settings = _scope(deps, call), call.actor, call.now, deps.store, deps.settings
    if not person.is_secretary:
        return Result.of(say("appraisal.rectify_member_usage"))
    fields = split(text)
    if len(fields) < 4 or not all(fields[:4]):
        return Result.of(say("appraisal.rectify_usage"))
    item, measure, name, day_text = fields[:4]
    if len(item) > MAX_TEXT or len(measure) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    deadline = future_day(day_text, today)
    if deadline is None:
        return Result.of(say("appraisal.bad_deadline", value=day_text[:20], today=today.isoformat()))
    found = named(await branch_members(store, unit), name)
    if len(found) != 1:
        return Result.of(say("appraisal.unknown" if not found else "appraisal.ambiguous", name=name[:40]))
    who = found[0]
    assert person.member is not None
    messages = []
    if reachable(who) and who.id != person.member.id and who.telegram_id is not None:
        messages.append(
            Outgoing(
                key=f"rectify:assigned:{unit}:{now.timestamp():.0f}:{who.id}",
                kind="rectify",
                ref=f"rectify:{unit}",
                member_id=who.id,
                chat_id=who.telegram_id,
                text=t(
                    (theirs := lang_of(who, settings)),
                    "appraisal.rectify_assigned",
                    item=item,
                    measure=measure,
                    day=dates.day_near(theirs, deadline, today),
                ),
            )
        )
    number = await store.appraisal.add_item(unit, item, measure, who.id, deadline, person.member.id, now, messages)
    day = dates.day_near(call.lang, deadline, today)
    return Result.of(say("appraisal.rectify_added", number=number, name=who.name, day=day), queued=len(messages))


async def close(deps: Deps, call: Call, rest: str) -> Result:
    (unit, _), person, store = _scope(deps, call), call.actor, deps.store
    fields = split(rest)
    number = fields[0].lstrip("#＃") if fields else ""
    if len(fields) < 2 or not number.isdigit() or not fields[1]:
        return Result.of(say("appraisal.rectify_close_usage"))
    if len(fields[1]) > MAX_TEXT:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT))
    item = await store.appraisal.item(int(number))
    assert person.member is not None
    mine = item is not None and (person.is_secretary or item.responsible_id == person.member.id)
    if item is None or item.unit_id != unit or not mine:
        return Result.of(say("appraisal.rectify_no_item", number=number[:12]))
    closed = item.closed_at is None and await store.appraisal.close_item(item.id, person.member.id, fields[1], call.now)
    if not closed:
        return Result.of(say("appraisal.rectify_closed_already", number=item.id))
    return Result.of(say("appraisal.rectify_closed", number=item.id, item=item.item))


async def set_deadline(deps: Deps, call: Call, rest: str) -> Result:
    (unit, today), person, store, settings = _scope(deps, call), call.actor, deps.store, deps.settings
    if not person.is_secretary:
        return Result.of(say("appraisal.secretary_only"))
    deadline = future_day(rest, today)
    if deadline is None or deadline.year != today.year:
        return Result.of(say("appraisal.material_deadline_usage", today=today.isoformat()))
    assert person.member is not None
    members = await branch_members(store, unit)
    messages = [
        Outgoing(
            key=f"rectify:material:ask:{unit}:{today.year}:{deadline.isoformat()}:{m.id}",
            kind="rectify",
            ref=f"rectify:material:{unit}:{today.year}",
            member_id=m.id,
            chat_id=m.telegram_id,
            text=t(lang_of(m, settings), "appraisal.material_asked", day=dates.day(lang_of(m, settings), deadline)),
        )
        for m in members
        if reachable(m) and m.id != person.member.id and m.telegram_id is not None
    ]
    await store.appraisal.set_round(unit, today.year, deadline, person.member.id, call.now, messages)
    day = dates.day(call.lang, deadline)
    return Result.of(say("appraisal.material_deadline_set", day=day, count=len(members)), queued=len(messages))


async def material(deps: Deps, call: Call, rest: str) -> Result:
    (unit, today), person, store = _scope(deps, call), call.actor, deps.store
    words = split(rest)[0] if rest.strip() else ""
    if not words:
        return Result.of(say("appraisal.material_usage"))
    if len(words) > MAX_TEXT * 4:
        return Result.of(say("appraisal.too_long", limit=MAX_TEXT * 4))
    if await store.appraisal.round(unit, today.year) is None:
        return Result.of(say("appraisal.material_not_asked"))
    assert person.member is not None
    await store.appraisal.submit_material(unit, today.year, person.member.id, words, call.now)
    return Result.of(say("appraisal.material_saved"))


def _item_line(item: RectifyItem, today: date, lang: str) -> str:
    late = item.deadline < today
    return t(
        lang,
        "appraisal.rectify_line_late" if late else "appraisal.rectify_line",
        number=item.id,
        item=item.item,
        measure=item.measure,
        name=item.responsible_name,
        day=dates.day_near(lang, item.deadline, today),
    )


async def show(deps: Deps, call: Call) -> Result:
    (unit, today), person, store, lang = _scope(deps, call), call.actor, deps.store, call.lang
    assert person.member is not None
    me = person.member.id
    items = await store.appraisal.items(unit, open_only=True)
    if not person.is_secretary:
        items = [i for i in items if i.responsible_id == me]
    lines = [t(lang, "appraisal.rectify_head", count=len(items))]
    lines += [_item_line(i, today, lang) for i in items] or [t(lang, "appraisal.rectify_none")]
    found = await store.appraisal.round(unit, today.year)
    if found is not None:
        handed = await store.appraisal.materials(unit, today.year)
        if person.is_secretary:
            missing = [m.name for m in await branch_members(store, unit) if m.id not in handed]
            lines += [
                "",
                t(
                    lang,
                    "appraisal.material_status",
                    day=dates.day(lang, found.deadline),
                    done=len(handed),
                    missing=("、" if lang == "zh" else ", ").join(missing) or "—",
                ),
            ]
            files = await store.year.material_files(unit, today.year)
            if files:
                listed = [
                    t(lang, "appraisal.file_named", name=f.member_name, kind=say_kind(lang, f.kind)) for f in files
                ]
                lines.append(t(lang, "appraisal.material_files", names=("、" if lang == "zh" else ", ").join(listed)))
        else:
            key = "appraisal.material_mine_done" if me in handed else "appraisal.material_mine_missing"
            lines += ["", t(lang, key, day=dates.day(lang, found.deadline))]
    opinions = await store.year.opinions(unit, today.year) if person.is_secretary else []
    if opinions:
        lines += ["", t(lang, "appraisal.opinions_count", count=len(opinions))]
    lines += ["", t(lang, "appraisal.rectify_foot" if person.is_secretary else "appraisal.rectify_member_foot")]
    return Result.of(shown(Html("\n".join(lines))))
