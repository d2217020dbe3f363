"""Care data: the pure rules (festivals, 春节 table, old members, visit days), the CSV files, and the care
migration upgrading a database with data."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.config import Settings
from bot.domain.rights import OrgTree
from bot.services.care.rules import (
    LUNAR_NEW_YEAR,
    Festival,
    coming,
    is_old_member,
    may_be_old_member,
    parse_day,
    parse_festivals,
    quiet_cutoff,
)
from bot.services.exports.export import export_files
from bot.store import Store
from bot.store.db import migrations
from tests.support.db import open_store
from tests.support.harness import LIAISON, MIGRANT, OTHER_MIGRANT, SMALL_ROSTER, load_roster

TZ = ZoneInfo("Asia/Shanghai")


# ------------------------------------------------------------------------------------------- rules
def test_festivals_parse_and_fall_due() -> None:
    assert parse_festivals("春节,07-01") == [Festival("春节"), Festival("07-01", (7, 1))]
    assert parse_festivals(" 春节， 7-1 ,") == [Festival("春节"), Festival("07-01", (7, 1))]
    for bad in ("中秋", "13-01", "02-30", "7/1"):
        with pytest.raises(ValueError):
            parse_festivals(bad)
    spring, july = parse_festivals("春节,07-01")
    assert coming([spring, july], date(2027, 1, 30), 7) == [(spring, date(2027, 2, 6))]
    assert coming([spring, july], date(2027, 1, 29), 7) == []
    assert coming([spring, july], date(2027, 7, 1), 7) == [(july, date(2027, 7, 1))]
    assert coming([spring, july], date(2027, 7, 2), 7) == []
    assert coming([spring], date(2027, 12, 28), 30) == [(spring, date(2028, 1, 26))]  # across the new year
    assert coming([spring], date(2035, 12, 28), 60) == []  # beyond the table: no 春节 list
    assert sorted(LUNAR_NEW_YEAR) == list(range(2026, 2036))
    assert all(date(y, 1, 21) <= d <= date(y, 2, 20) for y, d in LUNAR_NEW_YEAR.items())


def test_care_settings_are_checked() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.care_quiet_days, settings.care_festivals, settings.care_list_days_before) == (30, "春节,07-01", 7)
    bad: dict[str, Any]
    for bad in ({"care_festivals": "中秋"}, {"care_quiet_days": 0}, {"care_list_days_before": -1}):
        with pytest.raises(ValidationError):
            Settings(_env_file=None, **bad)  # type: ignore[call-arg]


def test_old_members_visit_days_and_quiet() -> None:
    on = date(2027, 2, 6)
    assert is_old_member(date(1977, 2, 6), "full", on)
    assert not is_old_member(date(1977, 2, 7), "full", on)
    assert not is_old_member(date(1977, 3, 1), "full", on)  # 党龄 counts from 转正 (joined 1970: no matter)
    assert not is_old_member(None, "full", on)  # the roster does not know 转正: not 50 years for sure
    assert not is_old_member(date(1960, 1, 1), "probationary", on)
    # without 转正时间, joined more than 50 years ago: listed, its 党龄 said to be unknown (issue 23)
    assert may_be_old_member(date(1976, 2, 6), None, "full", on)
    assert not may_be_old_member(date(1977, 2, 6), None, "full", on)  # 50 years since 入党: 党龄 under 50
    assert not may_be_old_member(date(1960, 1, 1), date(1961, 1, 1), "full", on)  # 转正 known: is_old_member
    assert not may_be_old_member(date(1960, 1, 1), None, "probationary", on)
    today = date(2026, 11, 10)
    assert parse_day("2026-11-10", today) == today and parse_day("2026-3-5", today) == date(2026, 3, 5)
    for bad in ("2026-11-11", "2026-02-30", "昨天", "20261110", ""):
        assert parse_day(bad, today) is None
    assert quiet_cutoff(today, 30) == date(2026, 10, 11)


# ------------------------------------------------------------------------------------------- exports
def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_care_files_in_the_export_limited_to_the_secretary_units(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    by_tg = {m.telegram_id: m for m in await store.members.all() if m.telegram_id}
    migrant, liaison, other = by_tg[MIGRANT], by_tg[LIAISON], by_tg[OTHER_MIGRANT]
    at = datetime(2026, 11, 1, 10, tzinfo=TZ)
    case = await store.care.open_case(migrant.id, "secretary", "=在外受伤", liaison.id, None, at, date(2026, 11, 1))
    assert case is not None
    await store.care.add_visit(case, liaison.id, date(2026, 11, 3), "送去慰问金", "下周复查", at)
    await store.care.close(case, None, "已解决", datetime(2026, 11, 20, 10, tzinfo=TZ))
    await store.care.open_case(other.id, "ill", "", None, None, at, date(2026, 11, 1))
    everything = await export_files(store, tz=TZ)
    cases, visits = rows(everything["care_cases.csv"]), rows(everything["care_visits.csv"])
    assert cases[0][:4] == ["id", "member", "branch", "source"]
    assert [(r[1], r[2], r[3], r[4], r[5], r[7], r[8], r[10]) for r in cases[1:]] == [
        ("张流动", "一村党支部", "secretary", "'=在外受伤", "李联络", "2026-11-03", "closed", "已解决"),
        ("陈外出", "二村党支部", "ill", "", "", "", "open", ""),
    ]
    assert [r[2:8] for r in visits[1:]] == [["张流动", "一村党支部", "李联络", "2026-11-03", "送去慰问金", "下周复查"]]
    tree = OrgTree.of(await store.units.all())
    yicun = next(u.id for u in tree.units.values() if u.name == "一村党支部")
    mine = await export_files(store, tree.subtree(yicun), tz=TZ)
    assert [r[1] for r in rows(mine["care_cases.csv"])[1:]] == ["张流动"]
    assert "陈外出" not in mine["care_visits.csv"].decode("utf-8-sig")


# ------------------------------------------------------------------------------------------- migration
def care_number() -> int:
    """The number of the care migration, whatever it is renumbered to when branches merge."""
    names = [e.name for e in resources.files("bot.store.migrations").iterdir() if e.name.endswith("_care.sql")]
    assert len(names) == 1, names
    return int(names[0][:4])


NOW = "2026-01-05T08:00:00+00:00"


async def test_the_care_migration_upgrades_a_database_with_data(tmp_path: Path) -> None:
    path = tmp_path / "before.sqlite3"
    before = care_number() - 1
    with sqlite3.connect(path) as conn:
        for number, sql in migrations():
            if number > before:
                break
            conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
        conn.executescript(f"""
            INSERT INTO units (id, parent_id, kind, name) VALUES (1, NULL, 'committee', '白庙社区党委'),
                (2, 1, 'branch', '白庙村党支部');
            INSERT INTO members (id, name, unit_id, category, telegram_id, created_at, updated_at, joined)
                VALUES (1, '彭国华', 2, 'resident', 1001, '{NOW}', '{NOW}', '1970-01-01'),
                       (2, '梁立新', 2, 'migrant', 1002, '{NOW}', '{NOW}', NULL);
            UPDATE members SET liaison_id = 1 WHERE id = 2;
            INSERT INTO member_roles (member_id, role) VALUES (1, 'secretary');
            INSERT INTO status_reports (member_id, state, note, at) VALUES (2, 'hardship', '家里困难', '{NOW}');
            INSERT INTO outbox (key, kind, member_id, chat_id, text, created_at)
                VALUES ('k1', 'alert', 1, 1001, '提醒', '{NOW}');
        """)
        snapshot = {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall()
            for t in ("units", "members", "member_roles", "status_reports", "outbox")
        }
    store = await open_store(path)
    try:
        assert await store.db.schema_version() == len(migrations()) >= care_number()
        # nothing existing changed, and the new tables work on the old rows
        for table, old in snapshot.items():  # columns added later (issue 23: units.term_start) come after, empty
            new = [tuple(r) for r in await store.db.fetchall(f"SELECT * FROM {table} ORDER BY rowid")]
            assert [r[: len(o)] for r, o in zip(new, old, strict=True)] == [tuple(o) for o in old]
        case = await store.care.open_case(
            2, "hardship", "家里困难", 1, None, datetime(2026, 1, 6, tzinfo=TZ), date(2026, 1, 6)
        )
        assert case is not None
        assert (
            await store.care.open_case(
                2, "secretary", "又困难", 1, 1, datetime(2026, 1, 7, tzinfo=TZ), date(2026, 1, 7)
            )
            is None
        )
        opened = await store.care.open_for(2)
        assert opened is not None and (opened.member_name, opened.visitor_name) == ("梁立新", "彭国华")
    finally:
        await store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
