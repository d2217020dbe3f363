"""`/ledger` in January (issue 23 item 7): the year just closed — the one being inspected — is one press away
from the new one, both ways; the rest of the year there is no such row, and any year can still be named."""

from __future__ import annotations

from tests.support.harness import COMMUNITY_SECRETARY, SECRETARY, Harness
from tests.support.ledger import at, line, meeting, started


async def test_in_january_a_branch_moves_between_the_closed_year_and_the_new_one(harness: Harness) -> None:
    await meeting(harness.store, "一村党支部", "committee", at(12, 8), present=2, topic="十二月支委会")
    harness.at(at(1, 8, year=2027))
    await started(harness, SECRETARY)
    secretary = harness.user(SECRETARY)
    await secretary.send("/ledger")
    new = await secretary.expect("一村党支部 · 2027年三会一课台账")
    assert new.labels()[-2:] == ["2026年", "✔ 2027年"] and "✔ 第一季度" in new.labels()
    await secretary.press("2026年")
    closed = await secretary.expect("一村党支部 · 2026年三会一课台账", kind="edit")
    assert "✔ 第四季度" in closed.labels() and closed.labels()[-2:] == ["✔ 2026年", "2027年"]
    assert "支委会 ✅ 1/1" in line(closed.text, "12月")
    await secretary.press("2027年")
    await secretary.expect("一村党支部 · 2027年三会一课台账", kind="edit")
    await secretary.send("/ledger 2025")  # a year named outside the two: no row
    past = await secretary.expect("一村党支部 · 2025年三会一课台账")
    assert not any(label.endswith("年") for label in past.labels())


async def test_the_overview_has_the_row_in_january_only(harness: Harness) -> None:
    harness.at(at(1, 8, year=2027))
    await started(harness, COMMUNITY_SECRETARY)
    boss = harness.user(COMMUNITY_SECRETARY)
    await boss.send("/ledger")
    overview = await boss.expect("三会一课台账 · 2027年")
    assert overview.labels() == ["一村党支部", "二村党支部", "2026年", "✔ 2027年"]
    await boss.press("2026年")
    closed = await boss.expect("三会一课台账 · 2026年", kind="edit")
    await boss.press("一村党支部", closed)
    await boss.expect("一村党支部 · 2026年三会一课台账", kind="edit")
    harness.at(at(2, 1, year=2027))
    await boss.send("/ledger")
    assert (await boss.expect("三会一课台账 · 2027年")).labels() == ["一村党支部", "二村党支部"]
