"""Minutes from the record: the steps of a resolution (决议) — its kind, its vote, the written opinions counted
with it — decided by `bot.domain.resolutions` against the record, and 保存, which judges every resolution once more
and keeps the outcome (issue 23)."""

from __future__ import annotations

import logging

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
    written_limit,
)
from bot.domain.results import Reply, Result, alert, say, shown
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.minutes import hearing, rules, text
from bot.services.minutes.meeting import MORE, RES_KIND, RES_TEXT, RES_VOTES, RES_WRITTEN, Meeting, Step, over
from bot.services.minutes.meeting import meeting as meeting_of
from bot.services.minutes.rules import MinutesDraft
from bot.store.minutes import Resolution

log = logging.getLogger(__name__)


def _problem(record: text.Record, problem: Problem) -> Reply:
    """A refusal of `bot.domain.resolutions` as the catalogue words it (the vote limit named by who votes)."""
    if problem.key == "over":
        who = "voters" if record.quorum is not None else "present"
        return Reply(key=f"minutes.err.over_{who}", params=problem.params)
    return Reply(key=f"minutes.err.{problem.key}", params=problem.params)


def _quorum_refusal(record: text.Record, kind: str = ORDINARY) -> Reply | None:
    problem = quorum_problem(kind, record.body)
    return None if problem is None else _problem(record, problem)


def typed_votes(meeting: Meeting, draft: MinutesDraft, raw: str) -> Step:
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


def _added(meeting: Meeting, draft: MinutesDraft) -> Step:
    """A resolution recorded: its line with the outcome (通过 / 未通过 and the threshold), then 添加决议 / 完成."""
    lang = meeting.call.lang
    line = text.resolution_line(lang, len(draft.resolutions), draft.resolutions[-1], meeting.record)
    ask = t(lang, "minutes.ask_more", count=len(draft.resolutions))
    body = "\n".join((t(lang, "minutes.recorded"), line, "", ask))
    return Step(Result.of(shown(body, text.more_buttons(lang, draft.notice_id))), draft, MORE)


def typed_written(meeting: Meeting, draft: MinutesDraft, raw: str | None) -> Step:
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
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    record = meeting.record
    if len(draft.resolutions) >= rules.MAX_RESOLUTIONS:
        return meeting.next(MORE, draft, say("minutes.err.too_many", limit=rules.MAX_RESOLUTIONS))
    refusal = _quorum_refusal(record)  # no quorum at all: no kind of resolution can be passed
    if refusal is not None:
        return meeting.next(MORE, draft, refusal)
    if len(kinds_for(record.body.basis)) > 1:
        return meeting.next(RES_KIND, draft)
    return _kind_chosen(meeting, draft, ORDINARY)


def _kind_chosen(meeting: Meeting, draft: MinutesDraft, kind: ResolutionKind) -> Step:
    refusal = _quorum_refusal(meeting.record, kind)
    if refusal is not None:
        return meeting.next(MORE, draft.replace(pending=None, pending_kind=ORDINARY), refusal)
    chosen = draft.replace(pending_kind=kind)
    return meeting.next(RES_VOTES if chosen.pending else RES_TEXT, chosen)


async def chose_kind(deps: Deps, call: Call, draft: MinutesDraft, kind: ResolutionKind) -> Step:
    """The kind of the resolution pressed: refused when the meeting cannot decide it (an election without four
    fifths present), else its text is asked."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    if kind not in kinds_for(meeting.record.body.basis):
        return meeting.next(RES_KIND, draft, alert("minutes.expired"))
    return _kind_chosen(meeting, draft, kind)


async def no_written(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """没有书面意见 pressed."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
    return typed_written(meeting, draft, None)


async def save(deps: Deps, call: Call, draft: MinutesDraft) -> Step:
    """保存: checked once more against the record as it stands, then kept in one transaction."""
    meeting = await meeting_of(deps, call, str(draft.notice_id))
    if isinstance(meeting, Reply):
        return over(meeting)
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
        voice=draft.voice,
    )
    log.info("notice=%s minutes saved with %s resolutions", draft.notice_id, len(draft.resolutions))
    saved = say("minutes.saved", id=draft.notice_id, count=len(draft.resolutions))
    raised = await hearing.raise_requests(deps, call, record.notice, draft.content or "")  # a 恳谈会's issues
    return over(saved, *([raised] if raised else []))


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
