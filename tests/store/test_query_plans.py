"""Every statement on a hot path uses an index (issue 31, goal 6): the repositories' hot calls are run over a
seeded community with their SQL traced, and `EXPLAIN QUERY PLAN` of each statement must not scan the whole of
members, status reports, the outbox, deliveries, visits or requests — with the statistics `ANALYZE` writes
(which made SQLite pick a scan of members for the care sweep) and without any.

The community is `bench/dataset.py`'s, with branches of 60 members instead of 1 000 (so a branch is a small
part of the whole, as at 100 000 members), plus households, visits, requests and care cases."""

from __future__ import annotations

import asyncio
import re
import shutil
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store
from bot.store.notices import Draft
from bot.store.notices_publish import Among, Convener, Recipient
from bot.store.outbox import Outgoing
from tests.support.dataset import dataset
from tests.support.db import open_store

END = datetime(2026, 11, 20, 12, tzinfo=UTC)
NOW = "2026-11-20T12:00:00+00:00"
MEMBERS = 3_000
#: Tables no hot statement may scan whole (`SCAN x`, with or without an index: a covering index is still all rows).
GUARDED = {
    "members",
    "status_reports",
    "outbox",
    "visits",
    "requests",
    "households",
    "care_cases",
    "notice_members",
    "thought_reports",
}


def _extras(conn: sqlite3.Connection) -> None:
    """Households (one per member), a visit each, a request and a care case for every tenth (one in ten open)."""
    members = [r[0] for r in conn.execute("SELECT id FROM members WHERE active ORDER BY id")]
    conn.executemany(
        "INSERT INTO households (id, head, building, room, member_id, created_at, updated_at, last_visit_at) "
        "VALUES (?, ?, '1号楼', ?, ?, ?, ?, ?)",
        [(m, f"户主{m}", str(m), m, NOW, NOW, NOW) for m in members],
    )
    conn.executemany(
        "INSERT INTO visits (household_id, member_id, found, at, local_date) VALUES (?, ?, 'fine', ?, '2026-11-20')",
        [(m, m, NOW) for m in members],
    )
    unit = dict(conn.execute("SELECT id, unit_id FROM members"))
    conn.executemany(
        "INSERT INTO requests (household_id, logged_by, handler_id, unit_id, text, state, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, '修路灯', ?, ?, ?)",
        [(m, m, m, unit[m], ("received", "resolved")[m % 2], NOW, NOW) for m in members[::10]],
    )
    conn.executemany(  # most cases closed long ago, as in a community of some years
        "INSERT INTO care_cases (member_id, source, visitor_id, opened_at, quiet_since, closed_at) "
        "VALUES (?, 'ill', ?, ?, '2026-11-01', ?)",
        [(m, members[0], NOW, None if m % 100 == 0 else NOW) for m in members[::10]],
    )


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the community after `ANALYZE`, the same without statistics)."""
    folder = tmp_path_factory.mktemp("plans")
    plain = folder / "plain.sqlite3"
    module = dataset()
    module.PER_BRANCH = 60
    module.build(plain, members=MEMBERS, months=3, end=END)
    with sqlite3.connect(plain) as conn:
        _extras(conn)
    analysed = folder / "analysed.sqlite3"
    shutil.copy(plain, analysed)
    with sqlite3.connect(analysed) as conn:
        conn.execute("ANALYZE")
        assert conn.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
    return analysed, plain


Call = Callable[[Store], Awaitable[Any]]


def _hot() -> dict[str, Call]:
    """The repositories' calls on hot paths (a press, a sweep step, a delivery, an update), by name."""
    day = date(2026, 11, 20)
    at = datetime(2026, 11, 20, 12, tzinfo=UTC)
    branch, group, member = 2, 60, 125
    return {
        "members.in_units (a branch)": lambda s: s.members.in_units([branch]),
        "members.in_units (a group)": lambda s: s.members.in_units([group]),
        "members.post_holders_in_units": lambda s: s.members.post_holders_in_units([branch]),
        "members.reporting_in_units": lambda s: s.members.reporting_in_units([branch], ["2026-11", "2026-Q4"]),
        "members.named": lambda s: s.members.named("党员000123"),
        "members.by_telegram_id": lambda s: s.members.by_telegram_id(500_124),
        "members.kept_by": lambda s: s.members.kept_by(member),
        "members.with_role": lambda s: s.members.with_role("secretary"),
        "members.seated": lambda s: s.members.seated(branch),
        "rolls.members (a branch)": lambda s: s.rolls.members([branch]),
        "rolls.members (a group)": lambda s: s.rolls.members([group]),
        "reports.latest_status": lambda s: s.reports.latest_status([member, member + 1]),
        "reports.mobile_members (a chunk)": lambda s: s.reports.mobile_members(2026, [member, member + 1]),
        "reports.secretaries": lambda s: s.reports.secretaries([branch]),
        "reports.people_index": lambda s: s.reports.people_index([member, member + 1]),
        "reports.thoughts_for": lambda s: s.reports.thoughts_for([member], ["2026-10", "2026-11"]),
        "duty.in_units": lambda s: s.duty.in_units([branch], "2026-11-01", "2026-12-01"),
        "care.quiet (the care sweep)": lambda s: s.care.quiet(day),
        "care.open_in_units": lambda s: s.care.open_in_units([branch]),
        "care.open_named": lambda s: s.care.open_named("党员000123"),
        "care.open_for": lambda s: s.care.open_for(member),
        "care.last_visits": lambda s: s.care.last_visits([member]),
        "households.of_member": lambda s: s.households.of_member(member),
        "households.in_units": lambda s: s.households.in_units([branch]),
        "households.stale_of": lambda s: s.households.stale_of([member, member + 1]),
        "requests.open_for": lambda s: s.requests.open_for(member, [branch]),
        "outbox.claim": lambda s: s.outbox.claim(50),
        "outbox.claim (per chat)": lambda s: s.outbox.claim(50, skip=[1], per_chat=3),
        "outbox.pending_count": lambda s: s.outbox.pending_count("notice:1"),
        "notices.broadcast_state": lambda s: s.notices.broadcast_state(1),
        "notices.deliveries": lambda s: s.notices.deliveries(1),
        "notices.summary_figures": lambda s: s.notices.summary_figures(1),
        "notices.unsummarised": lambda s: s.notices.unsummarised(at),
        "notices.upcoming_for": lambda s: s.notices.upcoming_for(member, at),
        "notices.expected": lambda s: s.notices.expected(1),
        "notices.stage_recipients": lambda s: s.notices.stage_recipients(1, "24h", 0, 250),
        "notices.first_unfinished": lambda s: s.notices.first_unfinished(1),
        "due.due": lambda s: s.due.due(at, ["report", "notice"], None, 50),
        "notices.publish_to (a branch)": lambda s: s.notices.publish_to(
            _draft(branch, at), BY, Among(frozenset({branch})), NoCopies()
        ),
        "notices.publish_to (a committee)": lambda s: s.notices.publish_to(
            _draft(branch, at), BY, Among(frozenset(), seated_on=branch), NoCopies()
        ),
    }


BY = Convener(1, 1001, "zh", datetime(2026, 11, 20, 12, tzinfo=UTC))


def _draft(unit_id: int, at: datetime) -> Draft:
    return Draft(kind="general", unit_id=unit_id, starts_at=at + timedelta(days=2), place="村委会", topic="学习")


class NoCopies:
    """Publishing's copies: none (the statements that read the recipients are what is looked at)."""

    def of(self, notice_id: int, recipients: Sequence[Recipient]) -> Iterable[Outgoing]:
        return ()

    def rest(self, notice_id: int) -> Iterable[Outgoing]:
        return ()


async def _traced(path: Path, call: Call) -> list[str]:
    """The statements `call` runs, with their parameters filled in."""
    store = await open_store(path)
    seen: list[str] = []
    try:
        await store.db.conn.set_trace_callback(seen.append)
        await call(store)
        await store.db.conn.set_trace_callback(None)
    finally:
        await store.close()
    return [s for s in seen if re.match(r"\s*(SELECT|UPDATE|DELETE|WITH)\b", s, re.I)]


#: A search by `active` alone reads nearly every member: a scan by another name.
_WEAK = re.compile(r"SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(active=\?\)$")


def scans(conn: sqlite3.Connection, sql: str) -> list[str]:
    """The guarded tables `sql` reads whole, as `EXPLAIN QUERY PLAN` tells (`SCAN table` or `SCAN alias`, or a
    search of members by `active` alone)."""
    aliases = {a: t for t, a in re.findall(r"\b(?:FROM|JOIN)\s+(\w+)\s+(?:AS\s+)?(\w+)", sql, re.I)}
    partial = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql LIKE '% WHERE %'")
    }
    found = []
    for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}"):
        match = re.match(r"SCAN (\w+)", row[3]) or _WEAK.match(row[3])
        on = re.search(r"USING (?:COVERING )?INDEX (\w+)", row[3])
        if on and on.group(1) in partial:  # a partial index holds only some rows (open care cases)
            continue
        if match:
            table = aliases.get(match.group(1), match.group(1))
            if table in GUARDED:
                found.append(row[3])
    return found


@pytest.fixture(scope="module")
def statements(databases: tuple[Path, Path]) -> dict[str, list[str]]:
    """Each hot call's statements, traced on a copy of the community (a claim writes)."""
    traced: dict[str, list[str]] = {}
    copy = databases[1].with_name("traced.sqlite3")
    shutil.copy(databases[1], copy)
    for name, call in _hot().items():
        traced[name] = asyncio.run(_traced(copy, call))
    return traced


@pytest.mark.parametrize("stats", ["analysed", "plain"])
@pytest.mark.parametrize("name", list(_hot()))
def test_hot_statement_uses_an_index(
    databases: tuple[Path, Path], statements: dict[str, list[str]], name: str, stats: str
) -> None:
    assert statements[name], f"{name} ran no statement"
    path = databases[0] if stats == "analysed" else databases[1]
    with sqlite3.connect(path) as conn:
        bad = {sql: found for sql in statements[name] if (found := scans(conn, sql))}
    assert not bad, f"{name} scans a whole table ({stats}): {bad}"


def test_the_guard_sees_a_scan(databases: tuple[Path, Path]) -> None:
    """The check itself can fail: a look-up on a column without an index is a scan."""
    with sqlite3.connect(databases[0]) as conn:
        assert scans(conn, "SELECT * FROM members m WHERE m.phone = '1'") == ["SCAN m"]
        assert scans(conn, "SELECT count(*) FROM outbox") != []
        assert scans(conn, "SELECT * FROM members WHERE id = 1") == []
        assert scans(conn, "SELECT * FROM members m WHERE m.active = 1 AND m.building = '1号楼'") != []
