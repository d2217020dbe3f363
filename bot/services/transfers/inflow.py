"""`/serve 流入地 | 日期 | 参加了什么` (issue 27): a 流动党员 reports taking part in the activities of the
流入地党组织, as the 流动党员活动证 asks of them; their liaison is told at once (in the same transaction), and the
member file shows the latest. The 流出地 side of 流动不流失: the branch keeps in touch and knows what the member does
where they are."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.call import Call
from bot.domain.models import Member
from bot.domain.results import Result, say
from bot.i18n import t
from bot.services.kernel import dates
from bot.services.kernel.deps import Deps
from bot.services.transfers import common
from bot.store.moving import Entry
from bot.store.outbox import Outgoing

INFLOW_WORDS = frozenset({"流入地", "inflow"})
MAX_WHAT = 100
#: How far back a 流入地 activity may be reported.
BACK_DAYS = 92


async def inflow_report(deps: Deps, call: Call, me: Member, fields: list[str]) -> Result:
    today = call.now.astimezone(deps.tz).date()
    if me.category != "migrant":
        return Result.of(say("transfers.inflow.migrants_only", name=me.name))
    if len(fields) < 2 or not all(fields[:2]):
        return Result.of(say("transfers.inflow.usage"))
    raw_day, what = fields[:2]
    on = common.parse_day(raw_day)
    if on is None:
        return Result.of(say("transfers.bad_day", value=raw_day[:20]))
    if on > today:
        return Result.of(say("transfers.rule.future"))
    if on < today - timedelta(days=BACK_DAYS):
        return Result.of(say("transfers.inflow.too_old", days=BACK_DAYS))
    if len(what) > MAX_WHAT:
        return Result.of(say("transfers.too_long", limit=MAX_WHAT))
    liaison = await deps.store.members.get(me.liaison_id) if me.liaison_id is not None else None
    tell = []
    if liaison is not None and liaison.active and liaison.linked and not liaison.unreachable:
        assert liaison.telegram_id is not None
        lang = liaison.language if liaison.language in ("zh", "en") else deps.settings.default_language
        tell.append(
            Outgoing(
                key=f"transfers:inflow:{me.id}:{on.isoformat()}:{int(call.now.timestamp())}",
                kind="notice",
                ref=f"transfers:inflow:{me.id}",
                member_id=liaison.id,
                chat_id=liaison.telegram_id,
                text=t(lang, "transfers.inflow.to_liaison", name=me.name, day=dates.day(lang, on), what=what),
            )
        )
    await deps.store.moving.add_service("inflow", Entry(me.id, on, what, 0, me.id), call.now, tell)
    key = "transfers.inflow.recorded" if tell else "transfers.inflow.recorded_no_liaison"
    return Result.of(
        say(key, day=dates.day(call.lang, on), what=what, liaison=liaison.name if liaison else ""), queued=len(tell)
    )
