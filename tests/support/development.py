"""Shared by the 发展党员 tests (issue 24): the local clock; 王小明 walked to 积极分子, his private chat known."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.emulator import EmuUser
from bot.services.development.register import development_command
from bot.services.kernel.deps import Deps
from bot.store import Store
from tests.support.harness import LIAISON, SECRETARY

TZ = ZoneInfo("Asia/Shanghai")
ACTIVIST = 5001


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=TZ)


async def steps(store: Store, settings: Settings) -> Actor:
    """王小明: applied in March, talked to, chosen as 积极分子 on 10 April with 李联络 and 赵巡逻; his chat is known."""
    [member] = await store.members.named("王书记")
    await store.members.link(member.id, SECRETARY)
    [liaison] = await store.members.named("李联络")
    await store.members.link(liaison.id, LIAISON)
    linked = await store.members.get(member.id)
    assert linked is not None
    me = Actor(SECRETARY, linked)
    for day, line in (
        ("2026-03-02", "入党申请 | 2026-03-02 | 出生 2001-05-16"),
        ("2026-03-20", "谈话 | 2026-03-20"),
        ("2026-04-10", "积极分子 | 2026-04-10 | 李联络、赵巡逻"),
    ):
        result = await development_command(Deps(store, settings), Call(me, at(day), "zh"), f"王小明 | {line}")
        assert (result.replies[0].html or "").startswith("已登记"), result
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE development SET telegram_id = ? WHERE name = '王小明'", (ACTIVIST,))
    return me


async def hand_in(activist: EmuUser, text: str, asked: str = "思想汇报") -> None:
    """The person writes their 思想汇报 through `/report` (asked for with `asked` in the question), sends it from
    the preview and is told it was handed in."""
    await activist.send("/report")
    await activist.expect(asked)
    await activist.send(text)
    await activist.press("发送", await activist.expect("预览"))
    await activist.expect("已提交", skipping=("预览",))
