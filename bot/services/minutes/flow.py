"""Minutes from the record (issue 13 item 6), as use cases: `/minutes ID` starts from a template prefilled
with the record and asks, step by step, for 主持人, 记录人, 会议内容 and each 决议 with its vote, then shows a
preview to save; on a meeting with saved minutes it shows them (重新填写 starts again). `/minutes ID | text`
stays as the quick note: it sets 会议内容 only (host, recorder and resolutions stay as they were).

Only a secretary over the notice's unit (or, for a 党小组会, the group's leader), only once the meeting's time
has passed, never for a cancelled one.
Each step returns a `Step`: what to answer, the draft to keep, the state to wait in (None: over)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say, shown
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.minutes import hearing, life, rules, text, votes
from bot.services.minutes.buttons import MinutesPerson
from bot.services.minutes.meeting import (
    CONTENT,
    HOST,
    MORE,
    PREVIEW,
    RECORDER,
    RES_KIND,
    RES_TEXT,
    RES_VOTES,
    RES_WRITTEN,
    Meeting,
    Step,
    Waiting,
    over,
)
from bot.services.minutes.meeting import meeting as meeting_of
from bot.services.minutes.rules import MinutesDraft
from bot.services.minutes.votes import add, chose_kind, no_written, save

__all__ = [
    "CONTENT",
    "HOST",
    "MORE",
    "PREVIEW",
    "RECORDER",
    "RES_KIND",
    "RES_TEXT",
    "RES_VOTES",
    "RES_WRITTEN",
    "Step",
    "Voice",
    "Waiting",
    "add",
    "chose_kind",
    "content_done",
    "done",
    "no_written",
    "not_text",
    "open_minutes",
    "picked",
    "redo",
    "save",
    "typed",
    "voice",
]

log = logging.getLogger(__name__)


async def open_minutes(deps: Deps, call: Call, args: str) -> Step:
    """`/minutes ID`: saved minutes shown (with 重新填写), or the template and the first question;
    `/minutes ID | text`: the quick note; `/minutes ID 批评 …` or `/minutes ID 评议 …`: a 组织生活会's
    批评和自我批评 or 民主评议 (`bot.services.minutes.life`)."""
    said = await life.quick(deps, call, args)
    if said is not None:
        return over(said)
    head, bar, rest = args.replace("｜", "|").partition("|")
    meeting = await meeting_of(deps, call, head)
    if isinstance(meeting, Reply):
        return over(meeting)
    record, lang = meeting.record, call.lang
    notice_id = record.notice.id
    if bar:
        saved_note = await _quick(meeting, rest)
        raised = None
        if saved_note.key == "minutes.content_saved":  # a 恳谈会's issues become requests
            raised = await hearing.raise_requests(deps, call, record.notice, clean_text(rest, multiline=True))
        return over(saved_note, *([raised] if raised else []))
    saved = await deps.store.minutes.get(notice_id)
    if saved is not None:
        body = text.template(lang, record, deps.tz, saved)
        if record.notice.kind == life.LIFE:
            body += "\n\n" + "\n".join(await life.life_lines(deps, lang, notice_id))
        return over(shown(body, text.redo_buttons(lang, notice_id)))
    return _start(meeting)


def _start(meeting: Meeting) -> Step:
    draft = MinutesDraft(notice_id=meeting.record.notice.id)
    lang = meeting.call.lang
    intro = shown(text.template(lang, meeting.record, meeting.deps.tz) + "\n\n" + t(lang, "minutes.intro"))
    return meeting.next(HOST, draft, intro)


async def _quick(meeting: Meeting, raw: str) -> Reply:
    content = clean_text(raw, multiline=True)
    if not content:
        return say("minutes.usage")
    if len(content) > rules.CONTENT_LIMIT:
        return say("minutes.err.too_long", limit=rules.CONTENT_LIMIT)
    notice_id, call = meeting.record.notice.id, meeting.call
    member = call.actor.member
    await meeting.deps.store.minutes.set_content(notice_id, content, member.id if member else None, call.now)
    log.info("notice=%s minutes content kept", notice_id)
    return say("minutes.content_saved", id=notice_id)


async def redo(deps: Deps, call: Call, notice_id: int) -> Step:
    """重新填写 pressed under saved minutes: a fresh draft from the record (saved only at 保存)."""
    meeting = await meeting_of(deps, call, str(notice_id))
    if isinstance(meeting, Reply):
        return over(alert(meeting.key, **meeting.params))
    return _start(meeting)


async def not_text(deps: Deps, call: Call, waiting: Waiting) -> Step:
    """A photo, sticker or file where a step waits for text (or, for 会议内容, a voice): say so, ask again."""
    meeting = await meeting_of(deps, call, str(waiting.draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    expected = "minutes.err.text_or_voice" if waiting.state == CONTENT else "common.text_expected"
    return meeting.next(waiting.state, waiting.draft, say(expected))


def _named(draft: MinutesDraft, role: str, name: str) -> MinutesDraft:
    return draft.replace(host=name) if role == HOST else draft.replace(recorder=name)


async def picked(deps: Deps, call: Call, draft: MinutesDraft, pressed: MinutesPerson) -> Step:
    """A member present pressed as host or recorder."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    role = pressed.role
    seat = next((s for s in meeting.record.present if s.member_id == pressed.member_id), None)
    if seat is None:
        return meeting.next(role, draft, alert("minutes.expired"))
    draft = _named(draft, role, seat.name)
    return meeting.next(RECORDER if role == HOST else CONTENT, draft)


async def typed(deps: Deps, call: Call, waiting: Waiting, raw: str) -> Step:
    """Text sent while a step waits: a name, the content, a resolution, its votes."""
    draft, state = waiting.draft, waiting.state
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    record = meeting.record
    if state in (HOST, RECORDER):
        name = clean_text(raw)
        if not name or len(name) > rules.NAME_LIMIT:
            return meeting.next(state, draft, say("minutes.err.name", limit=rules.NAME_LIMIT))
        refusal = await _not_there(deps, name, record)
        if refusal is not None:
            return meeting.next(state, draft, refusal)
        present = rules.present_by_record(name, record.everyone)
        chosen = present.name if present is not None else name
        return meeting.next(RECORDER if state == HOST else CONTENT, _named(draft, state, chosen))
    if state in (CONTENT, MORE, PREVIEW):  # 会议内容, also typed later: added, never dropped
        return _content(meeting, Waiting(draft, state), raw)
    if state in (RES_TEXT, RES_KIND):
        item = clean_text(raw, multiline=True)
        if not item or len(item) > rules.RESOLUTION_LIMIT:
            return meeting.next(state, draft, say("minutes.err.too_long", limit=rules.RESOLUTION_LIMIT))
        if state == RES_KIND:  # the text came before the kind: kept, the kind asked again
            return meeting.next(RES_KIND, draft.replace(pending=item), say("minutes.text_kept"))
        return meeting.next(RES_VOTES, draft.replace(pending=item))
    if state == RES_VOTES:
        return votes.typed_votes(meeting, draft, raw)
    if state == RES_WRITTEN:
        return votes.typed_written(meeting, draft, raw)
    return meeting.next(state, draft, say("minutes.err.use_buttons"))


def _content(meeting: Meeting, waiting: Waiting, raw: str) -> Step:
    """One more message of 会议内容: added as a paragraph and shown with what there is so far. While the
    resolutions are asked or the preview shown, the text goes to 会议内容 too (and says so), never dropped."""
    draft, state = waiting.draft, waiting.state
    part = clean_text(raw, multiline=True)
    if not part:
        return meeting.next(state, draft, say("minutes.err.too_long", limit=rules.CONTENT_LIMIT))
    grown = draft.with_part(part)
    if grown is None:
        used = len(draft.content or "")
        return meeting.next(state, draft, say("minutes.err.content_full", limit=rules.CONTENT_LIMIT, used=used))
    if state == CONTENT:
        return _content_so_far(meeting.call.lang, grown)
    added = say("minutes.content_added", parts=grown.parts, chars=len(grown.content or ""))
    return meeting.next(state, grown, added)


def _content_so_far(lang: str, draft: MinutesDraft) -> Step:
    """What 会议内容 holds so far — how many messages, characters, a voice —, and 内容写完了."""
    voice = t(lang, "minutes.content_voice", seconds=draft.voice[1]) if draft.voice else ""
    reply = say(
        "minutes.content_so_far",
        parts=draft.parts,
        chars=len(draft.content or ""),
        voice=voice,
        buttons=text.content_buttons(lang, draft.notice_id),
    )
    return Step(Result.of(reply), draft, CONTENT)


@dataclass(frozen=True)
class Voice:
    """A voice message: its Telegram file id and length in seconds."""

    file_id: str
    seconds: int


async def voice(deps: Deps, call: Call, draft: MinutesDraft, sent: Voice) -> Step:
    """A voice message while 会议内容 is asked: kept with it (a later one replaces it)."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    return _content_so_far(call.lang, draft.replace(voice=(sent.file_id, max(0, sent.seconds))))


async def content_done(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """内容写完了: on to the resolutions, once there is some content (text or a voice)."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    if not draft.content and draft.voice is None:
        return meeting.next(CONTENT, draft, say("minutes.err.content_empty"))
    return meeting.next(MORE, draft)


async def _not_there(deps: Deps, name: str, record: text.Record) -> Reply | None:
    """Why a typed host or recorder cannot stand: a member the record shows absent or on leave, or a member of
    the roster who was not at the meeting (another branch's, or one not expected); None for a member present
    or someone outside the roster (a township official)."""
    if rules.present_by_record(name, record.everyone) is not None:
        return None
    missing = rules.absent_by_record(name, record.everyone)
    if missing is not None:
        return say("minutes.err.on_leave" if missing.on_leave else "minutes.err.absent", name=missing.name)
    member = rules.on_roster(name, [m.name for m in await deps.store.members.all() if m.active])
    if member is not None:
        return say("minutes.err.not_present", name=member)
    return None


async def done(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """完成: the preview with 保存 / 不保存."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    return meeting.next(PREVIEW, draft)
