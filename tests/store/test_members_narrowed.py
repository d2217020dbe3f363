"""The narrowed member lists of `/dutyreport` and `/reports` (issue 31: a model for each of 100 000 members held
the event loop for seconds): `post_holders_in_units` and `reporting_in_units` list exactly the members of
`in_units` the lists then keep — post-holders; mobile members and those who handed a report in for a period
asked — in the same order, for a committee, a branch and a Party group."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.services.reports.common import is_mobile
from bot.store import Store
from tests.support.dataset import dataset

END = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("narrowed") / "community.sqlite3"
    module = dataset()
    module.PER_BRANCH = 60
    module.build(path, members=1_200, months=3, end=END)
    with sqlite3.connect(path) as conn:  # a few members who owe nothing hand one in of their own accord
        others = conn.execute(
            "SELECT id FROM members WHERE active AND NOT (category = 'migrant' AND report_cadence IS NOT NULL) "
            "ORDER BY id LIMIT 40"
        ).fetchall()
        conn.executemany(
            "INSERT OR IGNORE INTO thought_reports (member_id, period, text, submitted_at) VALUES (?, ?, ?, ?)",
            [
                (m, ("2026-11", "2026-Q4", "2026-10")[i % 3], "思想汇报" * 30, END.isoformat())
                for i, (m,) in enumerate(others)
            ],
        )
        # Two who left the roster keep what they had: a post, and a report of November (a deactivation removes
        # neither). Neither is listed: `in_units` lists active members only, and so must the narrowed reads.
        holder = conn.execute("SELECT member_id FROM member_posts ORDER BY member_id LIMIT 1").fetchone()[0]
        reporter = others[1][0]  # handed in 2026-Q4, and one for November is added
        conn.execute(
            "INSERT OR IGNORE INTO thought_reports (member_id, period, text, submitted_at) VALUES (?, ?, ?, ?)",
            (reporter, "2026-11", "思想汇报" * 30, END.isoformat()),
        )
        conn.executemany("UPDATE members SET active = 0 WHERE id = ?", [(holder,), (reporter,)])
        conn.execute("CREATE TABLE gone (member_id INTEGER)")  # read back by the tests
        conn.executemany("INSERT INTO gone VALUES (?)", [(holder,), (reporter,)])
    return path


async def _gone(store: Store) -> set[int]:
    """The two members who left the roster with a post and a report."""
    return {int(r[0]) for r in await store.db.fetchall_tuples("SELECT member_id FROM gone")}


async def _units(store: Store) -> list[list[int]]:
    """The whole committee, a branch, a Party group."""
    every = [u.id for u in await store.units.all()]
    branch = next(u.id for u in await store.units.all() if u.kind == "branch")
    group = next(u.id for u in await store.units.all() if u.kind == "group")
    return [every, [branch], [group]]


async def test_post_holders_are_the_members_with_a_post(community: Path) -> None:
    store = await Store.open(community)
    try:
        for units in await _units(store):
            every = await store.members.in_units(units)
            holders = await store.members.post_holders_in_units(units)
            assert [m.id for m in holders] == [m.id for m in every if m.posts]
            assert holders == [m for m in every if m.posts]  # the same models, roles and posts included
        assert any(m.posts for m in await store.members.in_units((await _units(store))[0]))
        assert await store.members.post_holders_in_units([]) == []
        listed = {m.id for m in await store.members.post_holders_in_units((await _units(store))[0])}
        assert not listed & await _gone(store)
    finally:
        await store.close()


async def test_reporting_members_are_the_mobile_and_those_who_handed_one_in(community: Path) -> None:
    store = await Store.open(community)
    try:
        for labels in (["2026-11", "2026-Q4"], ["2026-10"], []):
            for units in await _units(store):
                every = await store.members.in_units(units)
                handed = {r.member_id for r in await store.reports.thoughts_for([m.id for m in every], labels)}
                wanted = [m for m in every if is_mobile(m) or m.id in handed]
                assert await store.members.reporting_in_units(units, labels) == wanted
        every = await store.members.in_units((await _units(store))[0])
        handed = {r.member_id for r in await store.reports.thoughts_for([m.id for m in every], ["2026-11"])}
        assert any(is_mobile(m) for m in every) and any(not is_mobile(m) for m in every if m.id in handed)
        listed = {m.id for m in await store.members.reporting_in_units((await _units(store))[0], ["2026-11"])}
        assert not listed & await _gone(store)
    finally:
        await store.close()
