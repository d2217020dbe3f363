"""The minutes of a 组织生活会 (issue 26): 批评和自我批评 recorded per member who spoke, and whether the 民主评议党员
was held with the meeting — or why not. Two quick forms of `/minutes`, for whoever may keep the meeting's minutes:

* `/minutes ID 批评 姓名 | 自我批评 | 受到的批评`: a member present by the record, what they said of themselves and
  the criticism they received (may be left empty); again for the same member replaces it;
* `/minutes ID 评议 已开展` or `/minutes ID 评议 未开展 | 原因`: the 民主评议 held at the meeting, or not and why.

Until the minutes say one or the other, the 组织生活会 does not count as held in the 三会一课台账 (the ledger reads
`minute_appraisal`): a careful 组织委员 accepts "not held" with a reason of REASON_MIN characters or more — where
or when it was or will be held — and nothing shorter ("无", "没有")."""

from __future__ import annotations

from bot.domain.call import Call
from bot.domain.results import Reply, say
from bot.i18n import t
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import clean_text
from bot.services.minutes import rules
from bot.services.minutes.meeting import meeting as meeting_of
from bot.store.appraisal_year import Criticism, LifeAppraisal

LIFE = "life"
CRITICISM_WORDS = ("批评", "criticism")
APPRAISAL_WORDS = ("评议", "appraisal")
HELD_WORDS = ("已开展", "开展了", "held", "yes")
NOT_HELD_WORDS = ("未开展", "没开展", "not", "no")
#: Characters a reason for not holding the 民主评议 needs at least.
REASON_MIN = 4
#: Longest self-criticism or criticism kept per member.
SAID_LIMIT = 500


def life_form(args: str) -> tuple[str, str, str] | None:
    """`ID 批评 …` or `ID 评议 …` split into (ID, word, the rest), else None (another form of /minutes)."""
    parts = args.replace("｜", "|").strip().split(maxsplit=2)
    if len(parts) < 2 or parts[1] not in (*CRITICISM_WORDS, *APPRAISAL_WORDS):
        return None
    return parts[0], parts[1], parts[2] if len(parts) > 2 else ""


async def quick(deps: Deps, call: Call, args: str) -> Reply | None:
    """The 组织生活会 forms of `/minutes`; None for any other form."""
    form = life_form(args)
    if form is None:
        return None
    raw_id, word, rest = form
    meeting = await meeting_of(deps, call, raw_id)
    if isinstance(meeting, Reply):
        return meeting
    notice = meeting.record.notice
    if notice.kind != LIFE:
        return say("minutes.life.only_life", id=notice.id)
    member = call.actor.member
    by = member.id if member is not None else None
    if word in CRITICISM_WORDS:
        fields = [clean_text(p) for p in rest.split("|")]
        if len(fields) < 2 or not fields[0] or not fields[1]:
            return say("minutes.life.criticism_usage", id=notice.id)
        name, said = fields[0], fields[1]
        received = fields[2] if len(fields) > 2 else ""
        if len(said) > SAID_LIMIT or len(received) > SAID_LIMIT:
            return say("minutes.err.too_long", limit=SAID_LIMIT)
        seat = rules.present_by_record(name, meeting.record.everyone)
        if seat is None:
            return say("minutes.life.not_present", name=name[:20], id=notice.id)
        await deps.store.year.criticise(notice.id, Criticism(seat.member_id, seat.name, said, received), by, call.now)
        count = len(await deps.store.year.criticism(notice.id))
        return say("minutes.life.criticism_saved", name=seat.name, count=count, present=len(meeting.record.present))
    head, _, reason = rest.replace("｜", "|").partition("|")
    head, reason = head.strip(), clean_text(reason)
    if head in HELD_WORDS:
        await deps.store.year.set_life_appraisal(notice.id, LifeAppraisal(True, ""), by, call.now)
        return say("minutes.life.appraisal_held", id=notice.id)
    if head in NOT_HELD_WORDS:
        if len(reason) < REASON_MIN:
            return say("minutes.life.reason_needed", id=notice.id, min=REASON_MIN)
        await deps.store.year.set_life_appraisal(notice.id, LifeAppraisal(False, reason[:SAID_LIMIT]), by, call.now)
        return say("minutes.life.appraisal_not_held", id=notice.id, reason=reason[:SAID_LIMIT])
    return say("minutes.life.appraisal_usage", id=notice.id, min=REASON_MIN)


async def life_lines(deps: Deps, lang: str, notice_id: int) -> list[str]:
    """What the minutes of a 组织生活会 show below the rest: the 民主评议 and each member's 批评和自我批评."""
    noted = await deps.store.year.life_appraisal(notice_id)
    said = await deps.store.year.criticism(notice_id)
    if noted is None:
        lines = [t(lang, "minutes.life.appraisal_missing", id=notice_id)]
    elif noted.held:
        lines = [t(lang, "minutes.life.appraisal_line_held")]
    else:
        lines = [t(lang, "minutes.life.appraisal_line_not", reason=noted.reason)]
    lines.append(t(lang, "minutes.life.criticism_head", count=len(said)))
    for c in said:
        lines.append(t(lang, "minutes.life.criticism_line", name=c.member_name, said=c.self_text))
        if c.received:
            lines.append(t(lang, "minutes.life.criticism_received", received=c.received))
    if not said:
        lines.append(t(lang, "minutes.life.criticism_none", id=notice_id))
    return lines
