"""`/pledge 公布` (secretary): the branch's pledges of the year, made public in its bound group (issue 26: 「the list
of pledges can be published to the group」). Previewed exactly as it will be posted, with 发布到群 / 先不发; the
post goes through the outbox under `pledge:publish:<unit>:<year>:<checksum>`, so one list is posted once and a
list changed since the preview is refused (preview again). Only each member's name and pledge text: no 践诺, no
评诺, no one who has not pledged."""

from __future__ import annotations

import zlib

from bot.domain.call import Call
from bot.domain.results import Reply, Result, alert, say, shown
from bot.i18n import Html, t
from bot.services.appraisal.buttons import PledgeDrop, PledgePost
from bot.services.appraisal.common import branch_of
from bot.services.kernel.deps import Deps
from bot.store.appraisal_rows import Pledge
from bot.store.outbox import Outgoing

PUBLISH_WORDS = ("公布", "公开", "publish")


def post_text(lang: str, unit_name: str, year: int, pledges: list[Pledge]) -> str:
    """The posted list: the branch, the year, each member's name and pledge, nothing else."""
    lines = [t(lang, "appraisal.publish_head", unit=unit_name, year=year, count=len(pledges))]
    lines += [t(lang, "appraisal.publish_line", name=p.member_name, text=p.text) for p in pledges]
    lines.append(t(lang, "appraisal.publish_foot"))
    return "\n".join(lines)


def checksum(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


async def _drafted(deps: Deps, unit_id: int, year: int) -> tuple[str, int | None] | None:
    """The text to post and the bound group's chat, or None when no one has pledged."""
    unit = await deps.store.units.get(unit_id)
    pledges = await deps.store.appraisal.pledges(unit_id, year)
    if unit is None or not pledges:
        return None
    return post_text(deps.settings.default_language, unit.name, year, pledges), unit.chat_id


async def preview(deps: Deps, call: Call) -> Result:
    unit = branch_of(call.actor)
    if not call.actor.is_secretary or unit is None:
        return Result.of(say("appraisal.secretary_only"))
    year = call.now.astimezone(deps.tz).year
    drafted = await _drafted(deps, unit, year)
    if drafted is None:
        return Result.of(say("appraisal.publish_none", year=year))
    text, chat_id = drafted
    parts = [t(call.lang, "appraisal.publish_preview"), text]
    if chat_id is None:
        parts.append(t(call.lang, "appraisal.publish_no_group"))
        return Result.of(shown(Html("\n\n".join(parts))))
    buttons = [
        [
            {"text": t(call.lang, "appraisal.publish_button"), "data": PledgePost(unit, year, checksum(text)).pack()},
            {"text": t(call.lang, "appraisal.publish_drop"), "data": PledgeDrop(unit).pack()},
        ]
    ]
    return Result.of(shown(Html("\n\n".join(parts)), buttons))


async def publish(deps: Deps, call: Call, pressed: PledgePost) -> Result:
    """发布到群: the previewed list to the bound group, once."""
    if not call.actor.is_secretary or branch_of(call.actor) != pressed.unit_id:
        return Result.of(alert("appraisal.secretary_only"))
    drafted = await _drafted(deps, pressed.unit_id, pressed.year)
    if drafted is None or checksum(drafted[0]) != pressed.check:
        return Result.of(say("appraisal.publish_changed"))
    text, chat_id = drafted
    if chat_id is None:
        return Result.of(say("appraisal.publish_no_group"))
    key = f"pledge:publish:{pressed.unit_id}:{pressed.year}:{pressed.check}"
    message = Outgoing(key=key, kind="notice", chat_id=chat_id, text=text, ref=f"pledge:publish:{pressed.unit_id}")
    queued = await deps.store.outbox.enqueue([message])
    if not queued:
        return Result.of(alert("appraisal.publish_before"))
    return Result.of(say("appraisal.published", year=pressed.year), queued=queued)


def dropped() -> Reply:
    return alert("appraisal.publish_dropped")
