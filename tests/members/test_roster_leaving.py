"""Leaving the roster (issue 10, item 4): members in the database but not in the file are reported and left
alone, or deactivated with --deactivate-missing — no rights, nothing sent, not expected, history kept and
exported with their state — and active again when the file lists them again."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.domain.models import Member
from bot.services import registry as core
from bot.services.exports.export import export_files
from bot.services.members.roster import ImportSummary, RosterConflict, apply_roster, parse_roster
from bot.store import Store
from bot.store.outbox import Outgoing
from tests.support.harness import OTHER_SECRETARY, PLAIN, SECRETARY, SMALL_ROSTER, Harness, link_all, load_roster
from tests.support.roster import run_cli

FULL = SMALL_ROSTER.read_text(encoding="utf-8")
COMMUNITY = "测试社区党委"


def without(*names: str, text: str = FULL) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if line.split(",")[0] not in names)


async def apply(store: Store, text: str, deactivate: bool = False) -> ImportSummary:
    rows, errors = parse_roster(text)
    assert not errors, errors
    return await apply_roster(store, rows, COMMUNITY, deactivate_missing=deactivate)


async def member(store: Store, name: str) -> Member:
    found = [m for m in await store.members.all() if m.name == name]
    assert len(found) == 1
    return found[0]


async def test_missing_members_are_reported_and_nothing_changes_for_them(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    before = await store.members.all()
    summary = await apply(store, without("周普通", "吴未绑定"))
    assert [(m.name, m.unit) for m in summary.missing] == [("吴未绑定", "一村党支部 · 一组"), ("周普通", "二村党支部")]
    assert summary.deactivated == 0 and summary.unchanged == 10
    assert await store.members.all() == before


async def test_deactivated_members_lose_every_right_and_list_and_keep_their_history(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    gone = await member(store, "孙书记")
    await store.reports.add_status(gone.id, "home", None, None, datetime(2026, 1, 5, tzinfo=ZoneInfo("UTC")))
    code = await store.invites.code_for(gone.id)
    await store.outbox.enqueue(
        [Outgoing(key="test:1", kind="reminder", chat_id=OTHER_SECRETARY, text="提醒", member_id=gone.id)]
    )
    summary = await apply(store, without("孙书记", "周普通"), deactivate=True)
    assert summary.deactivated == 2 and len(summary.missing) == 2

    after = await store.members.get(gone.id)
    assert after is not None and not after.active and after.deactivated_at is not None
    assert after.roles == frozenset() and after.posts == frozenset()
    assert after.telegram_id == OTHER_SECRETARY  # kept: refused while inactive, back if listed again
    assert await store.members.by_telegram_id(OTHER_SECRETARY) is None
    assert await store.members.by_telegram_id(OTHER_SECRETARY, include_inactive=True) == after
    names = {m.name for m in await store.members.in_units(range(1, 100))}
    assert "孙书记" not in names and "周普通" not in names and "王书记" in names
    assert {m.name for m in await store.members.in_units(range(1, 100), include_inactive=True)} >= {"孙书记"}
    assert await store.members.named("孙书记") == []
    assert "孙书记" not in {m.name for m in await store.members.with_role("secretary")}
    assert "孙书记" not in {m.name for m in await store.members.unlinked()}
    assert gone.id not in await store.members.roles_by_member()
    row = await store.db.fetchone("SELECT status FROM outbox WHERE key = 'test:1'")
    assert row is not None and row[0] == "cancelled"
    row = await store.db.fetchone("SELECT used_at FROM invites WHERE code = ?", (code,))
    assert row is not None and row[0] is not None
    assert len(await store.reports.all_status([gone.id])) == 1

    again = await apply(store, without("孙书记", "周普通"), deactivate=True)
    assert again.missing == [] and again.deactivated == 0 and again.unchanged == 10


async def test_a_member_listed_again_is_active_again_with_the_files_roles(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    await apply(store, without("孙书记"), deactivate=True)
    summary = await apply(store, FULL)
    assert summary.reactivated == 1 and summary.updated == 1 and summary.created == 0
    back = await store.members.by_telegram_id(OTHER_SECRETARY)
    assert back is not None and back.active and back.deactivated_at is None and back.roles == {"secretary"}
    assert "孙书记" in {m.name for m in await store.members.with_role("secretary")}


async def test_the_roles_column_is_authoritative(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    text = FULL.replace("王书记,一村党支部,一组,在家,secretary,", "王书记,一村党支部,一组,在家,liaison;admin,")
    text = text.replace("李联络,一村党支部,一组,在家,liaison,", "李联络,一村党支部,一组,在家,,")
    summary = await apply(store, text)
    assert summary.updated == 2
    secretary, liaison = await store.members.by_telegram_id(SECRETARY), await store.members.by_telegram_id(1002)
    assert secretary is not None and secretary.roles == {"liaison", "admin"}
    assert liaison is not None and liaison.roles == frozenset()


async def test_a_member_who_moved_branch_takes_their_telegram_id_along(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    moved = without("周普通") + "周普通,一村党支部,一组,在家,,2002,,,,,13800000009,\n"
    with pytest.raises(RosterConflict) as clash:  # the old record still holds the id
        await apply(store, moved)
    assert clash.value.error.key == "roster.err.id_taken"
    assert len(await store.members.all()) == 12  # nothing written
    summary = await apply(store, moved, deactivate=True)
    assert summary.created == 1 and summary.deactivated == 1
    now = await store.members.by_telegram_id(PLAIN)
    assert now is not None and now.active and now.unit_id != (await member(store, "孙书记")).unit_id
    old = [m for m in await store.members.all() if m.name == "周普通" and not m.active]
    assert len(old) == 1 and old[0].telegram_id is None


async def test_members_csv_has_the_state_of_everyone(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    await apply(store, without("周普通"), deactivate=True)
    data = (await export_files(store))["members.csv"].decode("utf-8-sig")
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(data))}
    assert len(rows) == 12
    assert rows["周普通"]["state"] == "deactivated" and rows["周普通"]["deactivated_at"]
    assert rows["王书记"]["state"] == "active" and rows["王书记"]["deactivated_at"] == ""


# ------------------------------------------------------------------------------------------ through the bot


async def test_a_deactivated_member_is_refused_like_an_unknown_user(harness: Harness) -> None:
    plain = harness.user(PLAIN)
    await plain.send("/start")
    await plain.expect("周普通")
    await apply(harness.store, without("周普通", "孙书记"), deactivate=True)
    await plain.send("/start")
    reply = await plain.expect("还没有登记")
    assert "周普通" not in reply.text
    await plain.send("/status")
    await plain.expect("还没有登记")
    former = harness.user(OTHER_SECRETARY)
    await former.send("/invite Tom")
    await former.expect("还没有登记")
    await harness.nothing_more(former)


async def test_deactivated_members_are_not_listed_nor_expected(harness: Harness) -> None:
    harness.at(datetime(2026, 12, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")))  # the meeting below is still to come
    await apply(harness.store, without("吴未绑定", "钱调解"), deactivate=True)
    secretary = harness.user(SECRETARY)
    await secretary.send("/members")
    listing = await secretary.expect("一村党支部")
    assert "吴未绑定" not in listing.text and "钱调解" not in listing.text and "赵巡逻" in listing.text
    await secretary.send("/notice 党课 | 2026-12-12 15:00 | 村委会 | 学习党章")
    preview = await secretary.expect("预览")
    assert "吴未绑定" not in preview.text
    await secretary.press("发送", preview)
    await secretary.expect("已开始发送", kind="message")
    await harness.seated()
    rows = await harness.store.db.fetchall(
        "SELECT m.name FROM notice_members e JOIN members m ON m.id = e.member_id ORDER BY m.id"
    )
    assert {r[0] for r in rows} == {"王书记", "李联络", "张流动", "赵巡逻"}


# ----------------------------------------------------------------------------------------------- the CLI


@pytest.mark.slow
def test_cli_reports_the_missing_and_deactivates_them_when_asked(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "import-roster", str(SMALL_ROSTER)).returncode == 0
    short = tmp_path / "short.csv"
    short.write_text(without("周普通", "吴未绑定"), encoding="utf-8")

    listed = run_cli(tmp_path, "import-roster", str(short))
    assert listed.returncode == 0, listed.stderr
    assert "0 created, 0 updated, 10 unchanged" in listed.stdout
    assert "2 members are in the database but not in this file; nothing was changed for them:" in listed.stdout
    assert "  吴未绑定 (一村党支部 · 一组)\n" in listed.stdout and "  周普通 (二村党支部)\n" in listed.stdout
    assert "--deactivate-missing" in listed.stdout
    again = run_cli(tmp_path, "import-roster", str(short))
    assert again.stdout == listed.stdout  # nothing was changed: the same report

    done = run_cli(tmp_path, "import-roster", str(short), "--deactivate-missing")
    assert done.returncode == 0, done.stderr
    assert "Deactivated 2 members who are not in the file" in done.stdout and "周普通 (二村党支部)" in done.stdout
    quiet = run_cli(tmp_path, "import-roster", str(short), "--deactivate-missing")
    assert "not in" not in quiet.stdout and "Deactivated" not in quiet.stdout

    assert run_cli(tmp_path, "export", str(tmp_path / "out")).returncode == 0
    data = (tmp_path / "out" / "members.csv").read_text(encoding="utf-8-sig")
    states = {r["name"]: r["state"] for r in csv.DictReader(io.StringIO(data))}
    assert states["周普通"] == "deactivated" and states["王书记"] == "active"

    back = run_cli(tmp_path, "import-roster", str(SMALL_ROSTER))
    assert "0 created, 2 updated, 10 unchanged" in back.stdout
    assert "2 of them had been deactivated and are listed again: active again." in back.stdout


@pytest.mark.slow
def test_cli_refuses_a_name_of_only_invisible_characters_naming_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(FULL + "\u200b,二村党支部,,在家,,,,,,,,\n", encoding="utf-8")
    result = run_cli(tmp_path, "import-roster", str(bad))
    assert result.returncode == 1
    assert "line 14, column name: only invisible characters" in result.stdout


@pytest.mark.slow
def test_cli_reports_an_unclosed_quote_on_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    lines = FULL.splitlines(keepends=True)
    lines[4] = lines[4].replace("张流动,", '"张流动,', 1)
    bad.write_text("".join(lines), encoding="utf-8")
    result = run_cli(tmp_path, "import-roster", str(bad))
    assert result.returncode == 1
    assert "line 5: unclosed quote" in result.stdout


async def test_a_deactivated_mobile_member_is_neither_reminded_nor_escalated(store: Store, settings: Settings) -> None:
    await load_roster(store, SMALL_ROSTER)
    await link_all(store)
    gone = await member(store, "张流动")
    moment = datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # his monthly report is due and overdue
    await apply(store, without("张流动"), deactivate=True)
    await core.sweep(store, settings, moment)
    sent = "SELECT key FROM outbox UNION ALL SELECT key FROM digest_items"  # escalations wait for the digest
    rows = await store.db.fetchall(sent)
    assert not [r[0] for r in rows if f":{gone.id}:" in r[0] or r[0].endswith(f":{gone.id}")]
    await apply(store, FULL)  # listed again: reminded again
    assert await core.sweep(store, settings, moment) > 0
    rows = await store.db.fetchall(sent)
    assert [r[0] for r in rows if f":{gone.id}:" in r[0]]
    assert [r[0] for r in rows if r[0].startswith("report:escalate:") and r[0].endswith(f":{gone.id}:2026-10")]
