"""Minutes from the record (issue 13 item 6), as use cases: `/minutes ID` starts from a template prefilled
with the record and asks, step by step, for 主持人, 记录人, 会议内容 and each 决议 with its vote, then shows a
preview to save; on a meeting with saved minutes it shows them (重新填写 starts again). `/minutes ID | text`
stays as the quick note: it sets 会议内容 only (host, recorder and resolutions stay as they were).

Only a secretary over the notice's unit, only once the meeting's time has passed, never for a cancelled one.
Each step returns a `Step`: what to answer, the draft to keep, the state to wait in (None: over)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.config import Settings
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import Actor, OrgTree
from bot.i18n import t
from bot.services.kernel.text import clean_text
from bot.services.minutes import rules, text
from bot.services.minutes.rules import MinutesDraft
from bot.services.notices.manage import find_managed
from bot.store import Store
from bot.store.minutes import Resolution

log = logging.getLogger(__name__)

HOST, RECORDER, CONTENT, MORE, RES_TEXT, RES_VOTES, PREVIEW = (
    "host",
    "recorder",
    "content",
    "more",
    "res_text",
    "res_votes",
    "preview",
)


@dataclass(frozen=True)
class Step:
    result: Result
    draft: MinutesDraft | None = None
    state: str | None = None


@dataclass(frozen=True)
class Ctx:
    """Who acts, when, where: the plain values every step needs."""

    person: Actor
    now: datetime
    store: Store
    settings: Settings
    lang: str


def _over(*replies: Reply) -> Step:
    return Step(Result.of(*replies))


async def _record(ctx: Ctx, raw: str) -> text.Record | Reply:
    """The meeting's record, when the person may keep its minutes and it was held; else the refusal."""
    tree = OrgTree.of(await ctx.store.units.all())
    notice = await find_managed(ctx.person, raw, "minutes.usage", ctx.store, tree)
    if isinstance(notice, Reply):
        return notice
    if notice.cancelled_at is not None:
        return say("minutes.cancelled", id=notice.id)
    if notice.starts_at > ctx.now:
        return say("minutes.not_held", id=notice.id)
    return text.Record(notice, tree, tuple(await ctx.store.notices.seats(notice.id)))


def _ask(ctx: Ctx, state: str, draft: MinutesDraft, record: text.Record) -> Reply:
    """The question of a step (asked first, and again after a refusal or a photo)."""
    notice_id = draft.notice_id
    if state in (HOST, RECORDER):
        return say(f"minutes.ask_{state}", buttons=text.person_buttons(notice_id, state, record.present) or None)
    if state == MORE:
        return say("minutes.ask_more", count=len(draft.resolutions), buttons=text.more_buttons(ctx.lang, notice_id))
    if state == RES_VOTES:
        return say("minutes.ask_votes", text=draft.pending or "", limit=record.vote_limit)
    if state == PREVIEW:
        body = text.template(ctx.lang, record, ctx.settings.tz, draft)
        return shown(body + "\n\n" + t(ctx.lang, "minutes.preview_hint"), text.preview_buttons(ctx.lang, notice_id))
    return say(f"minutes.ask_{state}")


def _next(ctx: Ctx, state: str, draft: MinutesDraft, record: text.Record, *first: Reply) -> Step:
    return Step(Result.of(*first, _ask(ctx, state, draft, record)), draft, state)


async def open_minutes(ctx: Ctx, args: str) -> Step:
    """`/minutes ID`: saved minutes shown (with 重新填写), or the template and the first question;
    `/minutes ID | text`: the quick note."""
    head, bar, rest = args.replace("｜", "|").partition("|")
    record = await _record(ctx, head)
    if isinstance(record, Reply):
        return _over(record)
    notice_id = record.notice.id
    if bar:
        return _over(await _quick(ctx, record, rest))
    saved = await ctx.store.minutes.get(notice_id)
    if saved is not None:
        return _over(
            shown(text.template(ctx.lang, record, ctx.settings.tz, saved), text.redo_buttons(ctx.lang, notice_id))
        )
    return _start(ctx, record)


def _start(ctx: Ctx, record: text.Record) -> Step:
    draft = MinutesDraft(notice_id=record.notice.id)
    intro = shown(text.template(ctx.lang, record, ctx.settings.tz) + "\n\n" + t(ctx.lang, "minutes.intro"))
    return _next(ctx, HOST, draft, record, intro)


async def _quick(ctx: Ctx, record: text.Record, raw: str) -> Reply:
    content = clean_text(raw, multiline=True)
    if not content:
        return say("minutes.usage")
    if len(content) > rules.CONTENT_LIMIT:
        return say("minutes.err.too_long", limit=rules.CONTENT_LIMIT)
    member = ctx.person.member
    await ctx.store.minutes.set_content(record.notice.id, content, member.id if member else None, ctx.now)
    log.info("notice=%s minutes content kept", record.notice.id)
    return say("minutes.content_saved", id=record.notice.id)


async def redo(ctx: Ctx, notice_id: int) -> Step:
    """重新填写 pressed under saved minutes: a fresh draft from the record (saved only at 保存)."""
    record = await _record(ctx, str(notice_id))
    if isinstance(record, Reply):
        return _over(alert(record.key, **record.params))
    return _start(ctx, record)


async def _again(ctx: Ctx, draft: MinutesDraft, state: str, *first: Reply) -> Step:
    """Stay in `state`: the refusal (if any), then the question again."""
    record = await _record(ctx, str(draft.notice_id))
    if isinstance(record, Reply):
        return _over(record)
    return _next(ctx, state, draft, record, *first)


async def not_text(ctx: Ctx, draft: MinutesDraft, state: str) -> Step:
    return await _again(ctx, draft, state, say("common.text_expected"))


def _named(draft: MinutesDraft, role: str, name: str) -> MinutesDraft:
    return draft.replace(host=name) if role == HOST else draft.replace(recorder=name)


async def picked(ctx: Ctx, draft: MinutesDraft, role: str, member_id: int) -> Step:
    """A member present pressed as host or recorder."""
    record = await _record(ctx, str(draft.notice_id))
    if isinstance(record, Reply):
        return _over(record)
    seat = next((s for s in record.present if s.member_id == member_id), None)
    if seat is None:
        return _next(ctx, role, draft, record, alert("minutes.expired"))
    draft = _named(draft, role, seat.name)
    return _next(ctx, RECORDER if role == HOST else CONTENT, draft, record)


async def typed(ctx: Ctx, draft: MinutesDraft, state: str, raw: str) -> Step:
    """Text sent while a step waits: a name, the content, a resolution, its votes."""
    record = await _record(ctx, str(draft.notice_id))
    if isinstance(record, Reply):
        return _over(record)
    if state in (HOST, RECORDER):
        name = clean_text(raw)
        if not name or len(name) > rules.NAME_LIMIT:
            return _next(ctx, state, draft, record, say("minutes.err.name", limit=rules.NAME_LIMIT))
        missing = rules.absent_by_record(name, record.everyone)
        if missing is not None:
            key = "minutes.err.on_leave" if missing.on_leave else "minutes.err.absent"
            return _next(ctx, state, draft, record, say(key, name=missing.name))
        return _next(ctx, RECORDER if state == HOST else CONTENT, _named(draft, state, name), record)
    if state == CONTENT:
        content = clean_text(raw, multiline=True)
        if not content or len(content) > rules.CONTENT_LIMIT:
            return _next(ctx, state, draft, record, say("minutes.err.too_long", limit=rules.CONTENT_LIMIT))
        return _next(ctx, MORE, draft.replace(content=content), record)
    if state == RES_TEXT:
        item = clean_text(raw, multiline=True)
        if not item or len(item) > rules.RESOLUTION_LIMIT:
            return _next(ctx, state, draft, record, say("minutes.err.too_long", limit=rules.RESOLUTION_LIMIT))
        return _next(ctx, RES_VOTES, draft.replace(pending=item), record)
    if state == RES_VOTES:
        return _votes(ctx, draft, record, raw)
    return _next(ctx, state, draft, record, say("minutes.err.use_buttons"))  # MORE, PREVIEW wait for buttons


def _quorum_refusal(record: text.Record) -> Reply | None:
    counted = record.quorum
    if counted is None or counted.met:
        return None
    return say("minutes.err.no_quorum", expected=counted.expected, present=counted.present)


def _votes(ctx: Ctx, draft: MinutesDraft, record: text.Record, raw: str) -> Step:
    refusal = _quorum_refusal(record)
    if refusal is not None:  # the record changed meanwhile: no vote can stand
        return _next(ctx, MORE, draft.replace(pending=None), record, refusal)
    votes = rules.parse_votes(raw)
    limit = record.vote_limit
    if votes is None:
        return _next(ctx, RES_VOTES, draft, record, say("minutes.err.votes_format", limit=limit))
    problem = rules.check_votes(votes, limit)
    if problem is not None:
        who = "voters" if record.quorum is not None else "present"
        key = f"minutes.err.{problem.key}_{who}" if problem.key == "over" else f"minutes.err.{problem.key}"
        return _next(ctx, RES_VOTES, draft, record, Reply(key=key, params=problem.params))
    return _next(ctx, MORE, draft.adding(draft.pending or "", *votes), record)


async def add(ctx: Ctx, draft: MinutesDraft) -> Step:
    """添加决议: only when the quorum is met (where one counts) and somebody was present, at most MAX_RESOLUTIONS."""
    record = await _record(ctx, str(draft.notice_id))
    if isinstance(record, Reply):
        return _over(record)
    refusal = _quorum_refusal(record)
    if refusal is not None:
        return _next(ctx, MORE, draft, record, refusal)
    if record.vote_limit == 0:  # nobody checked in (a meeting without a quorum): nobody could vote
        return _next(ctx, MORE, draft, record, say("minutes.err.nobody"))
    if len(draft.resolutions) >= rules.MAX_RESOLUTIONS:
        return _next(ctx, MORE, draft, record, say("minutes.err.too_many", limit=rules.MAX_RESOLUTIONS))
    return _next(ctx, RES_TEXT, draft, record)


async def done(ctx: Ctx, draft: MinutesDraft) -> Step:
    """完成: the preview with 保存 / 不保存."""
    return await _again(ctx, draft, PREVIEW)


async def save(ctx: Ctx, draft: MinutesDraft) -> Step:
    """保存: checked once more against the record as it stands, then kept in one transaction."""
    record = await _record(ctx, str(draft.notice_id))
    if isinstance(record, Reply):
        return _over(record)
    refusal = _quorum_refusal(record) if draft.resolutions else None
    if refusal is not None:  # the record changed since: the votes cannot stand, the rest is kept
        return _next(ctx, MORE, draft.replace(resolutions=()), record, refusal)
    over = next(
        (r for r in draft.resolutions if rules.check_votes((r.yes, r.no, r.abstain), record.vote_limit) is not None),
        None,
    )
    if over is not None:
        return _next(
            ctx,
            MORE,
            draft.replace(resolutions=()),
            record,
            say("minutes.err.record_changed", limit=record.vote_limit),
        )
    member = ctx.person.member
    await ctx.store.minutes.save(
        draft.notice_id,
        draft.host,
        draft.recorder,
        draft.content or "",
        [Resolution(r.text, r.yes, r.no, r.abstain) for r in draft.resolutions],
        member.id if member else None,
        ctx.now,
    )
    log.info("notice=%s minutes saved with %s resolutions", draft.notice_id, len(draft.resolutions))
    return _over(say("minutes.saved", id=draft.notice_id, count=len(draft.resolutions)))
