"""Roster import (docs/PRODUCT.md §2): validation names the line, nothing is written on error, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services.members.roster import RosterConflict, apply_roster, parse_roster
from bot.store import Store
from tests.support.harness import BAIMIAO, SMALL_ROSTER, load_roster
from tests.support.roster import run_cli

HEADER = "name,branch,group,category,roles,telegram_id,liaison,posts,report_cadence,migrant_since\n"


def errors_of(text: str) -> list[tuple[int, str, str]]:
    rows, errors = parse_roster(text)
    assert not rows
    return [(e.line, e.column, e.key) for e in errors]


def test_chinese_and_english_values_are_accepted() -> None:
    rows, errors = parse_roster(
        HEADER
        + "甲,一村党支部,,流动,书记;liaison,,,治安巡逻岗;调解,季度,2025-01-05\n"
        + "乙,一村党支部,,migrant,,,甲,patrol,,\n"
    )
    assert not errors
    first, second = rows
    assert first.category == "migrant" and first.roles == {"secretary", "liaison"}
    assert first.posts == {"patrol", "mediation"} and first.report_cadence == "quarterly"
    assert second.report_cadence == "quarterly"  # REPORT_CADENCE_DEFAULT for migrants


def test_bad_rows_are_named_by_line_and_column() -> None:
    found = errors_of(
        HEADER
        + "甲,一村党支部,,在家,,,,,,\n"
        + "乙,一村党支部,,飞行员,,,,,,\n"
        + ",一村党支部,,在家,,,,,,\n"
        + "丙,一村党支部,,在家,,12ab,,,,\n"
        + "丁,一村党支部,,流动,,,,,,2025-13-01\n"
        + "戊,一村党支部,,在家,,,不存在的人,,,\n"
        + "甲,一村党支部,,在家,,,,,,\n"
    )
    assert (3, "category", "roster.err.category") in found
    assert (4, "name", "roster.err.required") in found
    assert (5, "telegram_id", "roster.err.telegram_id") in found
    assert (6, "migrant_since", "roster.err.date") in found
    assert (7, "liaison", "roster.err.liaison") in found
    assert (8, "name", "roster.err.duplicate") in found


def test_unknown_column_is_refused() -> None:
    assert errors_of("name,liasion\n甲,乙\n") == [(1, "liasion", "roster.err.unknown_column")]


def test_bom_is_accepted() -> None:
    rows, errors = parse_roster("\ufeff" + HEADER + "甲,,,在家,,,,,,\n")
    assert not errors and rows[0].name == "甲" and rows[0].branch == ""


async def test_baimiao_roster_imports_and_reimport_changes_nothing(store: Store) -> None:
    rows, errors = parse_roster(BAIMIAO.read_text(encoding="utf-8"))
    assert not errors
    first = await apply_roster(store, rows, "白庙社区党委")
    assert (first.created, first.updated, first.unchanged) == (58, 0, 0)
    assert (first.developing, first.dues_set) == (2, 4)  # 王小明 and 李晓燕 are not members; four dues rules
    again = await apply_roster(store, rows, "白庙社区党委")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 58)
    assert again.dues_set == 0
    members = await store.members.all()
    by_name = {m.name: m for m in members}
    assert by_name["梁立新"].liaison_id == by_name["向思远"].id
    assert by_name["彭国华"].roles == {"secretary", "liaison"}
    units = await store.units.all()
    assert sorted(u.name for u in units if u.kind == "branch") == ["李庄村党支部", "河湾村党支部", "白庙村党支部"]


async def test_changed_row_updates_its_member(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    text = SMALL_ROSTER.read_text(encoding="utf-8").replace("周普通,二村党支部,,在家", "周普通,二村党支部,,流动")
    rows, errors = parse_roster(text)
    assert not errors
    summary = await apply_roster(store, rows, "测试社区党委")
    assert (summary.created, summary.updated) == (0, 1)
    member = (await store.members.named("周普通"))[0]
    assert member.category == "migrant" and member.report_cadence == "quarterly"


@pytest.mark.slow
def test_cli_bad_row_writes_nothing_and_names_the_line(tmp_path: Path) -> None:
    good = run_cli(tmp_path, "import-roster", str(SMALL_ROSTER))
    assert good.returncode == 0, good.stderr
    assert "12 created" in good.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(
        SMALL_ROSTER.read_text(encoding="utf-8").replace("周普通,二村党支部,,在家", "周普通,二村党支部,,xyz")
        + "新人,二村党支部,,在家,,,,,,,,\n",
        encoding="utf-8",
    )
    result = run_cli(tmp_path, "import-roster", str(bad))
    assert result.returncode == 1
    assert "line 10, column category" in result.stdout
    again = run_cli(tmp_path, "import-roster", str(SMALL_ROSTER))
    assert "0 created, 0 updated, 12 unchanged" in again.stdout  # 新人 was not written


@pytest.mark.slow
def test_cli_run_without_token_exits_with_one_clear_line(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "run", env={"BOT_TOKEN": ""})
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [
        "BOT_TOKEN is not set: put the token from @BotFather in .env or the environment (see .env.example)."
    ]


@pytest.mark.slow
def test_cli_database_is_private(tmp_path: Path) -> None:
    run_cli(tmp_path, "import-roster", str(SMALL_ROSTER))
    assert (tmp_path / "cli.sqlite3").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_cli_invites_export_and_backup(tmp_path: Path) -> None:
    run_cli(tmp_path, "import-roster", str(SMALL_ROSTER))
    invites = run_cli(tmp_path, "invites", "--bot-username", "zhibu_bot")
    lines = [line for line in invites.stdout.splitlines() if "https://t.me/zhibu_bot?start=" in line]
    assert len(lines) == 12  # nobody has written to the bot yet
    assert invites.stdout == run_cli(tmp_path, "invites", "--bot-username", "zhibu_bot").stdout
    exported = run_cli(tmp_path, "export", str(tmp_path / "out"))
    assert exported.returncode == 0
    data = (tmp_path / "out" / "members.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "王书记".encode() in data
    backup = run_cli(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
    assert backup.returncode == 0 and "ok" in backup.stdout


def test_cli_reads_a_gbk_roster_as_excel_saves_it(tmp_path: Path) -> None:
    """Issue 30 item 9: Excel's 「CSV（逗号分隔）」 in Chinese is GBK; it imports, and the secretary is told how
    it was read. A file in no Chinese spreadsheet encoding is refused with how to save it as UTF-8."""
    gbk = tmp_path / "名册-gbk.csv"
    gbk.write_bytes((Path(__file__).parents[1] / "data" / "org.csv").read_text(encoding="utf-8").encode("gbk"))
    result = run_cli(tmp_path, "import-roster", str(gbk), env={"DEFAULT_LANGUAGE": "zh"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "这个文件是 GBK 编码" in result.stdout and "新增 9 人" in result.stdout
    binary = tmp_path / "名册.xlsx.csv"
    binary.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
    refused = run_cli(tmp_path, "import-roster", str(binary), env={"DEFAULT_LANGUAGE": "zh"})
    assert refused.returncode == 1
    assert "CSV UTF-8（逗号分隔）" in refused.stdout and "Traceback" not in refused.stderr


def test_cli_lists_fifty_problems_then_counts_the_rest(tmp_path: Path) -> None:
    rows = "".join(f"党员{n},一村党支部,,不知道,,,,,,,,\n" for n in range(70))
    bad = tmp_path / "bad.csv"
    bad.write_text(SMALL_ROSTER.read_text(encoding="utf-8").splitlines()[0] + "\n" + rows, encoding="utf-8")
    result = run_cli(tmp_path, "import-roster", str(bad), env={"DEFAULT_LANGUAGE": "zh"})
    assert result.returncode == 1
    listed = [line for line in result.stdout.splitlines() if line.startswith("  ")]
    assert len(listed) == 50 and "第 51 行" in listed[-1]
    assert "还有 20 处问题没有列出（一共 70 处）" in result.stdout


async def test_a_taken_telegram_id_past_the_first_chunk_names_its_line_and_writes_nothing(store: Store) -> None:
    """The import runs a chunk of rows per hand-over to the database thread: a conflict in a later chunk still
    names its own line, and nothing of the earlier chunks is kept."""
    await apply_roster(store, parse_roster("name,branch,telegram_id\n老党员,二村党支部,90001\n")[0], "测试社区党委")
    before = len(await store.members.all())
    lines = ["name,branch,telegram_id"] + [f"党员{i:04d},一村党支部,{80000 + i}" for i in range(1200)]
    lines[1101] = "新党员,一村党支部,90001"  # line 1102 of the file: 老党员 of 二村 holds this id
    rows, errors = parse_roster("\n".join(lines) + "\n")
    assert not errors
    with pytest.raises(RosterConflict) as clash:
        await apply_roster(store, rows, "测试社区党委")
    assert clash.value.error.key == "roster.err.id_taken" and clash.value.error.params == {"other": "老党员"}
    assert clash.value.error.line == 1102
    assert len(await store.members.all()) == before
    lines[1101] = "新党员,一村党支部,"
    summary = await apply_roster(store, parse_roster("\n".join(lines) + "\n")[0], "测试社区党委")
    assert (summary.created, summary.updated, summary.unchanged) == (1200, 0, 0)
    again = await apply_roster(store, parse_roster("\n".join(lines) + "\n")[0], "测试社区党委")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1200)
