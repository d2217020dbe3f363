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
from bot.domain.resolutions import (
    ORDINARY,
    WRITTEN,
    Decision,
    Problem,
    ResolutionKind,
    Votes,
    check_votes,
    check_written,
    decide,
    kinds_for,
    quorum_problem,
    threshold,
    written_limit,
)
from bot.domain.results import Reply, Result, alert, say, shown
from bot.domain.rights import OrgTree
from bot.i18n import Html, t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.minutes import rules, text
from bot.services.minutes.buttons import MinutesPerson
from bot.services.minutes.rules import MinutesDraft
from bot.services.notices.manage import Keeper, find_kept
from bot.store.minutes import Resolution

log = logging.getLogger(__name__)

HOST, RECORDER, CONTENT, MORE, RES_TEXT, RES_VOTES, PREVIEW, RES_KIND, RES_WRITTEN = (
    "host",
    "recorder",
    "content",
    "more",
    "res_text",
    "res_votes",
    "preview",
    "res_kind",
    "res_written",
)


@dataclass(frozen=True)
class Step:
    result: Result
    draft: MinutesDraft | None = None
    state: str | None = None


@dataclass(frozen=True)
class Waiting:
    """Where the conversation stands: the draft kept, and the step (`HOST` … `PREVIEW`) that waits."""

    draft: MinutesDraft
    state: str


def _over(*replies: Reply) -> Step:
    return Step(Result.of(*replies))


@dataclass(frozen=True)
class _Meeting:
    """One step's view of the meeting: who acts and when (`deps`, `call`), and the meeting's record."""

    deps: Deps
    call: Call
    record: text.Record

    def ask(self, state: str, draft: MinutesDraft) -> Reply:
        """The question of a step (asked first, and again after a refusal or a photo)."""
        lang, notice_id = self.call.lang, draft.notice_id
        if state in (HOST, RECORDER):
            return say(
                f"minutes.ask_{state}", buttons=text.person_buttons(notice_id, state, self.record.present) or None
            )
        if state == MORE:
            return say("minutes.ask_more", count=len(draft.resolutions), buttons=text.more_buttons(lang, notice_id))
        body = self.record.body
        if state == RES_KIND:
            return say("minutes.ask_kind", buttons=text.kind_buttons(lang, notice_id, kinds_for(body.basis)))
        if state == RES_VOTES:
            rule = threshold(draft.pending_kind, body)
            return say(
                "minutes.ask_votes",
                text=draft.pending or "",
                kind=t(lang, f"minutes.res_kind.{draft.pending_kind}"),
                limit=self.record.vote_limit,
                rule=Html(text.threshold_text(lang, rule.rule, rule.needed, draft.pending_kind in WRITTEN)),
            )
        if state == RES_WRITTEN:
            return say(
                "minutes.ask_written", limit=written_limit(body), buttons=text.no_written_buttons(lang, notice_id)
            )
        if state == PREVIEW:
            preview = text.template(lang, self.record, self.deps.tz, draft)
            return shown(preview + "\n\n" + t(lang, "minutes.preview_hint"), text.preview_buttons(lang, notice_id))
        return say(f"minutes.ask_{state}")

    def next(self, state: str, draft: MinutesDraft, *first: Reply) -> Step:
        """Wait in `state` with `draft`: the answers `first` (a refusal, a choice), then its question."""
        return Step(Result.of(*first, self.ask(state, draft)), draft, state)


async def _meeting(deps: Deps, call: Call, raw: str) -> _Meeting | Reply:
    """The meeting, when the person may keep its minutes and it was held; else the refusal."""
    tree = OrgTree.of(await deps.store.units.all())
    notice = await find_kept(deps.store, Keeper.of(call.actor, tree), raw, "minutes.usage")
    if isinstance(notice, Reply):
        return notice
    if notice.cancelled_at is not None:
        return say("minutes.cancelled", id=notice.id)
    if notice.starts_at > call.now:
        return say("minutes.not_held", id=notice.id)
    return _Meeting(deps, call, text.Record(notice, tree, tuple(await deps.store.notices.seats(notice.id))))


async def open_minutes(deps: Deps, call: Call, args: str) -> Step:
    """`/minutes ID`: saved minutes shown (with 重新填写), or the template and the first question;
    `/minutes ID | text`: the quick note."""
    head, bar, rest = args.replace("｜", "|").partition("|")
    meeting = await _meeting(deps, call, head)
    if isinstance(meeting, Reply):
        return _over(meeting)
    record, lang = meeting.record, call.lang
    notice_id = record.notice.id
    if bar:
        return _over(await _quick(meeting, rest))
    saved = await deps.store.minutes.get(notice_id)
    if saved is not None:
        return _over(shown(text.template(lang, record, deps.tz, saved), text.redo_buttons(lang, notice_id)))
    return _start(meeting)


def _start(meeting: _Meeting) -> Step:
    draft = MinutesDraft(notice_id=meeting.record.notice.id)
    lang = meeting.call.lang
    intro = shown(text.template(lang, meeting.record, meeting.deps.tz) + "\n\n" + t(lang, "minutes.intro"))
    return meeting.next(HOST, draft, intro)


async def _quick(meeting: _Meeting, raw: str) -> Reply:
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
    meeting = await _meeting(deps, call, str(notice_id))
    if isinstance(meeting, Reply):
        return _over(alert(meeting.key, **meeting.params))
    return _start(meeting)


async def not_text(deps: Deps, call: Call, waiting: Waiting) -> Step:
    """A photo, voice, sticker or file where a step waits for text: say so, and ask the step again."""
    meeting = await _meeting(deps, call, str(waiting.draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    return meeting.next(waiting.state, waiting.draft, say("common.text_expected"))


def _named(draft: MinutesDraft, role: str, name: str) -> MinutesDraft:
    return draft.replace(host=name) if role == HOST else draft.replace(recorder=name)


async def picked(deps: Deps, call: Call, draft: MinutesDraft, pressed: MinutesPerson) -> Step:
    """A member present pressed as host or recorder."""
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    role = pressed.role
    seat = next((s for s in meeting.record.present if s.member_id == pressed.member_id), None)
    if seat is None:
        return meeting.next(role, draft, alert("minutes.expired"))
    draft = _named(draft, role, seat.name)
    return meeting.next(RECORDER if role == HOST else CONTENT, draft)


async def typed(deps: Deps, call: Call, waiting: Waiting, raw: str) -> Step:
    """Text sent while a step waits: a name, the content, a resolution, its votes."""
    draft, state = waiting.draft, waiting.state
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
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
    if state == CONTENT:
        content = clean_text(raw, multiline=True)
        if not content or len(content) > rules.CONTENT_LIMIT:
            return meeting.next(state, draft, say("minutes.err.too_long", limit=rules.CONTENT_LIMIT))
        return meeting.next(MORE, draft.replace(content=content))
    if state == RES_TEXT:
        item = clean_text(raw, multiline=True)
        if not item or len(item) > rules.RESOLUTION_LIMIT:
            return meeting.next(state, draft, say("minutes.err.too_long", limit=rules.RESOLUTION_LIMIT))
        return meeting.next(RES_VOTES, draft.replace(pending=item))
    if state == RES_VOTES:
        return _votes(meeting, draft, raw)
    if state == RES_WRITTEN:
        return _written(meeting, draft, raw)
    return meeting.next(state, draft, say("minutes.err.use_buttons"))  # MORE, RES_KIND, PREVIEW: buttons


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


def _problem(record: text.Record, problem: Problem) -> Reply:
    """A refusal of `bot.domain.resolutions` as the catalogue words it (the vote limit named by who votes)."""
    if problem.key == "over":
        who = "voters" if record.quorum is not None else "present"
        return Reply(key=f"minutes.err.over_{who}", params=problem.params)
    return Reply(key=f"minutes.err.{problem.key}", params=problem.params)


def _quorum_refusal(record: text.Record, kind: str = ORDINARY) -> Reply | None:
    problem = quorum_problem(kind, record.body)
    return None if problem is None else _problem(record, problem)


def _votes(meeting: _Meeting, draft: MinutesDraft, raw: str) -> Step:
    record, kind = meeting.record, draft.pending_kind
    refusal = _quorum_refusal(record, kind)
    if refusal is not None:  # the record changed meanwhile: no vote can stand
        return meeting.next(MORE, draft.replace(pending=None, pending_kind=ORDINARY), refusal)
    votes = rules.parse_votes(raw)
    if votes is None:
        return meeting.next(RES_VOTES, draft, say("minutes.err.votes_format", limit=record.vote_limit))
    problem = check_votes(record.body, Votes(*votes))
    if problem is not None:
        return meeting.next(RES_VOTES, draft, _problem(record, problem))
    if kind in WRITTEN and written_limit(record.body) > 0:
        return meeting.next(RES_WRITTEN, draft.replace(pending_votes=votes))
    return _added(meeting, draft.adding(draft.pending or "", votes))


def _added(meeting: _Meeting, draft: MinutesDraft) -> Step:
    """A resolution recorded: its line with the outcome (通过 / 未通过 and the threshold), then 添加决议 / 完成."""
    lang = meeting.call.lang
    line = text.resolution_line(lang, len(draft.resolutions), draft.resolutions[-1], meeting.record)
    ask = t(lang, "minutes.ask_more", count=len(draft.resolutions))
    body = "\n".join((t(lang, "minutes.recorded"), line, "", ask))
    return Step(Result.of(shown(body, text.more_buttons(lang, draft.notice_id))), draft, MORE)


def _written(meeting: _Meeting, draft: MinutesDraft, raw: str | None) -> Step:
    """The written opinions (书面意见) of a 接收预备党员 or 转正 vote: three numbers, or none."""
    votes = draft.pending_votes
    if votes is None:  # the vote was lost (an older draft): ask it again
        return meeting.next(RES_VOTES, draft)
    opinions = (0, 0, 0) if raw is None else rules.parse_votes(raw)
    if opinions is None:
        return meeting.next(RES_WRITTEN, draft, say("minutes.err.written_format"))
    problem = check_written(draft.pending_kind, meeting.record.body, Votes(*opinions))
    if problem is not None:
        return meeting.next(RES_WRITTEN, draft, _problem(meeting.record, problem))
    return _added(meeting, draft.adding(draft.pending or "", votes, written=opinions))


async def add(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """添加决议: only when the quorum is met (where one counts) and somebody was present, at most MAX_RESOLUTIONS.
    At a 支部党员大会 the kind is asked first (接收预备党员, 转正, 选举, 处分 follow their own rules)."""
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    record = meeting.record
    if len(draft.resolutions) >= rules.MAX_RESOLUTIONS:
        return meeting.next(MORE, draft, say("minutes.err.too_many", limit=rules.MAX_RESOLUTIONS))
    refusal = _quorum_refusal(record)  # no quorum at all: no kind of resolution can be passed
    if refusal is not None:
        return meeting.next(MORE, draft, refusal)
    if len(kinds_for(record.body.basis)) > 1:
        return meeting.next(RES_KIND, draft)
    return _kind_chosen(meeting, draft, ORDINARY)


def _kind_chosen(meeting: _Meeting, draft: MinutesDraft, kind: ResolutionKind) -> Step:
    refusal = _quorum_refusal(meeting.record, kind)
    if refusal is not None:
        return meeting.next(MORE, draft.replace(pending=None, pending_kind=ORDINARY), refusal)
    return meeting.next(RES_TEXT, draft.replace(pending_kind=kind))


async def chose_kind(deps: Deps, call: Call, draft: MinutesDraft, kind: ResolutionKind) -> Step:
    """The kind of the resolution pressed: refused when the meeting cannot decide it (an election without four
    fifths present), else its text is asked."""
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    if kind not in kinds_for(meeting.record.body.basis):
        return meeting.next(RES_KIND, draft, alert("minutes.expired"))
    return _kind_chosen(meeting, draft, kind)


async def no_written(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """没有书面意见 pressed."""
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    return _written(meeting, draft, None)


async def done(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """完成: the preview with 保存 / 不保存."""
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    return meeting.next(PREVIEW, draft)


async def save(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """保存: checked once more against the record as it stands, then kept in one transaction."""
    meeting = await _meeting(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return _over(meeting)
    record = meeting.record
    decided = [decide(r.kind, record.body, r.votes, r.opinions) for r in draft.resolutions]
    if any(isinstance(d, Problem) for d in decided):  # the record changed since: the votes cannot stand
        refusal = _quorum_refusal(record) or say("minutes.err.record_changed", limit=record.vote_limit)
        return meeting.next(MORE, draft.replace(resolutions=()), refusal)
    member = call.actor.member
    await deps.store.minutes.save(
        draft.notice_id,
        draft.host,
        draft.recorder,
        draft.content or "",
        [_stored(r, d) for r, d in zip(draft.resolutions, decided, strict=True) if isinstance(d, Decision)],
        member.id if member else None,
        call.now,
    )
    log.info("notice=%s minutes saved with %s resolutions", draft.notice_id, len(draft.resolutions))
    return _over(say("minutes.saved", id=draft.notice_id, count=len(draft.resolutions)))


def _stored(item: rules.DraftResolution, decided: Decision) -> Resolution:
    """A resolution as kept: its figures and the outcome decided against the record when saved."""
    rule = decided.threshold
    return Resolution(
        item.text,
        item.yes,
        item.no,
        item.abstain,
        item.kind,
        *item.written,
        decided.passed,
        rule.rule,
        rule.base,
        rule.needed,
    )
