"""The duty use cases without Telegram: plain values in (actor, input, now, store, settings, lang), plain
replies out — the step-by-step flow, the follow-up buttons, the month, and posts with their rights."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.i18n import reply_text
from bot.services.duty import flow
from bot.services.duty import followup as duty_followup
from bot.services.duty import month as duty_month
from bot.services.duty import posts as duty_posts
from bot.services.duty.buttons import DutyFollowup
from bot.services.duty.flow import Draft, Step
from bot.services.kernel.deps import Deps
from bot.store import Store
from tests.support.harness import MEDIATOR, PATROL, PLAIN, SECRETARY, SMALL_ROSTER, load_roster

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=TZ)


async def _actor(store: Store, telegram_id: int) -> Actor:
    return Actor(telegram_id, await store.members.by_telegram_id(telegram_id))


def _at(who: Actor) -> Call:
    return Call(who, NOW, "zh")


async def test_the_patrol_flow_asks_step_by_step_and_saves_at_the_end(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    me, deps = await _actor(store, PATROL), Deps(store, settings)
    turn = await flow.start(deps, _at(me), "patrol", flow.Opening())
    assert turn.step is Step.AREA and turn.draft is not None
    turn = await flow.answer(deps, _at(me), flow.Waiting(Step.AREA, turn.draft), "村口")
    assert turn.step is Step.MINUTES
    turn = await flow.answer(deps, _at(me), flow.Waiting(Step.MINUTES, turn.draft), "abc")
    assert turn.step is Step.MINUTES and turn.result.replies[0].key == "duty.err.minutes"
    again = flow.reask(deps, _at(me), flow.Waiting(Step.MINUTES, turn.draft))
    assert [r.key for r in again.result.replies] == ["common.text_expected", "duty.patrol.ask_minutes"]
    assert again.step is Step.MINUTES
    turn = await flow.answer(deps, _at(me), flow.Waiting(Step.MINUTES, turn.draft), "60")
    turn = await flow.answer(deps, _at(me), flow.Waiting(Step.FINDINGS, turn.draft), "无异常")
    assert turn.step is Step.PHOTO and turn.result.replies[0].buttons
    assert await store.duty.all() == []
    turn = await flow.skip(deps, _at(me), turn.draft)
    assert turn.step is None and turn.chosen is not None and "跳过" in turn.chosen
    [saved] = turn.result.replies
    assert saved.key == "duty.patrol.saved" and saved.params["points"] == 2
    [entry] = await store.duty.all()
    assert (entry.area, entry.minutes, entry.local_date.isoformat()) == ("村口", 60, "2026-03-10")


async def test_a_mediation_choice_leaves_the_choice_and_ongoing_asks_the_date(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    me, deps = await _actor(store, MEDIATOR), Deps(store, settings)
    draft = Draft(post="mediation", parties="张家、李家")
    turn = await flow.choose(deps, _at(me), flow.Waiting(Step.KIND, draft), "land")
    assert turn.step is Step.OUTCOME and turn.chosen is not None and "土地" in turn.chosen
    turn = await flow.choose(deps, _at(me), flow.Waiting(Step.OUTCOME, draft), "ongoing")
    assert turn.step is Step.FOLLOWUP and turn.result.replies[0].params["example"] == "2026-03-17"


async def test_followup_buttons_are_the_owners_only(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    me, other, deps = await _actor(store, MEDIATOR), await _actor(store, PATROL), Deps(store, settings)
    turn = await flow.start(deps, _at(me), "mediation", flow.Opening(["张家", "邻里", "调解中", "再谈", "2026-03-12"]))
    [entry] = await store.duty.all()
    refused = await duty_followup.pressed(deps, _at(other), DutyFollowup(entry.id, "resolved"))
    assert refused.result.replies[0].alert and refused.result.replies[0].key == "duty.followup.not_yours"
    turn = await duty_followup.pressed(deps, _at(me), DutyFollowup(entry.id, "ongoing"))
    assert turn.step is Step.NEW_DATE and turn.strip and turn.draft == Draft(post="mediation", log_id=entry.id)
    turn = await duty_followup.pressed(deps, _at(me), DutyFollowup(entry.id, "resolved"))
    assert turn.result.replies[0].key == "duty.followup.recorded" and turn.step is None
    again = await duty_followup.pressed(deps, _at(me), DutyFollowup(entry.id, "referred"))
    assert again.result.replies[0].alert and again.result.replies[0].key == "duty.followup.already"


async def test_month_and_report(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    me, deps = await _actor(store, PATROL), Deps(store, settings)
    await flow.start(deps, _at(me), "patrol", flow.Opening(["村口", "30", "无异常"]))
    pending = await duty_month.my_month(deps, _at(me), "")
    assert pending.html is not None and "巡逻：0 次" in pending.html and "待审核：1 条" in pending.html
    await store.duty.approve([e.id for e in await store.duty.all()], None, "2026-03-10T02:00:00+00:00")
    mine = await duty_month.my_month(deps, _at(me), "")
    assert mine.html is not None and "巡逻：1 次" in mine.html
    bad = await duty_month.my_month(deps, _at(me), "2026-13")
    assert bad.key == "duty.err.month"
    report = await duty_month.units_report(deps, _at(await _actor(store, SECRETARY)), "2026-03")
    assert report.html is not None and "赵巡逻" in report.html


async def test_toggling_a_post_needs_the_right_each_time(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    target = await store.members.by_telegram_id(PATROL)
    assert target is not None
    deps = Deps(store, settings)
    refused = await duty_posts.toggle(deps, _at(await _actor(store, PLAIN)), target.id, "mediation")
    assert refused.alert and refused.key == "duty.posts.refused"
    shown = await duty_posts.toggle(deps, _at(await _actor(store, SECRETARY)), target.id, "mediation")
    assert not shown.alert and shown.buttons and "矛盾调解岗" in reply_text(shown, "zh")
    after = await store.members.get(target.id)
    assert after is not None and after.posts == {"patrol", "mediation"}
