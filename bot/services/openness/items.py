"""`/publicity`, the one 党务公开 command of a secretary:

* `/publicity`: the items of their units with their 公示期 and objections, and the objections waiting for an answer;
* `/publicity 标题 | 内容 [| 工作日数]` (a kind first, optionally: `村级重大事项 | …`, `四议两公开 | …`): a free item;
* `/publicity 岗位 [2026Q1]` (or a quarter alone), `评议 [年]`, `发展 姓名`, `党费 [2026Q4]`, `三会一课 [2026Q4]`,
  `整改`: an item drafted from the records (`sources`), `| 工作日数` after it to change the 5 days;
* `/publicity 答复 编号 | 内容`: the answer to an objection, sent to the person who raised it.

Every draft is previewed exactly as it will be posted, with its dates; a title or body carrying a private field
(an ID number, a phone number) is refused, naming it. 发布到群 queues the post to the unit's bound group through the
outbox, in the transaction that marks it posted, once. No Telegram here."""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import OrgTree, can_manage, managed_units
from bot.domain.workdays import period
from bot.i18n import Html, t
from bot.services.appraisal.common import split
from bot.services.development.publicity import Posted, record_posted
from bot.services.kernel.deps import Deps
from bot.services.openness import sources
from bot.services.openness.buttons import OBJECT_LINK, PublicityDrop, PublicityPost
from bot.services.openness.rules import (
    ANSWER_WORDS,
    DEFAULT_DAYS,
    FREE_KINDS,
    MAX_BODY,
    MAX_OBJECTION,
    MAX_TITLE,
    SOURCE_WORDS,
    Kind,
    Source,
    looks_like_days,
    masked,
    parse_days,
    private_field,
    spoken,
)
from bot.services.openness.text import calendar_note, period_text, post_text
from bot.store.openness import Draft, Item
from bot.store.outbox import Outgoing

log = logging.getLogger(__name__)

SOURCES: dict[Source, Callable[[Deps, Call, str], Awaitable[sources.Drafted | Reply]]] = {
    Source.POSTS: sources.posts,
    Source.APPRAISAL: sources.appraisal,
    Source.DEVELOPMENT: sources.development,
    Source.DUES: sources.dues,
    Source.MEETINGS: sources.meetings,
    Source.RECTIFY: sources.rectify,
}
_QUARTER = re.compile(r"^\d{4}(-?Q\d|年第.季度|-\d)$")
#: Items and waiting objections listed by `/publicity`.
LISTED = 15


async def publicity_command(deps: Deps, call: Call, text: str) -> Result:
    if call.actor.member is None:
        return Result.of(say("posts.publicity.no_unit"))
    text = text.strip()
    head, _, rest = text.partition(" ")
    if not text:
        return await listing(deps, call)
    if head in ANSWER_WORDS:
        return await answer(deps, call, rest)
    fields = split(text)
    first_head, _, first_rest = fields[0].partition(" ")
    # From the records: a source word (or a quarter) alone, or with the working days after it; a title that only
    # begins with such a word (`党费 使用情况 | …`) is a free item.
    sourced = first_head in SOURCE_WORDS or _QUARTER.match(fields[0]) is not None
    if sourced and (len(fields) == 1 or (len(fields) == 2 and parse_days(fields[1]) is not None)):
        source = SOURCE_WORDS.get(first_head, Source.POSTS)
        argument = first_rest if first_head in SOURCE_WORDS else fields[0]
        days = parse_days(fields[1]) if len(fields) > 1 else DEFAULT_DAYS
        assert days is not None
        drafted = await SOURCES[source](deps, call, argument)
        if isinstance(drafted, Reply):
            return Result.of(drafted)
        return Result.of(await preview(deps, call, drafted, days))
    if sourced and len(fields) == 2 and looks_like_days(fields[1]):  # `党费 2026Q4 | 100`: days out of range
        return Result.of(say("openness.bad_days", value=fields[1][:20]))
    return Result.of(await free(deps, call, fields))


async def free(deps: Deps, call: Call, fields: list[str]) -> Reply:
    kind = FREE_KINDS.get(fields[0], None) if len(fields) > 2 else None
    if kind is not None:
        fields = fields[1:]
    if len(fields) < 2 or not fields[0] or not fields[1]:
        return say("openness.usage")
    days = parse_days(fields[2]) if len(fields) > 2 else DEFAULT_DAYS
    if days is None:
        return say("openness.bad_days", value=fields[2][:20])
    title, body = fields[0], fields[1].replace("\\n", "\n")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        return say("openness.too_long", title=MAX_TITLE, body=MAX_BODY)
    return await preview(deps, call, (kind or Kind.OTHER, "free", title, body), days)


async def preview(deps: Deps, call: Call, drafted: sources.Drafted, days: int) -> Reply:
    """The item exactly as it will be posted, kept as a draft, with 发布到群 when the unit has a bound group."""
    kind, source, title, body = drafted
    # A free item is checked for the names of members in care and for individual ratings too; an item drafted
    # from the records names only whom it must (优秀, 发展对象) and counts the grades.
    names = await deps.store.openness.private_names() if source == "free" else ()
    found = private_field(f"{title}\n{body}", names, ratings=source == "free")
    if found is not None:
        field, value = found
        named = t(call.lang, f"openness.field.{field}")
        if spoken(field):
            example = t(call.lang, f"openness.field_example.{field}")
            return say("openness.private_word", field=named, value=value, example=example)
        return say("openness.private", field=named, value=masked(value))
    assert call.actor.member is not None
    unit = await deps.store.units.get(call.actor.member.unit_id)
    assert unit is not None
    today = call.now.astimezone(deps.tz).date()
    starts, ends = period(today, days)
    draft = Draft(unit.id, kind.value, source, title, body, days, starts, ends)
    item_id = await deps.store.openness.add_draft(draft, call.actor.member.id, call.now)
    group = deps.settings.default_language
    posted = post_text(group, (kind.value, title, body), unit.name, (starts, ends, days))
    parts = [t(call.lang, "openness.preview"), posted]
    note = calendar_note(call.lang, ends)
    if note:
        parts.append(note)
    if unit.chat_id is None:
        parts.append(t(call.lang, "openness.no_group"))
        return shown(Html("\n\n".join(parts)))
    buttons = [
        [
            {"text": t(call.lang, "openness.post_button"), "data": PublicityPost(item_id).pack()},
            {"text": t(call.lang, "openness.drop_button"), "data": PublicityDrop(item_id).pack()},
        ]
    ]
    return shown(Html("\n\n".join(parts)), buttons)


def objection_link(bot_username: str, item_id: int) -> str:
    return f"https://t.me/{bot_username}?start={OBJECT_LINK}{item_id}"


async def publish(deps: Deps, call: Call, item_id: int, bot_username: str) -> Result:
    """发布到群: the previewed text to the unit's bound group, once, with the button to object privately. A
    preview of another day is refused (its dates would be wrong): the secretary previews again."""
    store, member = deps.store, call.actor.member
    item = await store.openness.item(item_id)
    tree = OrgTree.of(await store.units.all())
    if item is None or not can_manage(call.actor, item.unit_id, tree):
        return Result.of(alert("openness.gone"))
    if item.posted_at is not None:
        return Result.of(alert("openness.posted_before"))
    if item.created_at.astimezone(deps.tz).date() != call.now.astimezone(deps.tz).date():
        return Result.of(say("openness.stale"))
    unit = tree.units[item.unit_id]
    if unit.chat_id is None:
        return Result.of(say("openness.no_group"))
    chat_id, group = unit.chat_id, deps.settings.default_language
    text = post_text(group, (item.kind, item.title, item.body), unit.name, (item.starts_on, item.ends_on, item.days))
    link = {"text": t(group, "openness.object_button"), "url": objection_link(bot_username, item.id)}

    def messages() -> list[Outgoing]:
        return [
            Outgoing(
                key=f"publicity:item:{item.id}",
                kind="notice",
                chat_id=chat_id,
                text=text,
                ref=f"publicity:{item.id}",
                buttons=[[link]],
            )
        ]

    queued = await store.openness.post(item.id, chat_id, member.id if member else None, call.now, messages)
    if queued is None:
        return Result.of(alert("openness.posted_before"))
    log.info("publicity item=%s posted by telegram_id=%s", item.id, call.actor.telegram_id)
    if item.kind == Kind.DEVELOPMENT.value and item.source.startswith("development:"):  # the register's 公示 step
        posted = Posted(
            int(item.source.split(":")[1]), item.starts_on, item.ends_on, member.id if member else None, call.now
        )
        if not await record_posted(store, posted, call.now.astimezone(deps.tz).date()):
            log.warning("publicity item=%s: not recorded on development record %s", item.id, posted.person_id)
    return Result.of(
        say("openness.posted", period=period_text(call.lang, item.starts_on, item.ends_on, item.days)), queued=queued
    )


def dropped() -> Result:
    return Result.of(alert("openness.dropped"))


def _line(lang: str, item: Item, today_iso: str) -> str:
    state = "open" if item.ends_on.isoformat() >= today_iso else "ended"
    return t(
        lang,
        "openness.list_line",
        number=item.id,
        kind=t(lang, f"openness.kind.{item.kind}"),
        title=item.title,
        period=Html(period_text(lang, item.starts_on, item.ends_on, item.days)),
        state=t(lang, f"openness.state.{state}"),
        objections=item.objections,
        answered=item.answered,
    )


async def listing(deps: Deps, call: Call) -> Result:
    store, lang = deps.store, call.lang
    units = managed_units(call.actor, OrgTree.of(await store.units.all()))
    items = await store.openness.posted(units, LISTED)
    if not items:
        return Result.of(say("openness.none"))
    today = call.now.astimezone(deps.tz).date().isoformat()
    lines = [t(lang, "openness.list_head", count=len(items))]
    lines += [_line(lang, i, today) for i in items]
    waiting = [(i, o) for i in items if i.objections > i.answered for o in await store.openness.objections(i.id)]
    waiting = [(i, o) for i, o in waiting if o.answer is None]
    if waiting:
        lines += ["", t(lang, "openness.waiting_head", count=len(waiting))]
        lines += [
            t(lang, "openness.waiting_line", number=o.id, title=i.title, name=o.name, text=o.text)
            for i, o in waiting[:LISTED]
        ]
    lines += ["", t(lang, "openness.list_foot")]
    return Result.of(shown(Html("\n".join(lines))))


async def answer(deps: Deps, call: Call, rest: str) -> Result:
    """`答复 编号 | 内容`: the answer goes to the person who objected, in their private chat, once."""
    store = deps.store
    fields = split(rest)
    number = fields[0].lstrip("#＃") if fields else ""
    if len(fields) < 2 or not (number.isascii() and number.isdigit() and len(number) < 12) or not fields[1]:
        return Result.of(say("openness.answer_usage"))
    if len(fields[1]) > MAX_OBJECTION:
        return Result.of(say("openness.too_long_answer", limit=MAX_OBJECTION))
    objection = await store.openness.objection(int(number))
    item = await store.openness.item(objection.item_id) if objection is not None else None
    tree = OrgTree.of(await store.units.all())
    if objection is None or item is None or not can_manage(call.actor, item.unit_id, tree):
        return Result.of(say("openness.no_objection", number=number[:12]))
    if objection.telegram_id == call.actor.telegram_id:  # their own: a secretary above answers it
        return Result.of(say("openness.own_objection", number=objection.id))
    person = await store.members.by_telegram_id(objection.telegram_id)
    lang = (person.language if person else None) or deps.settings.default_language
    message = Outgoing(
        key=f"publicity:answer:{objection.id}",
        kind="reply",
        chat_id=objection.telegram_id,
        member_id=objection.member_id,
        ref=f"publicity:{item.id}",
        text=t(lang, "openness.answered_to_you", title=item.title, objection=objection.text, answer=fields[1]),
    )
    by = call.actor.member.id if call.actor.member else None
    if not await store.openness.answer(objection.id, fields[1], by, call.now, [message]):
        return Result.of(say("openness.answered_before", number=objection.id))
    return Result.of(say("openness.answer_sent", number=objection.id, name=objection.name), queued=1)
