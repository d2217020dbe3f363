"""民情恳谈 (issue 28 item 2): the record of a 民情恳谈会 (meeting type `hearing`) turns each issue raised into a
resident's request (民情诉求: 受理 → 办结), of source 恳谈会 and linked to the meeting.

An issue is a line of the 会议内容 written `诉求：户主｜内容` (or `问题：户主：内容`, numbered or not); the 户主 is
found among the households the recorder may act on. Saving the minutes again raises only the issues not raised
yet (the same 户主 and 内容 under the same meeting), so a corrected record never doubles a request. Its handler
is the household's 联户党员, else the recorder."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from bot.domain.call import Call
from bot.domain.results import Reply, say
from bot.domain.rights import OrgTree
from bot.services.households.common import find_named
from bot.services.households.requests_rules import MAX_TEXT
from bot.services.kernel.deps import Deps
from bot.store.households import Household
from bot.store.households_requests import NewRequest
from bot.store.notices import Notice

log = logging.getLogger(__name__)

HEARING = "hearing"
_ISSUE = re.compile(r"^\s*(?:\d+\s*[.、．)）]\s*)?(?:诉求|问题|issue)\s*[:：]\s*(.+)$", re.IGNORECASE)
HEAD_LIMIT = 60


@dataclass(frozen=True)
class Issue:
    head: str
    text: str


def issues_of(content: str) -> list[Issue]:
    """The issues written in a record, in order: `诉求：户主｜内容` lines (a ：or | between 户主 and 内容)."""
    out: list[Issue] = []
    for line in content.splitlines():
        found = _ISSUE.match(line)
        if found is None:
            continue
        rest = found.group(1).replace("｜", "|").replace("：", ":")
        head, bar, text = rest.partition("|")
        if not bar:
            head, _, text = rest.partition(":")
        head, text = head.strip(), text.strip()
        if head and text and len(head) <= HEAD_LIMIT:
            out.append(Issue(head, text[:MAX_TEXT]))
    return out


async def raise_requests(deps: Deps, call: Call, notice: Notice, content: str) -> Reply | None:
    """The requests of a 恳谈会's record (None for any other meeting): each new issue a request; what was raised
    and which 户主 were not found, in one answer."""
    if notice.kind != HEARING or call.actor.member is None:
        return None
    store, me = deps.store, call.actor.member.id
    issues = issues_of(content)
    if not issues:
        return say("hearing.no_issues", id=notice.id)
    raised_before = {(r.head, r.text) for r in await store.requests.of_notice(notice.id)}
    tree = OrgTree.of(await store.units.all())
    found: list[tuple[Issue, Household]] = []
    missing: list[str] = []
    for issue in issues:
        if (issue.head, issue.text) in raised_before:
            continue
        raised_before.add((issue.head, issue.text))  # the same line twice in one record is one request
        household = (await find_named(call.actor, issue.head, store, tree)).household
        if household is None:
            missing.append(issue.head)
        else:
            found.append((issue, household))
    numbers = []
    async with store.unit_of_work() as uow:
        for issue, household in found:
            unit = household.unit_id if household.unit_id is not None else notice.unit_id
            handler = household.member_id or me
            new = NewRequest(household.id, None, me, handler, unit, issue.text, source=HEARING, notice_id=notice.id)
            number = await uow.requests.add_once(new, call.now)  # None: a save at the same time raised it
            if number is not None:
                numbers.append(number)
    log.info("notice=%s hearing raised=%s missing=%s", notice.id, len(numbers), len(missing))
    total = len(await store.requests.of_notice(notice.id))
    text = "、".join(f"#{n}" for n in numbers) or "—"
    if missing:
        return say(
            "hearing.raised_missing",
            id=notice.id,
            count=len(numbers),
            numbers=text,
            total=total,
            missing="、".join(missing),
        )
    return say("hearing.raised", id=notice.id, count=len(numbers), numbers=text, total=total)
