"""The panel ratings migration (`NNNN_panel_ratings.sql`, issue 30 item 10): a database at the version before it,
with rated accounts, upgrades without losing anything — a rating given by a member of the roster becomes that
member's rating (who rated what is kept), an outcome recorded by an administrator outside the roster stays the
outcome, and every account keeps its text, voice and rating."""

from __future__ import annotations

import sqlite3
from importlib import resources
from pathlib import Path

from bot.services.duty.points import panel_outcome
from bot.store import Store
from bot.store.db import migrations

NOW = "2026-04-03T02:00:00+00:00"
RATED = "2026-04-05T02:00:00+00:00"


def panel_ratings_number() -> int:
    """The number of the migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_panel_ratings.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


def build_before(path: Path) -> int:
    before = panel_ratings_number() - 1
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, telegram_id, linked_at, created_at, updated_at)
                VALUES (1, '彭国华', 2, 'resident', 1001, '{NOW}', '{NOW}', '{NOW}'),
                       (2, '赵巡逻', 2, 'resident', 1004, '{NOW}', '{NOW}', '{NOW}'),
                       (3, '钱调解', 2, 'resident', 1005, '{NOW}', '{NOW}', '{NOW}'),
                       (4, '孙护林', 2, 'resident', NULL, NULL, '{NOW}', '{NOW}');
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary');
            INSERT INTO member_posts (member_id, post) VALUES (2, 'patrol'), (3, 'mediation'), (4, '护林岗');
            INSERT INTO post_accounts (member_id, quarter, text, voice_file_id, at, rating, rated_by, rated_at)
                VALUES (2, '2026Q1', '巡逻十二次', NULL, '{NOW}', 'competent', 1, '{RATED}'),
                       (3, '2026Q1', NULL, 'EMUvoice', '{NOW}', 'excellent', NULL, '{RATED}'),
                       (4, '2026Q1', '护林', NULL, '{NOW}', NULL, NULL, NULL),
                       (2, '2025Q4', NULL, NULL, NULL, 'basic', 1, NULL);
        """)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == before
    return before


def accounts(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT id, member_id, quarter, text, voice_file_id, at, rating, rated_by, rated_at "
            "FROM post_accounts ORDER BY id"
        ).fetchall()


async def test_ratings_become_the_raters_and_outcomes_stay(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    build_before(path)
    kept = accounts(path)
    store = await Store.open(path)
    try:
        assert await store.db.schema_version() >= panel_ratings_number()
        q1 = await store.duty.posts.ratings("2026Q1", [2, 3, 4])
        assert {m: [(r.rater_name, r.rating, r.at) for r in rs] for m, rs in q1.items()} == {
            2: [("彭国华", "competent", RATED)]
        }  # 钱调解's rating had no rater on the roster: the outcome alone stays
        q4 = await store.duty.posts.ratings("2025Q4", [2])
        assert [(r.rater_id, r.rating) for r in q4[2]] == [(1, "basic")] and q4[2][0].at  # no time kept: now
        assert await store.duty.posts.rated(2, "2026Q1") and await store.duty.posts.rated(3, "2026Q1")
        assert not await store.duty.posts.rated(4, "2026Q1")
        # the committee (彭国华 alone) rates on from there: its rating replaces, the outcome follows
        assert await store.duty.posts.rate(2, "2026Q1", 1, "excellent", NOW, lambda v: panel_outcome(v, 1)) == (
            "excellent"
        )
    finally:
        await store.close()
    after = accounts(path)
    assert after[1:] == kept[1:]  # the others untouched
    assert after[0][:6] == kept[0][:6] and after[0][6] == "excellent"


def test_the_outcome_is_what_more_than_half_of_the_committee_gave() -> None:
    assert panel_outcome(["competent"], 1) == "competent"
    assert panel_outcome(["competent"], 3) is None  # one of three: not more than half
    assert panel_outcome(["competent", "competent"], 3) == "competent"  # two of three
    assert panel_outcome(["competent", "excellent"], 3) is None
    assert panel_outcome(["competent", "competent"], 4) is None  # two of four is half, not more
    assert panel_outcome(["competent", "competent", "competent"], 4) == "competent"
    assert panel_outcome([], 3) is None
    assert panel_outcome(["basic"], 0) == "basic"  # a committee of one rating alone (nobody else to ask)
