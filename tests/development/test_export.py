"""The register as CSV (issue 24): `/export` brings `development.csv` (one row per person, the day of each step) and
`development_steps.csv` (every step as recorded), read back here; the secretary of another branch gets neither
person, and no file carries a birth day or the 政审 conclusion."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.call import Call
from bot.emulator import EmuUser
from bot.services.development.register import development_command
from bot.services.kernel.deps import Deps
from tests.support.development import steps
from tests.support.harness import OTHER_SECRETARY, SECRETARY, Harness

TZ = ZoneInfo("Asia/Shanghai")


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=TZ)


def table(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def exported(user: EmuUser) -> dict[str, bytes]:
    await user.send("/export")
    await user.expect("正在导出")
    files: dict[str, bytes] = {}
    while (message := await user.next_message(timeout=30)).kind == "document":
        files[message.document_name] = message.document_bytes
    assert "导出完成" in message.text
    return files


async def test_the_register_is_exported_and_read_back(harness: Harness) -> None:
    me = await steps(harness.store, harness.settings)
    deps = Deps(harness.store, harness.settings)
    for day, line in (
        ("2027-04-21", "发展对象 | 2027-04-21 | 李联络、赵巡逻"),
        ("2027-05-01", "政审 | 2027-05-01 | 本人及直系亲属政治上没有问题"),
        ("2027-05-10", "培训 | 2027-05-10 | 3天"),
        ("2027-05-12", "公示 | 2027-05-12"),
    ):
        result = await development_command(deps, Call(me, at(day), "zh"), f"王小明 | {line}")
        assert (result.replies[0].html or "").startswith("已登记"), result
    harness.at(at("2027-05-12"))
    files = await exported(harness.user(SECRETARY))
    [row] = table(files["development.csv"])
    assert (row["name"], row["branch"], row["stage"], row["since"]) == (
        "王小明",
        "一村党支部",
        "candidate",
        "2027-04-21",
    )
    assert (row["applied"], row["talk"], row["activist"], row["contacts"]) == (
        "2026-03-02",
        "2026-03-20",
        "2026-04-10",
        "李联络、赵巡逻",
    )
    assert (row["candidate"], row["introducers"], row["vetting"], row["training"]) == (
        "2027-04-21",
        "李联络、赵巡逻",
        "2027-05-01",
        "2027-05-10",
    )
    assert (row["publicity"], row["publicity_ends"]) == ("2027-05-12", "2027-05-18")  # five working days
    assert row["birth_month"] == "2001-05" and row["admitted"] == "" and row["reports"] == "0"
    listed = table(files["development_steps.csv"])
    assert [s["step"] for s in listed] == ["apply", "talk", "activist", "candidate", "vetting", "training", "publicity"]
    assert listed[-1]["ends_on"] == "2027-05-18" and listed[0]["ends_on"] == ""
    vetting = listed[4]
    assert vetting["on"] == "2027-05-01" and vetting["note"] == "" and vetting["recorded_by"] == "王书记"
    assert listed[5]["note"] == "3天"
    everything = b"".join(files.values())
    assert b"2001-05-16" not in everything and "直系亲属".encode() not in everything

    other = await exported(harness.user(OTHER_SECRETARY))  # another branch: the headers only
    assert table(other["development.csv"]) == [] and table(other["development_steps.csv"]) == []
