"""A 预备党员's 思想汇报 is filed under the quarter (issue 24: 预备期里每个季度至少交一份), and the register's chain
agrees: a report handed in during the quarter spares the reminder and the escalation of that quarter, a quarter
without one still reminds. /reports shows it in each month of its quarter; a member who is not a 预备党员 still
files under the month."""

from __future__ import annotations

from bot.services import registry as core
from bot.store import Store
from tests.support.development import at
from tests.support.harness import PATROL, SECRETARY, Harness

REPORT = "这个季度我认真学习了党章和村规民约，参加了两次义务巡逻，帮邻居修好了院墙。"


async def probationary(store: Store) -> int:
    """赵巡逻, 预备党员 since June 2025: his member row and his record in the register."""
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE members SET membership = 'probationary' WHERE name = '赵巡逻'")
        cur = await conn.execute(
            "INSERT INTO development (unit_id, name, stage, stage_on, created_at) "
            "SELECT unit_id, name, 'probationary', '2025-06-01', '2025-06-01T00:00:00+00:00' FROM members "
            "WHERE name = '赵巡逻'"
        )
    assert cur.lastrowid is not None
    return cur.lastrowid


async def keys(store: Store, person_id: int) -> list[str]:
    rows = await store.db.fetchall(
        "SELECT key FROM outbox WHERE key LIKE ? UNION ALL SELECT key FROM digest_items WHERE key LIKE ? ORDER BY 1",
        (f"report:register:%:{person_id}:%", f"report:register:%:{person_id}:%"),
    )
    return [r["key"] for r in rows]


async def test_a_probationary_members_report_is_the_quarters(harness: Harness) -> None:
    pid = await probationary(harness.store)
    patrol, secretary = harness.user(PATROL), harness.user(SECRETARY)
    harness.at(at("2026-05-05"))
    await secretary.send("/help")
    await secretary.next_message()
    await patrol.send("/report")
    asked = (await patrol.expect("思想汇报")).text
    assert "记在 2026年第二季度" in asked and "6月30日" in asked
    await patrol.send(REPORT)
    await patrol.press("发送", await patrol.expect("预览"))
    assert "2026年第二季度的思想汇报已提交" in (await patrol.expect("已提交", skipping=("预览",))).text
    [row] = await harness.store.db.fetchall("SELECT period FROM thought_reports")
    assert row["period"] == "2026-Q2"

    harness.at(at("2026-06-10"))  # a second one in the quarter replaces it, as for a quarterly mobile member
    await patrol.send("/report")
    assert "再提交会替换原来那份" in (await patrol.expect("思想汇报")).text

    await secretary.send("/reports 2026-06")
    assert "✅ 赵巡逻（一村党支部 · 一组）已交 5月5日（周二）" in (await secretary.expect("2026年6月思想汇报")).text

    # the register's chain: Q2 handed in, so no reminder before its end and no escalation after
    await core.sweep(harness.store, harness.settings, at("2026-06-23"))
    await core.sweep(harness.store, harness.settings, at("2026-07-01", "08:00"))
    assert [k for k in await keys(harness.store, pid) if k.endswith(":2026-Q2")] == []
    assert any(k.endswith(":2026-Q1") for k in await keys(harness.store, pid))  # Q1 had none: escalated
    await core.sweep(harness.store, harness.settings, at("2026-09-23"))  # Q3: nothing yet, reminded
    assert f"report:register:remind:{pid}:2026-Q3" in await keys(harness.store, pid)


async def test_a_full_member_still_files_under_the_month(harness: Harness) -> None:
    patrol = harness.user(PATROL)
    harness.at(at("2026-05-05"))
    await patrol.send("/report")
    asked = (await patrol.expect("思想汇报")).text
    assert "记在 2026年5月" in asked and "没有截止时间" in asked
