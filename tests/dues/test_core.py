"""Dues through the use cases alone, on a Store over a temporary database, no Application: a year of payments
with 补交, 预交 and a correction; the arrears reminders once each (and after a restart); nothing of `telegram`
imported by the modules driven."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.dues import Month
from bot.domain.results import Result
from bot.domain.rights import Actor
from bot.services import registry as core
from bot.services.dues import common
from bot.services.dues.pay import pay_command
from bot.services.dues.view import dues_command
from bot.services.kernel.deps import Deps
from bot.store import Store
from tests.support.db import open_store
from tests.support.harness import MEDIATOR, SECRETARY, SMALL_ROSTER, load_roster

TZ = ZoneInfo("Asia/Shanghai")


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, tzinfo=TZ)


async def person(store: Store, telegram_id: int) -> Actor:
    member = await store.members.by_telegram_id(telegram_id)
    assert member is not None
    await store.members.link(member.id, telegram_id)
    member = await store.members.get(member.id)
    assert member is not None
    return Actor(telegram_id, member)


def html(result: Result) -> str:
    assert len(result.replies) == 1
    return result.replies[0].html or ""


def keys(result: Result) -> list[str]:
    return [r.key for r in result.replies]


async def dues_keys(store: Store) -> list[str]:
    rows = await store.db.fetchall(
        "SELECT key FROM outbox WHERE key LIKE 'dues:%' AND key NOT LIKE 'dues:receipt:%' ORDER BY id"
    )
    items = await store.db.fetchall("SELECT key FROM digest_items WHERE key LIKE 'dues:%' ORDER BY id")
    return [r[0] for r in rows] + [r[0] for r in items]


async def test_a_year_of_dues(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "dues.sqlite3"
    store = await open_store(path)
    try:
        await load_roster(store, SMALL_ROSTER)
        secretary = await person(store, SECRETARY)
        member = await person(store, MEDIATOR)
        assert member.member is not None and secretary.member is not None
        mid, sid = member.member.id, secretary.member.id

        deps = Deps(store, settings)

        async def pay(text: str, when: datetime) -> Result:
            return await pay_command(deps, Call(secretary, when, "zh"), text)

        got = await dues_command(deps, Call(secretary, at(1, 5), "zh"), "钱调解 | 在职 | 4500")
        assert keys(got) == ["dues.rule_set"] and got.replies[0].params["amount"] == "45.00"
        assert "（现金，1月10日（周六），按月）" in html(await pay("钱调解 | 2026-01 | 45 | 现金", at(1, 10)))
        late = html(await pay("钱调解 | 2026-02~2026-03 | 90 | 转账", at(3, 3)))
        assert "钱调解，2026年2月—3月的党费 90.00 元（转账，3月3日（周二），补交）" in late and "应交" not in late
        ahead = html(await pay("钱调解 | 2026-04~2026-06 | 135 | 现金", at(4, 2)))
        assert "预交" in ahead
        wrong = html(await pay("钱调解 | 2026-07 | 450 | 现金", at(4, 2, 11)))
        assert "这几个月应交 45.00 元" in wrong
        number = wrong.split("已登记 ")[1].split(" 号")[0]
        assert keys(await pay(f"更正 {number}", at(4, 2, 12))) == ["dues.corrected"]
        assert keys(await pay(f"更正 {number}", at(4, 2, 13))) == ["dues.already_corrected"]
        receipts = await store.db.fetchall("SELECT key FROM outbox WHERE key LIKE 'dues:receipt:%' ORDER BY id")
        assert [r[0] for r in receipts] == [f"dues:receipt:{mid}:{n}" for n in (1, 2, 3, 4)]  # not the correction

        # what the member sees: the year, due and paid, the correction netted out
        rules_ = (await store.dues.rules_of([mid]))[mid]
        payments = await store.dues.payments_of([mid])
        year = common.account(common.History(mid, rules_, payments), Month(2026, 1), Month(2026, 12), TZ)
        assert (year.due, year.paid) == (12 * 4500, 4500 + 9000 + 13500)
        assert [m.month.month for m in year.months if m.covered] == [1, 2, 3, 4, 5, 6]
        own = await dues_command(deps, Call(member, at(8, 10), "zh"), "")
        text = html(own)
        assert "每月 45.00 元" in text and "今年应交 540.00 元，已交 270.00 元" in text
        assert "有 1 个月没交（从2026年7月起）" in text and "· 2026年7月：应交 45.00，实交 0.00" in text
        assert keys(await dues_command(deps, Call(member, at(8, 10), "zh"), "王书记")) == ["dues.not_yours"]

        # arrears: July unpaid on 10 August is one month, nothing yet; two on 2 September: the member, once
        await core.sweep(store, settings, at(8, 10))
        assert await dues_keys(store) == []
        await core.sweep(store, settings, at(9, 2))
        await core.sweep(store, settings, at(9, 20))
        assert await dues_keys(store) == [f"dues:remind:{mid}:2026-07"]
        # three on 2 October: the secretary's daily digest, once
        await core.sweep(store, settings, at(10, 2))
        assert await dues_keys(store) == [f"dues:remind:{mid}:2026-07", f"dues:behind:3:{mid}:2026-07:{sid}"]
    finally:
        await store.close()
    again = await open_store(path)  # a restart changes nothing
    try:
        await core.sweep(again, settings, at(10, 3))
        await core.sweep(again, settings, at(11, 2))  # four months: still the stage of three
        assert len(await dues_keys(again)) == 2
        await core.sweep(again, settings, at(12, 2))  # five: told again, before the sixth month
        assert (await dues_keys(again))[-1] == f"dues:behind:5:{mid}:2026-07:{sid}"
        await core.sweep(again, settings, at(12, 20))
        assert len(await dues_keys(again)) == 3
        # paying ends the run: nothing more for it
        secretary = await person(again, SECRETARY)
        await pay_command(
            Deps(again, settings), Call(secretary, at(12, 21), "zh"), "钱调解 | 2026-07~2026-11 | 225 | 现金"
        )
        await core.sweep(again, settings, at(12, 22))
        assert len(await dues_keys(again)) == 3
    finally:
        await again.close()


@pytest.mark.slow
def test_the_dues_use_cases_import_nothing_of_telegram() -> None:
    code = (
        "import sys\n"
        "import bot.services.dues.view, bot.services.dues.pay, bot.services.dues.reminders, bot.services.dues.sheet\n"
        "assert not [m for m in sys.modules if m == 'telegram' or m.startswith('telegram.')]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
