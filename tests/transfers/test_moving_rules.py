"""The rules of the rest of issue 27, each threshold on both sides: the 流动党员活动证's reminder stage, 学时
figures and the yearly requirement, and the roster's member-file columns (身份证号 checked, kept only with
STORE_ID_NUMBERS, never repeated in a problem)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from bot.i18n import t
from bot.services.members.roster import parse_roster
from bot.services.members.roster_details import birth, id_number_ok, masked
from bot.services.members.roster_import import apply_roster
from bot.services.transfers.rules import CARD_NOTICE_DAYS, card_stage
from bot.services.transfers.study_rules import meeting_hours, parse_hours, short
from bot.store import Store
from tests.support.roster import run_cli

TODAY = date(2026, 11, 30)
GOOD_ID = "110105195803120010"
HEADER = "姓名,支部,类别,性别,出生年月,民族,学历,身份证号,工作单位,家庭住址,流入地,流入地党组织,活动证号,活动证有效期至"


def test_card_reminder_from_thirty_days_before_to_its_last_day_then_expired() -> None:
    until = date(2026, 6, 30)
    assert card_stage(until, until - timedelta(days=CARD_NOTICE_DAYS + 1)) is None
    assert card_stage(until, until - timedelta(days=CARD_NOTICE_DAYS)) == "soon"
    assert card_stage(until, until) == "soon"  # still valid on its last day
    assert card_stage(until, until + timedelta(days=1)) == "expired"


def test_study_hours_and_the_yearly_requirement() -> None:
    assert meeting_hours("lecture", None) == 2 and meeting_hours("partyday", None) == 2
    assert meeting_hours("general", None) == 0 and meeting_hours("general", 3) == 3
    assert meeting_hours("lecture", 0) == 0  # the convener said: not a study meeting
    assert short(31.5, 32) and not short(32, 32)
    assert parse_hours("2", most=8) == 2 and parse_hours("1.5学时", most=8) == 1.5
    assert parse_hours("8", most=8) == 8 and parse_hours("8.5", most=8) is None
    assert parse_hours("0", most=8) is None and parse_hours("0", most=8, zero=True) == 0
    assert parse_hours("1.3", most=8) is None and parse_hours("两", most=8) is None


def test_id_number_check_digit_and_birth() -> None:
    assert id_number_ok(GOOD_ID) and id_number_ok("11010519600101005x")  # x read as X
    assert not id_number_ok("110105195803120011")  # check digit wrong
    assert not id_number_ok("11010519581312001X")  # month 13
    assert not id_number_ok("11010519580312001")  # 17 characters
    assert masked(GOOD_ID) == "110***********0010"
    assert birth("1958-3") == "1958-03" and birth("1958年3月") == "1958-03" and birth("1958-03-12") == "1958-03"


def rows(text: str, store_ids: bool) -> tuple[list[object], list[object]]:
    found, errors = parse_roster(text, TODAY, store_ids=store_ids)
    return list(found), list(errors)


def test_member_file_columns_read_in_chinese_and_english() -> None:
    line = f"张流动,一村党支部,流动,男,1958-03,汉族,初中,{GOOD_ID},个体,3组,长安镇,中共长安镇委员会,LD-1,2027-06-30"
    found, errors = parse_roster(f"{HEADER}\n{line}\n", TODAY, store_ids=True)
    assert not errors
    details = dict(found[0].details)
    assert details["id_number"] == GOOD_ID and details["inflow_org"] == "中共长安镇委员会"
    assert details["birth"] == "1958-03" and details["card_until"] == "2027-06-30"
    without, errors = parse_roster(f"{HEADER}\n{line}\n", TODAY)
    assert not errors and "id_number" not in dict(without[0].details)  # STORE_ID_NUMBERS false: ignored unread
    english = "name,gender,id_number,inflow_place\n甲,female,,广州\n"
    found, errors = parse_roster(english, TODAY, store_ids=True)
    assert not errors and dict(found[0].details) == {"gender": "女", "inflow_place": "广州"}


def test_bad_member_file_cells_are_named_and_the_id_number_never_repeated() -> None:
    bad_id = "110105195803120011"
    line = f"甲,一村党支部,在家,男人,1958-13,汉,高中,{bad_id},,,,,,2020-13-01"
    _, errors = parse_roster(f"{HEADER}\n{line}\n", TODAY, store_ids=True)
    assert [(e.column, e.key) for e in errors] == [
        ("gender", "roster.err.gender"),
        ("birth", "roster.err.birth"),
        ("id_number", "roster.err.id_number"),
        ("card_until", "roster.err.date"),
    ]
    for e in errors:
        for lang in ("zh", "en"):
            assert bad_id not in t(lang, e.key, **e.params)
            assert bad_id not in repr(e)
    _, errors = parse_roster(f"{HEADER}\n{line}\n", TODAY, store_ids=False)
    assert "id_number" not in [e.column for e in errors]  # not read at all when it is not kept
    two = "姓名,活动证发放日期,活动证有效期至\n甲,2026-06-30,2026-06-30\n"
    _, errors = parse_roster(two, TODAY)
    assert [(e.column, e.key) for e in errors] == [("card_until", "roster.err.card_until")]
    assert not parse_roster("姓名,活动证发放日期,活动证有效期至\n甲,2026-06-29,2026-06-30\n", TODAY)[1]


async def test_import_writes_exactly_the_rows_fields_and_reads_leave_the_id_out(store: Store) -> None:
    line = (
        f"张流动,一村党支部,流动,男,1958-03,汉族,初中,{GOOD_ID},个体,白庙村3组,东莞市长安镇,长安镇党委,LD-1,2027-06-30"
    )
    found, _ = parse_roster(f"{HEADER}\n{line}\n", TODAY, store_ids=True)
    await apply_roster(store, found, "测试社区党委")
    [member] = await store.members.named("张流动")
    details = await store.moving.details(member.id)
    assert details["ethnicity"] == "汉族" and "id_number" not in details
    assert GOOD_ID not in str(await store.moving.details_of([member.id]))
    assert await store.moving.id_number(member.id) == GOOD_ID
    [card] = await store.moving.cards()
    assert card.number == "LD-1" and card.until == date(2027, 6, 30)
    found, _ = parse_roster(f"{HEADER}\n{line}\n", TODAY, store_ids=False)
    await apply_roster(store, found, "测试社区党委")
    assert await store.moving.id_number(member.id) is None  # turned off: the next import removes it
    assert (await store.moving.details(member.id))["ethnicity"] == "汉族"


async def test_cli_keeps_id_numbers_only_with_the_setting_and_never_prints_one(tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(f"姓名,支部,身份证号\n甲,一村党支部,{GOOD_ID}\n", encoding="utf-8")

    async def kept() -> str | None:
        store = await Store.open(tmp_path / "cli.sqlite3")
        try:
            [member] = await store.members.named("甲")
            return await store.moving.id_number(member.id)
        finally:
            await store.close()

    assert run_cli(tmp_path, "import-roster", str(roster)).returncode == 0
    assert await kept() is None  # STORE_ID_NUMBERS defaults to false
    done = run_cli(tmp_path, "import-roster", str(roster), env={"STORE_ID_NUMBERS": "true"})
    assert done.returncode == 0 and GOOD_ID not in done.stdout + done.stderr
    assert await kept() == GOOD_ID
    assert run_cli(tmp_path, "import-roster", str(roster), env={"STORE_ID_NUMBERS": "false"}).returncode == 0
    assert await kept() is None  # turned off: removed
    bad = GOOD_ID[:-1] + "1"
    roster.write_text(f"姓名,支部,身份证号\n甲,一村党支部,{bad}\n", encoding="utf-8")
    refused = run_cli(tmp_path, "import-roster", str(roster), env={"STORE_ID_NUMBERS": "true"})
    assert refused.returncode == 1 and "check digit" in refused.stdout + refused.stderr
    assert bad not in refused.stdout + refused.stderr
