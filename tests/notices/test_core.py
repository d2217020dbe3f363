"""A whole meeting notice through the use cases alone — publish, deliveries recorded as the sender records
them, replies, a leave with its reason, check-ins, 代签, the attendance view — on a Store over a temporary
database, with no Telegram at all: no Application, no emulator, and nothing of `telegram` imported here.
This is what a second front end (企业微信, say) would drive."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.services import registry as core
from bot.services.kernel.deps import Deps
from bot.services.members.people import identify
from bot.services.members.roster import apply_roster, parse_roster
from bot.services.notices import attendance as answers
from bot.services.notices import compose, manage
from bot.services.notices.attendance import LeaveAsked
from bot.services.notices.compose import Stage
from bot.services.notices.edits import group_post
from bot.store import Store

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
START = datetime(2026, 3, 12, 15, 0, tzinfo=SH)
ROSTER = Path(__file__).parents[1] / "data" / "small.csv"
SECRETARY, LIAISON, MIGRANT, PATROL, MEDIATOR = 1001, 1002, 1003, 1004, 1005
BRANCH_ONE = (SECRETARY, LIAISON, MIGRANT, PATROL, MEDIATOR)


def core_settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        database_path=tmp_path / "zhibu.sqlite3",  # type: ignore[call-arg]
        community_name="测试社区党委",
        quiet_hours="",
        checkin_proof="none",  # the plain button; proofs at the venue: tests/notices/test_checkin.py
    )


async def people(store: Store, settings: Settings) -> dict[int, Actor]:
    """The branch's members as they first write to the front end (linked by their roster id)."""
    rows, errors = parse_roster(ROSTER.read_text(encoding="utf-8"))
    assert not errors
    await apply_roster(store, rows, "测试社区党委")
    return {telegram_id: (await identify(Deps(store, settings), telegram_id))[0] for telegram_id in BRANCH_ONE}


async def deliver_all(store: Store, settings: Settings) -> int:
    """What the sender does: claim the pending rows, record each as sent (with the message id the channel
    gave), and call the after-send use cases; until nothing is pending. Returns how many were sent."""
    sent = 0
    while rows := await store.outbox.claim(100):
        for row in rows:
            sent += 1
            await store.outbox.finish(row.id, "sent", message_id=1000 + row.id)
            for hook in core.AFTER_SEND:
                await hook(store, settings, row, "sent")
    return sent


async def test_a_whole_notice_through_the_use_cases_without_telegram(store: Store, tmp_path: Path) -> None:
    settings = core_settings(tmp_path)
    person = await people(store, settings)
    secretary = person[SECRETARY]

    one_line = "党课 | 2026-03-12 15:00 | 村委会会议室 | 学习党章"
    deps = Deps(store, settings)

    def as_(who: Actor, now: datetime = T0) -> Call:
        return Call(who, now, "zh")

    step = await compose.begin(deps, as_(secretary), one_line)
    assert step.stage is Stage.CONFIRM and step.draft is not None
    preview = step.result.replies[0]
    assert preview.html is not None and "预览" in preview.html and "5 名党员" in preview.html
    assert [b["text"] for b in (preview.buttons or [[]])[0]] == ["发送", "取消"]
    assert (await compose.send(deps, as_(secretary), step.draft, "00000000")).stage is None
    sent = await compose.send(deps, as_(secretary), step.draft, step.draft.preview or "")
    assert sent.stage is Stage.DONE and sent.seats is not None
    assert sent.result.replies[0].key == "notice.sending" and sent.result.replies[0].params["count"] == 5
    notice_id = int(str(sent.result.replies[0].params["id"]))
    # the answer comes first; the seats and copies follow (the handler writes them in the background)
    assert await store.outbox.pending_count() == 0
    assert await compose.seat(deps, sent.seats) == 5

    assert await deliver_all(store, settings) == 5 + 1  # five copies, then the secretary's summary
    summary = await store.outbox.by_key(f"notice:{notice_id}:summary")
    assert summary is not None and summary.chat_id == SECRETARY
    assert "送达：5 人" in summary.text and "未绑定、没有发送：1 人：吴未绑定" in summary.text
    assert await group_post(store, settings, notice_id) is None  # no group bound

    attended = await answers.attend(deps, as_(person[LIAISON]), notice_id)
    assert attended.answer is not None and attended.answer.key == "notice.recorded_attend"
    assert attended.group_of == notice_id
    (copy,) = attended.edits
    liaison = person[LIAISON].member
    assert liaison is not None
    liaison_row = await store.outbox.by_key(f"notice:{notice_id}:{liaison.id}")
    assert liaison_row is not None and (copy.chat_id, copy.message_id) == (LIAISON, liaison_row.message_id)
    assert "您的回复：<b>参加</b>" in copy.text and copy.buttons[0][0]["data"] == f"ntc:att:{notice_id}"

    asked = await answers.ask_leave(deps, as_(person[PATROL]), notice_id)
    assert isinstance(asked, LeaveAsked) and asked.prompt.html is not None and "请假原因" in asked.prompt.html
    left = await answers.give_reason(deps, as_(person[PATROL]), asked.notice_id, " 外出务工 ")
    assert left.result.replies[0].key == "notice.leave_recorded" and not left.stay
    assert "您的回复：<b>请假</b>（外出务工）" in left.edits[0].text
    assert left.result.queued == 1 and await deliver_all(store, settings) == 1  # the request to the convener
    (request,) = await store.db.fetchall("SELECT chat_id, text FROM outbox WHERE kind = 'leave_request'")
    assert request[0] == SECRETARY and "赵巡逻：外出务工" in request[1]

    early = await answers.check_in(deps, as_(person[MIGRANT]), notice_id)
    assert early.answer is not None and early.answer.alert and early.answer.key == "notice.checkin_not_open"
    at_door = START - timedelta(minutes=20)
    checked = await answers.check_in(deps, as_(person[MIGRANT], at_door), notice_id)
    assert checked.answer is not None and checked.answer.key == "notice.checked_in"
    assert "✅ 已签到 下午2:40" in checked.edits[0].text
    again = await answers.check_in(deps, as_(person[MIGRANT], at_door), notice_id)
    assert again.answer is not None and again.answer.key == "notice.already_in" and again.edits == ()
    proxy = await answers.attendance(deps, as_(secretary, at_door), f"{notice_id} | 代签 | 钱调解 | 年老体弱")
    assert proxy.result.replies[0].key == "notice.att.registered" and proxy.edits[0].chat_id == MEDIATOR
    late = await answers.attend(deps, as_(person[SECRETARY], START), notice_id)
    assert late.answer is not None and late.answer.key == "notice.too_late"

    view = await answers.attendance(deps, as_(secretary, at_door), "")
    report = view.result.replies[0].html
    assert report is not None
    assert "应到：6 人" in report and "参加：1 人：李联络" in report
    assert "请假：1 人：赵巡逻（外出务工，待批）" in report
    assert "已签到：2 人" in report and "张流动 下午2:40" in report
    assert "钱调解 下午2:40（书记登记：王书记，年老体弱）" in report
    assert "未回复：2 人：王书记、吴未绑定（未绑定）" in report

    listing = await manage.upcoming(deps, as_(person[PATROL]))
    assert listing.replies[0].html is not None and "请假（外出务工）" in listing.replies[0].html
    cancelled = await manage.cancel(deps, as_(secretary), str(notice_id))
    assert cancelled.queued == 5 and cancelled.replies[0].key == "notice.cancel_done"
    assert await deliver_all(store, settings) == 5
    rows = await store.db.fetchall("SELECT count(*) FROM outbox WHERE kind = 'notice_cancel' AND status = 'sent'")
    assert rows[0][0] == 5


@pytest.mark.slow
def test_the_notice_use_cases_import_nothing_of_telegram() -> None:
    """In a fresh interpreter (pytest's own has python-telegram-bot loaded by other tests)."""
    modules = [
        "bot.services.notices.common",
        "bot.services.notices.compose",
        "bot.services.notices.attendance",
        "bot.services.notices.manage",
        "bot.services.notices.edits",
        "bot.services.notices.broadcast",
        "bot.services.notices.export",
        "bot.services.notices.text",
        "bot.services.notices.leave",
        "bot.services.notices.audience",
        "bot.services.notices.ledger",
        "bot.services.registry",
        "bot.services.members.people",
        "bot.services.members.roster",
        "bot.config",
        "bot.store",
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in ('telegram', 'aiohttp')}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "[]"
