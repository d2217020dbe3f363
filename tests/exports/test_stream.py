"""Exports stream from cursors to files (issue 11): the same bytes as files built from whole lists (the way they
were made before), no read of more than one chunk, one snapshot for all the files, and `/export` sends exactly
those files from disk and leaves nothing behind. The data is the generated community of `bench/dataset.py`."""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import aclosing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.domain.rights import OrgTree
from bot.services.appraisal.export import APPRAISAL_HEADER, PLEDGES_HEADER, RECTIFY_HEADER, TALKS_HEADER
from bot.services.care.export import CASES_HEADER
from bot.services.care.export import VISITS_HEADER as CARE_VISITS_HEADER
from bot.services.development.export import REGISTER_HEADER, STEPS_HEADER
from bot.services.dues.export import PAYMENTS_HEADER as DUES_PAYMENTS_HEADER
from bot.services.dues.export import RULES_HEADER as DUES_RULES_HEADER
from bot.services.duty.common import EXPORT_HEADER as DUTY_HEADER
from bot.services.duty.export import ACCOUNTS_HEADER, POSTS_HEADER, PUBLICITY_HEADER
from bot.services.duty.rules import PATROL, log_points
from bot.services.exports.export import EXPORTS, MEMBERS_HEADER, export_files, export_to_dir, to_csv
from bot.services.households.export import HOUSEHOLDS_HEADER, REQUESTS_HEADER, VISITS_HEADER
from bot.services.kernel.export_time import local
from bot.services.minutes.export import RESOLUTIONS_HEADER
from bot.services.notices.export import ATTENDANCE_HEADER, NOTICE_HEADER
from bot.services.openness.export import ITEMS_HEADER
from bot.services.reports.export import STATUS_HEADER, THOUGHT_HEADER
from bot.store import Store
from bot.store.db import STREAM_CHUNK
from tests.support.dataset import dataset
from tests.support.db import open_store
from tests.support.harness import MIGRANT, SECRETARY, SMALL_ROSTER, Harness, load_roster

POST_NAMES = {"patrol": "治安巡逻岗", "mediation": "矛盾调解岗"}

END = datetime(2026, 11, 20, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def community(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 000 members in two branches with four months of records (the tests only read it)."""
    path = tmp_path_factory.mktemp("community") / "community.sqlite3"
    dataset().build(path, members=2_000, months=4, end=END)
    return path


@pytest.fixture
async def opened(community: Path) -> AsyncIterator[Store]:
    store = await open_store(community)
    yield store
    await store.close()


# ------------------------------------------------------------------------- the files as they were made before
async def from_lists(store: Store, units: set[int] | None) -> dict[str, bytes]:
    """Every file built from whole lists with the repositories' list methods, as the export did before."""
    tree = OrgTree.of(await store.units.all())
    members = await store.members.all()
    names = {m.id: m.name for m in members}
    mine = {m.id: m for m in members if units is None or m.unit_id in units}
    files = {
        "members.csv": to_csv(
            MEMBERS_HEADER,
            [
                [
                    m.id,
                    m.name,
                    tree.name(m.unit_id),
                    tree.name(m.group_id),
                    m.category,
                    ";".join(sorted(m.roles)),
                    ";".join(sorted(m.posts)),
                    names.get(m.liaison_id or -1, ""),
                    m.report_cadence,
                    m.migrant_since.isoformat() if m.migrant_since else "",
                    m.phone,
                    m.building,
                    m.telegram_id,
                    "yes" if m.linked else "no",
                    m.linked_at,
                    "yes" if m.unreachable else "no",
                    "active" if m.active else "deactivated",
                    m.deactivated_at,
                    m.membership,
                    m.joined.isoformat() if m.joined else "",
                    m.confirmed.isoformat() if m.confirmed else "",
                    tree.name(m.activity_group_id),
                    m.relation,
                    m.note,
                    m.duty,
                    "yes" if m.votes else "no",
                ]
                for m in mine.values()
            ],
        )
    }
    files["status_reports.csv"] = to_csv(
        STATUS_HEADER,
        [
            [
                s.id,
                mine[s.member_id].name,
                tree.name(mine[s.member_id].unit_id),
                s.state,
                s.location,
                s.note,
                local(s.at),
            ]
            for s in await store.reports.all_status(list(mine))
        ],
    )
    files["thought_reports.csv"] = to_csv(
        THOUGHT_HEADER,
        [
            [
                r.id,
                mine[r.member_id].name,
                tree.name(mine[r.member_id].unit_id),
                r.period,
                local(r.submitted_at),
                r.replaced,
                r.text,
                r.seconds,
            ]
            for r in await store.reports.all_thoughts(list(mine))
        ],
    )
    everyone = {m.id: m for m in members}
    files["duty_logs.csv"] = to_csv(
        DUTY_HEADER,
        [
            [
                e.id,
                e.post,
                everyone[e.member_id].name,
                tree.name(everyone[e.member_id].unit_id),
                e.local_date.isoformat(),
                e.area if e.post == PATROL else e.parties,
                e.findings if e.post == PATROL else e.summary,
                e.minutes,
                e.kind,
                e.outcome,
                e.followup_on.isoformat() if e.followup_on else None,
                log_points(e),
                e.photo_file_id,
                e.at,
                POST_NAMES.get(e.post, e.post),
                e.served,
                e.review,
                e.reviewed_at,
                e.review_reason,
            ]
            for e in await store.duty.all()
            if units is None or everyone[e.member_id].unit_id in units or everyone[e.member_id].group_id in units
        ],
    )
    notices, attendance, resolutions = [], [], []
    for n in reversed(await store.notices.in_units(units)):
        kept = await store.minutes.get(n.id)  # the minutes' fields (issue 13 item 6)
        expected, deliveries = await store.notices.expected(n.id), await store.notices.deliveries(n.id)
        rsvps, checkins = await store.notices.rsvps(n.id), await store.notices.checkins(n.id)
        seats = {s.member_id: s for s in await store.notices.seats(n.id)}
        status = [d.status for d in deliveries if d.member_id is not None]
        answers = [r.answer for r in rsvps.values()]
        notices.append(
            [
                n.id,
                n.kind,
                tree.name(n.unit_id),
                local(n.starts_at),
                n.place,
                n.topic,
                names.get(n.created_by or -1, ""),
                local(n.created_at),
                local(n.cancelled_at),
                len(expected),
                status.count("sent"),
                status.count("failed"),
                status.count("uncertain"),
                sum(not e.linked for e in expected),
                answers.count("attend"),
                answers.count("leave"),
                len(checkins),
                n.minutes,
                n.audience,
                n.speaker or "",
                sum(r.answer == "leave" and r.approval == "approved" for r in rsvps.values()),
                sum(e.votes for e in expected),
                sum(e.votes and e.member.id in checkins for e in expected),
                sum(s.made_up is not None for s in seats.values()),
                (kept.host or "") if kept else "",
                (kept.recorder or "") if kept else "",
                len(kept.resolutions) if kept else 0,
                n.mode,  # issue 23: the form, and 补录
                n.backfiller or "",
                local(n.backfilled_at),
                n.backfill_reason or "",
            ]
        )
        resolutions.extend(
            [
                n.id,
                n.kind,
                tree.name(n.unit_id),
                local(n.starts_at),
                number,
                r.text,
                r.yes,
                r.no,
                r.abstain,
                r.kind,  # issue 23: the kind, written opinions and outcome
                r.written_yes,
                r.written_no,
                r.written_abstain,
                {True: "passed", False: "failed", None: ""}[r.passed],
                r.rule or "",
                "" if r.needed is None else r.needed,
            ]
            for number, r in enumerate(kept.resolutions if kept else (), 1)
        )
        delivery = {d.member_id: d.status for d in deliveries if d.member_id is not None}
        for e in expected:
            m, r, c = e.member, rsvps.get(e.member.id), checkins.get(e.member.id)
            seat = seats[m.id]
            attendance.append(
                [
                    n.id,
                    n.kind,
                    local(n.starts_at),
                    m.name,
                    tree.name(m.unit_id),
                    tree.name(m.group_id),
                    "yes" if e.linked else "no",
                    delivery.get(m.id, "not_sent"),
                    r.answer if r else "",
                    r.reason if r else "",
                    local(r.at) if r else "",
                    local(c.at) if c else "",
                    c.how if c else "",
                    "yes" if e.votes else "no",
                    (r.approval or "") if r else "",
                    names.get(r.decided_by, "") if r and r.decided_by else "",
                    names.get(c.by_member, "") if c and c.by_member and c.how != "self" else "",
                    seat.made_up or "",
                    seat.makeup_note or "",
                ]
            )
    files["notices.csv"] = to_csv(NOTICE_HEADER, notices)
    files["attendance.csv"] = to_csv(ATTENDANCE_HEADER, attendance)
    files["resolutions.csv"] = to_csv(RESOLUTIONS_HEADER, resolutions)
    # the generated community has no households (bench/dataset.py predates them): their files are the header only
    assert await store.db.fetchone("SELECT id FROM households") is None
    files["households.csv"] = to_csv(HOUSEHOLDS_HEADER, [])
    files["visits.csv"] = to_csv(VISITS_HEADER, [])
    files["requests.csv"] = to_csv(REQUESTS_HEADER, [])
    # issue 17: the catalogue, the accounts and the 公示 (none of either in this database)
    files["posts.csv"] = to_csv(
        POSTS_HEADER,
        [
            [p.id, p.name, p.key, p.form, p.per_entry, p.per_minutes, p.minimum, "yes" if p.active else "no"]
            for p in await store.duty.posts.all()
        ],
    )
    files["duty_accounts.csv"] = to_csv(ACCOUNTS_HEADER, [])
    files["duty_publicity.csv"] = to_csv(PUBLICITY_HEADER, [])
    # this database has no care cases: their files are the headers (tests/care/test_data.py checks their rows)
    files["care_cases.csv"] = to_csv(CASES_HEADER, [])
    files["care_visits.csv"] = to_csv(CARE_VISITS_HEADER, [])
    files["dues_rules.csv"] = to_csv(DUES_RULES_HEADER, [])  # no dues either (tests/dues/test_sheet.py)
    files["dues_payments.csv"] = to_csv(DUES_PAYMENTS_HEADER, [])
    # nor the branch's year (tests/appraisal/test_export.py checks their rows)
    files["talks.csv"] = to_csv(TALKS_HEADER, [])
    files["appraisal.csv"] = to_csv(APPRAISAL_HEADER, [])
    files["rectify_items.csv"] = to_csv(RECTIFY_HEADER, [])
    files["pledges.csv"] = to_csv(PLEDGES_HEADER, [])
    files["publicity_items.csv"] = to_csv(ITEMS_HEADER, [])  # 党务公开: none in this database
    files["development.csv"] = to_csv(REGISTER_HEADER, [])  # 发展党员: none (tests/development/test_export.py)
    files["development_steps.csv"] = to_csv(STEPS_HEADER, [])
    return files


@pytest.mark.slow
async def test_streamed_files_are_the_files_built_from_whole_lists(opened: Store) -> None:
    tree = OrgTree.of(await opened.units.all())
    branch = next(u.id for u in tree.units.values() if u.kind == "branch")
    group = next(u.id for u in tree.units.values() if u.kind == "group")
    for units in (None, tree.subtree(branch), set(tree.units), {group}, set()):
        streamed = await export_files(opened, units)
        assert list(streamed) == [
            "members.csv",
            "status_reports.csv",
            "thought_reports.csv",
            "duty_logs.csv",
            "notices.csv",
            "attendance.csv",
            "resolutions.csv",
            "households.csv",
            "visits.csv",
            "requests.csv",
            "posts.csv",
            "duty_accounts.csv",
            "duty_publicity.csv",
            "care_cases.csv",
            "care_visits.csv",
            "dues_rules.csv",
            "dues_payments.csv",
            "talks.csv",
            "appraisal.csv",
            "rectify_items.csv",
            "pledges.csv",
            "publicity_items.csv",
            "development.csv",
            "development_steps.csv",
        ]
        assert streamed == await from_lists(opened, units), units
    everything = await export_files(opened)
    assert all(data.startswith(b"\xef\xbb\xbf") for data in everything.values())
    members = everything["members.csv"].decode("utf-8-sig")
    assert "'=1+1" in members and "'-3号楼" in members and "'@二单元" in members  # formulas stay text
    assert "'=生病住院" in everything["attendance.csv"].decode("utf-8-sig")


# ------------------------------------------------------------------------- reads of one chunk at most
def rows_in(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def reads(monkeypatch: pytest.MonkeyPatch, out: Path) -> tuple[list[int], list[int]]:
    """Record how many rows each read from SQLite returned, whichever way it read, and how many bytes the
    export had written to `out` when the read was asked for."""
    sizes: list[int] = []
    written: list[int] = []

    def recorded(name: str, cls: type) -> None:
        original = getattr(cls, name)

        async def read(self: Any, *args: Any, **kwargs: Any) -> Any:
            written.append(sum(path.stat().st_size for path in out.glob("*.csv")))
            rows = await original(self, *args, **kwargs)
            sizes.append(len(rows))
            return rows

        monkeypatch.setattr(cls, name, read)

    for name, cls in (
        ("fetchmany", aiosqlite.Cursor),
        ("fetchall", aiosqlite.Cursor),
        ("execute_fetchall", aiosqlite.Connection),
    ):
        recorded(name, cls)
    return sizes, written


@pytest.mark.slow
def test_a_10000_member_export_reads_through_cursors_a_chunk_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "big.sqlite3"
    dataset().build(database, members=10_000, months=3, end=END)
    with sqlite3.connect(database) as conn:
        expected = {
            name: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in (
                ("members.csv", "members"),
                ("status_reports.csv", "status_reports"),
                ("thought_reports.csv", "thought_reports"),
                ("duty_logs.csv", "duty_logs"),
                ("notices.csv", "notices"),
                ("attendance.csv", "notice_members"),
                ("resolutions.csv", "minute_resolutions"),
                ("households.csv", "households"),
                ("visits.csv", "visits"),
                ("requests.csv", "requests"),
                ("posts.csv", "posts"),
                ("duty_accounts.csv", "post_accounts"),
                ("duty_publicity.csv", "post_publicity"),
                ("care_cases.csv", "care_cases"),
                ("care_visits.csv", "care_visits"),
                ("dues_rules.csv", "dues_rules"),
                ("dues_payments.csv", "dues_payments"),
                ("talks.csv", "talks"),
                ("appraisal.csv", "appraisals"),  # none in the data set: a row per member of each 评议
                ("rectify_items.csv", "rectify_items"),
                ("pledges.csv", "pledges"),
                ("publicity_items.csv", "publicity_items"),
                ("development.csv", "development"),
                ("development_steps.csv", "development_steps"),
            )
        }
    assert expected["members.csv"] == 10_000 and expected["attendance.csv"] > 20_000
    sizes, written_before = reads(monkeypatch, tmp_path / "out")

    async def export() -> list[Path]:
        store = await open_store(database)
        try:
            return await export_to_dir(store, tmp_path / "out")
        finally:
            await store.close()

    written = asyncio.run(export())
    assert {path.name: rows_in(path) for path in written} == expected
    assert max(sizes) <= STREAM_CHUNK  # no read returned a whole table: every file came through a cursor
    assert sum(sizes) >= sum(expected.values())
    # Rows reach the files while the cursors are still being read: had a file's rows been gathered in a list
    # first, the bytes on disk would only change between files (six values), not between chunks.
    assert len(set(written_before)) > 60, sorted(set(written_before))


# ------------------------------------------------------------------------- one snapshot, read-only, closable
async def test_the_snapshot_does_not_see_later_writes_and_cannot_write(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    migrant = await store.members.by_telegram_id(MIGRANT)
    assert migrant is not None
    async with store.db.snapshot() as db:
        frozen = Store(db)
        assert [r async for r in frozen.reports.each_status()] == []
        await store.reports.add_status(migrant.id, "away_work", "东莞", None, END)  # the bot writes meanwhile
        assert [r async for r in frozen.reports.each_status()] == []
        with pytest.raises(sqlite3.OperationalError):
            await db.conn.execute("DELETE FROM members")
    [(report, name, _)] = [r async for r in store.reports.each_status()]
    assert report.location == "东莞" and name == migrant.name


async def test_a_stream_left_early_closes_its_cursor(opened: Store) -> None:
    async with opened.db.snapshot() as db:
        async with aclosing(db.stream("SELECT id FROM members ORDER BY id", chunk=10)) as rows:
            first = [row[0] async for row, _ in zip_first(rows, 15)]
        assert first == list(range(1, 16))
        again = await db.fetchone("SELECT count(*) FROM members")
        assert again is not None and again[0] == 2_000
    assert asyncio.all_tasks() == {asyncio.current_task()}  # no fetch left running


async def zip_first(rows: AsyncIterator[aiosqlite.Row], count: int) -> AsyncIterator[tuple[aiosqlite.Row, int]]:
    n = 0
    async for row in rows:
        yield row, n
        n += 1
        if n == count:
            return


# ------------------------------------------------------------------------- /export through the bot
async def test_export_sends_the_files_from_disk_and_removes_them(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    await harness.user(MIGRANT).send("/status away_work | 东莞 | 工厂")
    await harness.user(MIGRANT).expect("已报备")
    secretary = harness.user(SECRETARY)
    await secretary.send("/export")
    await secretary.expect("正在导出")
    sent: dict[str, bytes] = {}
    while (message := await secretary.next_message()).kind == "document":
        assert message.document_name is not None and message.document_bytes is not None
        sent[message.document_name] = message.document_bytes
    assert "导出完成" in message.text and f"共 {len(EXPORTS) + 1} 个文件" in message.text  # the CSV files, the ledger
    [workbook] = [name for name in sent if name.endswith(".xlsx")]
    assert workbook.startswith("台账-一村党支部-") and sent.pop(workbook).startswith(b"PK")  # exports/test_xlsx*.py
    me = await harness.store.members.by_telegram_id(SECRETARY)
    assert me is not None
    units = OrgTree.of(await harness.store.units.all()).subtree(me.unit_id)
    assert sent == await export_files(harness.store, units, tz=harness.settings.tz)
    assert "东莞".encode() in sent["status_reports.csv"]
    assert list(temporary.iterdir()) == []  # the export's private folder is gone


async def test_a_file_too_big_for_telegram_is_named_not_sent(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Telegram takes 50 MB at most from a bot: a larger file is left out and the secretary told which and how to
    get it (here the limit is lowered so that the members list and the workbook are over it)."""
    from bot.services.exports import export as export_service

    monkeypatch.setattr(export_service, "UPLOAD_LIMIT", 4000)
    secretary = harness.user(SECRETARY)
    await secretary.send("/export")
    await secretary.expect("正在导出")
    sent: list[str] = []
    while (message := await secretary.next_message()).kind == "document":
        assert message.document_name is not None
        sent.append(message.document_name)
    assert "导出完成" in message.text and f"共 {len(sent)} 个文件" in message.text
    warning = await secretary.expect("太大")
    left_out = [name for name in warning.text.split("：", 1)[1].split("。")[0].split("、")]
    assert left_out and not set(left_out) & set(sent)
    assert any(name.endswith(".xlsx") for name in left_out)  # the workbook is well over 4000 bytes
    assert "python -m bot export" in warning.text
    assert len(sent) + len(left_out) == len(EXPORTS) + 1
