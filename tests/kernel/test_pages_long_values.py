"""A page holds 40 entries in ONE message even when every name, place, unit and reason on it is as long as
the bot allows (200 characters): people's values are clipped with `…`, and every line keeps its figures and
verdict (未绑定, 达标, the deadline…). Use cases called directly, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.results import Reply
from bot.domain.rights import Actor
from bot.i18n import reply_text
from bot.services.duty import month as duty_month
from bot.services.kernel.buttons import ListPage
from bot.services.kernel.deps import Deps
from bot.services.kernel.pages import MESSAGE_ROOM, units
from bot.services.notices import attendance as notices_attendance
from bot.services.reports import status_members
from bot.services.reports import view as reports_view
from bot.store import Store
from tests.support import bulk
from tests.support.harness import SECRETARY, SMALL_ROSTER, load_roster

TZ = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, tzinfo=TZ)
LONG = "很长的名字" * 40  # 200 characters, the most a roster cell or a status field holds
NOT_MET = {"zh": "❌ 未达标", "en": "❌ minimum not met"}
NOT_LINKED = {"zh": "未绑定", "en": "not linked yet"}


async def _setup(store: Store) -> tuple[Actor, int]:
    await load_roster(store, SMALL_ROSTER)
    yicun = await bulk.unit_id(store, "一村党支部")
    async with store.db.transaction() as conn:  # a Party group with a 200-character name
        await conn.execute("UPDATE units SET name = ? WHERE name = '一组'", (LONG + "组",))
    big = await bulk.big_branch(
        store,
        100,
        group=LONG + "组",
        category="migrant",
        cadence="monthly",
        since="2025-01-01",
        posts=("patrol", "mediation"),
        linked=lambda i: False,
    )
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE members SET name = ? || id WHERE name LIKE '党员%'", (LONG[:190],))
    await bulk.statuses(store, [(m, "away_work", LONG) for m in big.ids], T0)
    notice_id = await bulk.meeting(store, yicun, None, SECRETARY, T0 + timedelta(days=1), T0)
    await bulk.answers(store, notice_id, [(m, "leave", LONG) for m in big.ids], T0)
    secretary = await store.members.by_telegram_id(SECRETARY)
    return Actor(SECRETARY, secretary), notice_id


def _one_message(reply: Reply, lang: str) -> str:
    text = reply_text(reply, lang)
    assert units(text) <= MESSAGE_ROOM, units(text)
    assert text.count("<b>") == text.count("</b>")
    return text


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_pages_of_overlong_values_fit_and_keep_their_verdicts(
    store: Store, settings: Settings, lang: str
) -> None:
    person, notice_id = await _setup(store)

    deps = Deps(store, settings)
    members = await status_members.members_page(
        deps, Call(person, datetime.now(UTC), lang), ListPage("members", 0, "unlinked", 1)
    )
    lines = [line for line in _one_message(members, lang).splitlines() if " · " in line]
    assert len(lines) == 40 and all(NOT_LINKED[lang] in line for line in lines)
    assert all("…" in line for line in lines)

    reports = await reports_view.reports_page(deps, Call(person, T0, lang), ListPage("reports", 202610, "all", 1))
    lines = [line for line in _one_message(reports, lang).splitlines() if line.startswith("❌")]
    deadline = "10月31日（周六）晚上11:59）" if lang == "zh" else "Sat 31 Oct, 11:59 pm)"
    assert len(lines) == 40 and all(deadline in line for line in lines)

    duty = await duty_month.dutyreport_page(deps, Call(person, T0, lang), ListPage("dutyreport", 202611, "notmet", 1))
    lines = [line for line in _one_message(duty, lang).splitlines() if NOT_MET[lang] in line]
    assert len(lines) == (40 if lang == "zh" else 20)

    ledger = await notices_attendance.attendance_page(
        deps, Call(person, T0, lang), ListPage("attendance", notice_id, "leave", 1)
    )
    text = _one_message(ledger, lang)
    assert text.count("…") >= 40 and f"/attendance {notice_id}" in text
