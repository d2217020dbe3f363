"""`python -m bot import-households`: Chinese and English headers, all-or-nothing, idempotent, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain.models import Member, Unit
from bot.domain.rights import OrgTree
from bot.services.households.importing import apply_households, match_members, parse_households
from bot.services.kernel import csv_files
from bot.store import Store
from tests.support.harness import SMALL_ROSTER, load_roster
from tests.support.households import HOUSEHOLDS, load_households
from tests.support.roster import run_cli

ENGLISH = """head,building,unit,room,phone,people,member,branch,note
李大爷,1号楼,1单元,101,13900000001,2,李联络,,独居老人
Old Chen,3号楼,,9,,,王书记,一村党支部,
"""


async def count(store: Store) -> int:
    row = await store.db.fetchone("SELECT count(*) FROM households")
    assert row is not None
    return int(row[0])


async def test_chinese_headers_import_and_again_changes_nothing(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    rows, errors = parse_households(HOUSEHOLDS.read_text(encoding="utf-8"))
    assert errors == []
    summary, problems = await apply_households(store, rows)
    assert problems == [] and (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    again, _ = await apply_households(store, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    household = (await store.households.headed("李大爷"))[0]
    assert (household.building, household.entrance, household.room, household.people) == ("1号楼", "1单元", "101", 2)
    assert household.member_name == "李联络" and household.note == "独居老人"


async def test_english_headers_and_an_edit_updates(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    await load_households(store)
    rows, errors = parse_households(ENGLISH)
    assert errors == []
    summary, problems = await apply_households(store, rows)
    assert problems == [] and (summary.created, summary.updated, summary.unchanged) == (1, 0, 1)
    assert summary.unlisted == 3  # it lists 1 of the 4 households there were: the other 3 are kept, not deleted
    edited = ENGLISH.replace("13900000001,2,李联络", "13900000001,3,赵巡逻")
    summary, _ = await apply_households(store, parse_households(edited)[0])
    assert (summary.created, summary.updated) == (0, 1)
    assert (await store.households.headed("李大爷"))[0].member_name == "赵巡逻"
    assert await count(store) == 5


async def test_a_bad_file_writes_nothing_and_names_every_problem(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    text = (
        "户主,楼栋,单元,房号,电话,人口,联户党员,备注\n"
        "李大爷,1号楼,1单元,101,13900000001,三口,李联络,\n"
        ",1号楼,1单元,102,,2,李联络,\n"
        "王奶奶,1号楼,2单元,202,电话坏了,1,李联络,\n"
        "赵大叔,2号楼,1单元,301,,4,赵巡逻,\n"
        "赵大叔,2号楼,1单元,301,,2,李联络,\n"
    )
    rows, errors = parse_households(text)
    assert rows == []
    found = [(e.line, e.column, e.key) for e in errors]
    assert (2, "people", "households.err.people") in found
    assert (3, "head", "households.err.required") in found
    assert (4, "phone", "households.err.phone") in found
    assert (6, "head", "households.err.duplicate") in found
    assert await count(store) == 0


async def test_an_unknown_member_refuses_the_whole_file(store: Store) -> None:
    await load_roster(store, SMALL_ROSTER)
    text = HOUSEHOLDS.read_text(encoding="utf-8") + "马大姐,9号楼,,1,,1,没这人,,\n"
    rows, errors = parse_households(text)
    assert errors == []
    _, problems = await apply_households(store, rows)
    assert [(p.line, p.column, p.key) for p in problems] == [(6, "member", "households.err.no_member")]
    assert await count(store) == 0


def test_a_shared_name_needs_the_branch() -> None:
    tree = OrgTree.of(
        [
            Unit(id=1, parent_id=None, kind="committee", name="社区党委"),
            Unit(id=2, parent_id=1, kind="branch", name="一村党支部"),
            Unit(id=3, parent_id=1, kind="branch", name="二村党支部"),
        ]
    )
    members = [Member(id=10, name="张伟", unit_id=2), Member(id=11, name="张伟", unit_id=3)]
    rows, _ = parse_households("户主,联户党员,支部\n甲,张伟,\n乙,张伟,二村党支部\n丙,张伟,三村\n")
    found, errors = match_members(rows, members, tree)
    assert found[3].id == 11
    assert [(e.line, e.key) for e in errors] == [
        (2, "households.err.same_name"),
        (4, "households.err.no_member_in_branch"),
    ]
    assert "一村党支部、二村党支部" in errors[0].params["branches"]


@pytest.mark.parametrize(
    "header, key",
    [
        ("户主,楼栋,邮编,联户党员", "households.err.unknown_column"),
        ("户主,楼栋,head,联户党员", "households.err.repeated_column"),
        ("户主,楼栋", "households.err.missing_column"),
    ],
)
def test_bad_headers(header: str, key: str) -> None:
    rows, errors = parse_households(header + "\n李大爷,1号楼,李联络\n")
    assert rows == [] and [e.key for e in errors] == [key]


@pytest.mark.slow
def test_the_command_line(tmp_path: Path) -> None:
    zh = {"DEFAULT_LANGUAGE": "zh"}
    assert run_cli(tmp_path, "import-roster", str(SMALL_ROSTER)).returncode == 0
    good = run_cli(tmp_path, "import-households", str(HOUSEHOLDS), env=zh)
    assert good.returncode == 0, good.stderr
    assert "新增 4 户" in good.stdout
    again = run_cli(tmp_path, "import-households", str(HOUSEHOLDS), env=zh)
    assert "未变 4 户" in again.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("户主,人口,联户党员\n李大爷,三口,李联络\n", encoding="utf-8")
    result = run_cli(tmp_path, "import-households", str(bad), env=zh)
    assert result.returncode == 1
    assert "没有写入任何内容" in result.stdout and "第 2 行「人口」" in result.stdout
    assert "户主,楼栋,单元,房号" in result.stdout  # an example of a good file
    english = run_cli(tmp_path, "import-households", str(bad))
    assert "Line 2, column people" in english.stdout and "head,building,unit,room" in english.stdout


def test_a_gbk_households_file_imports_and_too_big_a_file_is_refused(tmp_path: Path) -> None:
    """Issue 30 item 9: the households list as Excel saves it in Chinese (GBK) imports; a file over the cap
    is refused before anything is read into the database."""
    zh = {"DEFAULT_LANGUAGE": "zh"}
    assert run_cli(tmp_path, "import-roster", str(SMALL_ROSTER)).returncode == 0
    gbk = tmp_path / "联户-gbk.csv"
    gbk.write_bytes(HOUSEHOLDS.read_text(encoding="utf-8").encode("gb18030"))
    good = run_cli(tmp_path, "import-households", str(gbk), env=zh)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "这个文件是 GBK 编码" in good.stdout and "新增 4 户" in good.stdout
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"head,member\n" + b"x,y\n" * (csv_files.MAX_BYTES // 4 + 1))
    refused = run_cli(tmp_path, "import-households", str(huge), env=zh)
    assert refused.returncode == 1 and "文件太大了（超过 5 MB）" in refused.stdout


def test_a_long_list_of_problems_stops_at_fifty_with_a_count(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("户主,人口,联户党员\n" + "".join(f"住户{n},三口,李联络\n" for n in range(55)), encoding="utf-8")
    result = run_cli(tmp_path, "import-households", str(bad), env={"DEFAULT_LANGUAGE": "zh"})
    assert result.returncode == 1
    assert sum(line.startswith("  第") for line in result.stdout.splitlines()) == 50
    assert "还有 5 处问题没有列出（一共 55 处）" in result.stdout
    assert "户主,楼栋,单元,房号" in result.stdout  # the example still follows


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("户主,联户党员\n李大爷,李联络\n".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "户主\n李大爷\n".encode(), "utf-8"),
        ("户主,联户党员\n李大爷,李联络\n".encode("gbk"), "gb18030"),
        ("户主\n𠮷大爷\n".encode("gb18030"), "gb18030"),  # outside GBK: GB18030 has it
        ("户主\n李大爷\n".encode("utf-16"), "utf-16"),  # Excel's 「Unicode 文本」
    ],
)
def test_the_encodings_chinese_spreadsheets_save(data: bytes, encoding: str) -> None:
    decoded = csv_files.decode_table(data)
    assert decoded.encoding == encoding and "户主" in decoded.text and "\ufeff" not in decoded.text


def test_what_cannot_be_read_is_refused_with_a_reason() -> None:
    for data, reason in (
        ("户主\n李大爷\n".encode("utf-16-le"), "encoding"),  # no BOM: NULs everywhere
        (b"PK\x03\x04\x14\x00" + bytes(range(256)), "encoding"),  # an .xlsx renamed
        (b"a" * (csv_files.MAX_BYTES + 1), "too_big"),
    ):
        with pytest.raises(csv_files.Unreadable) as refused:
            csv_files.decode_table(data)
        assert refused.value.reason == reason
    assert csv_files.decode_table(b"a" * csv_files.MAX_BYTES).encoding == "utf-8"  # the cap itself is taken
    assert csv_files.shown_and_more(list(range(50))) == (list(range(50)), 0)
    assert csv_files.shown_and_more(list(range(51))) == (list(range(50)), 1)
