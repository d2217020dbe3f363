"""Paper meetings entered honestly (补录, issue 23 item 6), as a use case: `/backfill 类型 | 日期 时间 | 地点 | 议题 |
到会人员 | 补录原因 | 会议内容 [| 单位]` enters a meeting held before the bot was in use, or while it was down. It is
a notice like any other — its unit and audience by the rules of its type, those named present registered at its
start, its minutes saved — marked 补录 with who entered it, when and why wherever it appears; nothing is sent.

Only a secretary (or a group leader for their 党小组会) who may call that meeting there; the date in the past; every
name one of the members expected; a reason and the minutes required."""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.domain.results import Reply, Result, say
from bot.domain.rights import OrgTree
from bot.services.kernel.deps import Deps
from bot.services.kernel.text import name_key
from bot.services.notices import audience
from bot.services.notices import common as rules
from bot.services.notices import text as view
from bot.services.notices.common import NoticeError
from bot.services.notices.compose import expected_at, refusal
from bot.store.notices import Draft
from bot.store.notices_backfill import PaperMeeting

log = logging.getLogger(__name__)

REASON_LIMIT, CONTENT_LIMIT = 200, 3000
#: The earliest date a paper meeting may be entered for.
EARLIEST = date(2000, 1, 1)
_DAY = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\s*(\d{1,2})[:：点](\d{2})分?)?$")
_NAMES = re.compile(r"[、,，;；\s]+")


def parse_past(value: str, now: datetime, tz: ZoneInfo) -> datetime:
    """`YYYY-MM-DD HH:MM` or `YYYY-MM-DD` (then 09:00) in the community's time zone, before now and not before
    2000; else the refusal naming the field."""
    match = _DAY.match(" ".join(value.split()))
    try:
        if match is None:
            raise ValueError(value)
        y, mo, d = (int(g) for g in match.groups()[:3])
        hour, minute = (int(match.group(4)), int(match.group(5))) if match.group(4) else (9, 0)
        when = datetime.combine(date(y, mo, d), time(hour, minute), tzinfo=tz)
    except ValueError:
        raise NoticeError("backfill.err.when", {"value": value[:40]}) from None
    if when >= now or when.date() < EARLIEST:
        raise NoticeError("backfill.err.when", {"value": value[:40]})
    return when


async def backfill(deps: Deps, call: Call, text: str) -> Result:
    """Enter a meeting held on paper: checked field by field, then kept in one transaction."""
    fields = rules.split_fields(text)
    if len(fields) not in (7, 8) or not fields[0]:
        return Result.of(say("backfill.usage"))
    tree = OrgTree.of(await deps.store.units.all())
    try:
        draft = _draft(call, fields, tree, deps)
    except NoticeError as error:
        return Result.of(refusal(error, call.lang))
    expected = [e.member for e in await expected_at(deps.store, tree, draft.kind, draft.unit_id)]
    names = [n for n in _NAMES.split(fields[4]) if n]
    by_name = {name_key(m.name): m for m in expected}
    unknown = [n for n in names if name_key(n) not in by_name]
    if not names or unknown:
        listed = "、".join(unknown[:10]) if unknown else "—"
        return Result.of(
            say("backfill.err.present", names=listed, unit=view.unit_name(tree, tree.units[draft.unit_id]))
        )
    reason, content = fields[5].strip(), fields[6].strip()
    if not reason or len(reason) > REASON_LIMIT:
        return Result.of(say("backfill.err.reason", limit=REASON_LIMIT))
    if not content or len(content) > CONTENT_LIMIT:
        return Result.of(say("backfill.err.content", limit=CONTENT_LIMIT))
    present = list(dict.fromkeys(by_name[name_key(n)].id for n in names))
    member = call.actor.member
    paper = PaperMeeting(
        draft, expected, present, content, reason, member.id if member else None, call.actor.telegram_id, call.lang
    )
    notice_id = await deps.store.backfill.backfill(paper, call.now)
    log.info("notice=%s entered afterwards (补录) with %s present", notice_id, len(present))
    return Result.of(
        say(
            "backfill.done",
            id=notice_id,
            kind=view.kind_name(call.lang, draft.kind),
            when=view.when(call.lang, draft.starts_at, deps.tz),
            present=len(present),
            expected=len(expected),
        )
    )


def _draft(call: Call, fields: list[str], tree: OrgTree, deps: Deps) -> Draft:
    """The meeting as entered: type, time (past), place, topic, unit (the person's own, or the one named)."""
    kind = rules.parse_kind(fields[0])
    if kind is None:
        raise NoticeError("notice.err.kind", {"value": fields[0][:20]})
    when = parse_past(fields[1], call.now, deps.tz)
    place = rules.check_text(fields[2], "place", rules.PLACE_LIMIT)
    topic = rules.check_text(fields[3], "topic", rules.TOPIC_LIMIT)
    unit_id = rules.choose_target(call.actor, kind, fields[7].strip() if len(fields) == 8 and fields[7] else None, tree)
    speaker = call.actor.member.name if kind == "lecture" and call.actor.member else None
    return Draft(
        kind=kind,
        unit_id=unit_id,
        starts_at=when,
        place=place,
        topic=topic,
        audience=audience.audience(kind),
        speaker=speaker,
    )


def mark(lang: str, when: datetime | None, who: str | None, why: str | None) -> Reply | None:
    """「补录：王书记 12月5日录入，原因：…」 for a meeting entered afterwards; None for one sent through the bot."""
    if when is None:
        return None
    return say("backfill.mark", by=who or "—", at=when.date().isoformat(), reason=why or "—")
