"""`store.unit_of_work()`: writes over several repositories commit together, or not at all."""

from __future__ import annotations

import pytest

from bot.domain.models import BRANCH_KIND, COMMITTEE_KIND
from bot.store import Store


async def test_the_writes_of_a_unit_of_work_commit_together(store: Store) -> None:
    async with store.unit_of_work() as uow:
        committee, made = await uow.units.ensure(COMMITTEE_KIND, "测试社区党委", None)
        branch, _ = await uow.units.ensure(BRANCH_KIND, "第一支部", committee)
        assert made and await uow.units.find("第一支部", committee) is not None  # seen inside the work
    assert [u.name for u in await store.units.all()] == ["测试社区党委", "第一支部"]
    assert (await store.units.get(branch)) is not None


async def test_an_error_inside_a_unit_of_work_writes_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError, match="half way"):
        async with store.unit_of_work() as uow:
            await uow.units.ensure(COMMITTEE_KIND, "测试社区党委", None)
            raise RuntimeError("half way")
    assert await store.units.all() == []
    async with store.unit_of_work() as uow:  # the lock and the connection are free again
        _, made = await uow.units.ensure(COMMITTEE_KIND, "测试社区党委", None)
    assert made
