"""A small community with a year of records for the Excel ledger tests: the small roster, meetings in both
branches (one cancelled, one still to come), replies and check-ins, duty logs, reports and contacts, with the
values a spreadsheet trips on (`=cmd()`, `Tom & <Jerry>`, a 200-character note, text that looks like markup)."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl

from bot.config import Settings
from bot.domain.models import Member
from bot.i18n import t
from bot.services.duty.common import Logged, save_entry, save_mediation, save_patrol
from bot.services.duty.rules import EntryDraft, MediationDraft, PatrolDraft
from bot.store import Store
from bot.store.appraisal_rows import TalkIn
from bot.store.db import iso
from bot.store.minutes import Resolution
from bot.store.openness import Draft

NOW = datetime(2026, 11, 20, 4, tzinfo=UTC)  # 12:00 in Asia/Shanghai
FORMULA = "=cmd()"
TOM = "Tom & <Jerry>"
LONG = "长" * 190 + "0123456789"  # 200 characters
MARKUP = "<r><t>x</t></r>"  # XlsxWriter would write this as raw XML in constant-memory mode
SHANGHAI = ZoneInfo("Asia/Shanghai")
ESCAPE_LOOKALIKE = "_x0041_ stays as typed"
#: The settings the workbook takes: Shanghai time and the rules of 三会一课 by default.
SETTINGS = Settings(
    _env_file=None,
    bot_token="123456:TEST-TOKEN",
    database_path=Path("unused.sqlite3"),  # type: ignore[call-arg]
    timezone="Asia/Shanghai",
)


async def member(store: Store, name: str) -> Member:
    [found] = [m for m in await store.members.all() if m.name == name]
    return found


async def notice(
    store: Store,
    unit_id: int,
    kind: str,
    starts_at: datetime,
    topic: str,
    expected: list[Member],
    *,
    cancelled: bool = False,
) -> int:
    async with store.db.transaction() as conn:
        cur = await conn.execute(
            "INSERT INTO notices (kind, unit_id, starts_at, place, topic, created_by, creator_chat, creator_lang, "
            "created_at, cancelled_at) VALUES (?, ?, ?, ?, ?, NULL, 1, 'zh', ?, ?)",
            (
                kind,
                unit_id,
                iso(starts_at),
                "村委会",
                topic,
                iso(starts_at - timedelta(days=2)),
                iso(starts_at - timedelta(days=1)) if cancelled else None,
            ),
        )
        assert cur.lastrowid is not None
        await conn.executemany(
            "INSERT INTO notice_members (notice_id, member_id, linked) VALUES (?, ?, 1)",
            [(cur.lastrowid, m.id) for m in expected],
        )
        return cur.lastrowid


async def reply(
    store: Store,
    notice_id: int,
    who: Member,
    answer: str,
    reason: str | None,
    at: datetime,
    approval: str | None = None,
) -> None:
    """A reply; a leave is a request (pending unless decided: approved 准假 / refused 不准)."""
    decided = approval if answer == "leave" else None
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO rsvps (notice_id, member_id, answer, reason, at, approval) VALUES (?, ?, ?, ?, ?, ?)",
            (notice_id, who.id, answer, reason, iso(at), decided or ("pending" if answer == "leave" else None)),
        )


async def check_in(store: Store, notice_id: int, who: Member, how: str, at: datetime, by: Member | None = None) -> None:
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO checkins (notice_id, member_id, how, by_member, at) VALUES (?, ?, ?, ?, ?)",
            (notice_id, who.id, how, by.id if by else None, iso(at)),
        )


async def execute(store: Store, sql: str, params: tuple[object, ...] = ()) -> int:
    async with store.db.transaction() as conn:
        cur = await conn.execute(sql, params)
        return cur.lastrowid or 0


def publicity_body(unit_id: int) -> str:
    """A 公示 as the bot posts it to a group: Telegram HTML with a bold title and an emoji, the names escaped."""
    header = t("zh", "posts.publicity.header", unit=f"支部{unit_id}", quarter="2026年第三季度")
    line = t("zh", "posts.publicity.line", n=1, name=TOM, posts="治安巡逻岗", points=5, rating="称职")
    return "\n".join([header, line, "", t("zh", "posts.publicity.footer")])


async def seed(store: Store) -> None:
    """Records in both branches of the small roster (loaded before)."""
    units = {u.name: u.id for u in await store.units.all()}
    one, two = units["一村党支部"], units["二村党支部"]
    wang, li, zhang = [await member(store, n) for n in ("王书记", "李联络", "张流动")]
    zhao, qian, wu = [await member(store, n) for n in ("赵巡逻", "钱调解", "吴未绑定")]
    sun, zhou, tom, feng, chen = [await member(store, n) for n in ("孙书记", "周普通", TOM, "冯联络", "陈外出")]
    first = [wang, li, zhang, zhao, qian, wu]
    second = [sun, zhou, tom, feng, chen]
    # 张流动's leave: approved in March (请假), refused in June and pending in September (缺席 both times).
    approvals = {3: "approved", 6: "refused", 9: "pending"}
    meetings = {}
    for month in (3, 6, 9):
        starts = datetime(2026, month, 10, 1, tzinfo=UTC)
        n = meetings[month] = await notice(store, one, "general", starts, f"{month}月党员大会 {FORMULA}", first)
        await reply(store, n, wang, "attend", None, starts - timedelta(hours=5))
        await reply(store, n, zhang, "leave", f"{FORMULA} 在外务工", starts - timedelta(hours=5), approvals[month])
        for who in (wang, li, zhao, qian):
            await check_in(
                store,
                n,
                who,
                "self" if who is not li else "proxy",
                starts + timedelta(minutes=3),
                wang if who is li else None,
            )
    # In June 李联络, 赵巡逻 and 钱调解 were probationary (no vote): 1 of the 3 voters came, no quorum, though 4
    # of the 6 expected checked in.
    await execute(
        store,
        "UPDATE notice_members SET votes = 0 WHERE notice_id = ? AND member_id IN (?, ?, ?)",
        (meetings[6], li.id, zhao.id, qian.id),
    )
    # 补学: 吴未绑定 made up the March meeting (still 缺席 there, shown apart).
    await execute(
        store,
        "INSERT INTO makeups (notice_id, member_id, on_date, note, by_member, at) VALUES (?, ?, '2026-03-15', ?, ?, ?)",
        (meetings[3], wu.id, f"自学会议精神 {TOM}", wang.id, iso(datetime(2026, 3, 15, 2, tzinfo=UTC))),
    )
    # A meeting nobody checked in to was not held: neither in the ledger nor in the workbook.
    await notice(store, one, "partyday", datetime(2026, 2, 5, 6, tzinfo=UTC), "没人签到的主题党日", first)
    # A 党委会 of the community committee: its committee members only (the community secretary), a quorum.
    top = next(u.id for u in await store.units.all() if u.parent_id is None)
    boss = await member(store, "社区书记")
    n = committee_meeting = await notice(
        store, top, "party_committee", datetime(2026, 7, 1, 6, tzinfo=UTC), "党委会研究工作", [boss]
    )
    await execute(store, "UPDATE notices SET audience = 'committee' WHERE id = ?", (n,))
    await execute(store, "UPDATE notice_members SET committee = 1 WHERE notice_id = ?", (n,))
    await check_in(store, n, boss, "self", datetime(2026, 7, 1, 6, 2, tzinfo=UTC))
    n = await notice(store, one, "lecture", datetime(2026, 10, 15, 6, tzinfo=UTC), "党课：学习二十大", first)
    lecture = n
    await execute(store, "UPDATE notices SET speaker = '王书记' WHERE id = ?", (n,))  # 授课人
    await check_in(store, n, wang, "late", datetime(2026, 10, 15, 7, tzinfo=UTC))
    await notice(store, one, "committee", datetime(2026, 10, 20, 6, tzinfo=UTC), "取消的会", first, cancelled=True)
    await notice(store, one, "partyday", NOW + timedelta(days=5), "还没开的会", first)
    n = group_meeting = await notice(
        store, two, "group", datetime(2026, 4, 2, 6, tzinfo=UTC), f"二村小组会 {TOM}", second
    )
    await check_in(store, n, sun, "self", datetime(2026, 4, 2, 6, 5, tzinfo=UTC))
    await check_in(store, n, tom, "self", datetime(2026, 4, 2, 6, 5, tzinfo=UTC))

    for day in (2, 9, 16, 23):
        await save_patrol(
            store,
            Logged(zhao.id, datetime(2026, 10, day, 2, tzinfo=UTC), SHANGHAI),
            PatrolDraft("村东头", 70 if day == 2 else 30, "一切正常"),
        )
    await save_patrol(
        store, Logged(zhao.id, datetime(2026, 11, 3, 2, tzinfo=UTC), SHANGHAI), PatrolDraft("村西头", 45, FORMULA)
    )
    await save_mediation(
        store,
        Logged(qian.id, datetime(2026, 10, 5, 2, tzinfo=UTC), SHANGHAI),
        MediationDraft("两户邻居", "neighbour", "resolved", "已调解"),
    )
    # Everything so far was approved; then one patrol waits for review, one was turned down, and 钱调解 did an
    # approved entry of a generic post (环境卫生岗: 1 point an entry, one more per full 60 minutes: 2 points).
    await store.duty.approve([e.id for e in await store.duty.all()], wang.id, iso(NOW))
    await save_patrol(
        store, Logged(zhao.id, datetime(2026, 11, 10, 2, tzinfo=UTC), SHANGHAI), PatrolDraft("村南头", 90, "待审核")
    )
    rejected = await save_patrol(
        store, Logged(zhao.id, datetime(2026, 11, 11, 2, tzinfo=UTC), SHANGHAI), PatrolDraft("村北头", 90, "不算")
    )
    await execute(
        store, "UPDATE duty_logs SET review = 'rejected', review_reason = '重复' WHERE id = ?", (rejected.id,)
    )
    generic = await save_entry(
        store,
        Logged(qian.id, datetime(2026, 11, 12, 2, tzinfo=UTC), SHANGHAI),
        EntryDraft("环境卫生岗", "清扫村道", 90, 12),
    )
    await store.duty.approve([generic.id], wang.id, iso(NOW))
    # 述职 of the third quarter: 赵巡逻 wrote and was rated 称职; 钱调解 spoke it (voice), not rated yet.
    for who, text, voice, rating in ((zhao, f"巡逻四次 {FORMULA}", None, "competent"), (qian, None, "VOICE-1", None)):
        await execute(
            store,
            "INSERT INTO post_accounts (member_id, quarter, text, voice_file_id, at, rating, "
            "rated_at) VALUES (?, '2026Q3', ?, ?, ?, ?, ?)",
            (
                who.id,
                text,
                voice,
                iso(datetime(2026, 9, 28, 2, tzinfo=UTC)),
                rating,
                iso(datetime(2026, 10, 8, 2, tzinfo=UTC)) if rating else None,
            ),
        )
    for unit, posted in ((one, True), (two, True), (one, False)):
        await execute(
            store,
            "INSERT INTO post_publicity (unit_id, quarter, text, created_at, chat_id, posted_at) "
            "VALUES (?, '2026Q3', ?, ?, ?, ?)",
            (
                unit,
                publicity_body(unit),
                iso(datetime(2026, 10, 9, 2, tzinfo=UTC)),
                -100 if posted else None,
                iso(datetime(2026, 10, 9, 3, tzinfo=UTC)) if posted else None,
            ),
        )
    await seed_minutes(store, meetings[9], lecture)
    # March's meeting, the 党委会 and 二村's 党小组会 have a quick note as minutes: held, as the ledger counts
    # (issue 23: minutes saved); June's keeps none, and met without its quorum anyway.
    for held in (meetings[3], committee_meeting, group_meeting):
        await store.minutes.set_content(held, "学习", None, datetime(2026, 11, 1, 2, tzinfo=UTC))
    await seed_households(store, zhao, zhou)
    await seed_care(store, zhang, li, chen)
    await seed_dues(store, qian, wang)
    await seed_development(store, one, wang)
    await seed_appraisal(store, wang, li, zhang)
    await seed_openness(store, wang)
    await seed_moving(store, zhang, zhao, tom)

    await store.reports.add_status(zhang.id, "away_work", TOM, FORMULA, datetime(2026, 9, 1, 2, tzinfo=UTC))
    await store.reports.add_status(zhang.id, "away_work", "广东东莞", LONG, datetime(2026, 10, 1, 2, tzinfo=UTC))
    await store.reports.add_status(chen.id, "study", "北京", MARKUP, datetime(2026, 10, 2, 2, tzinfo=UTC))
    september, _ = await store.reports.save_thought(
        zhang.id, "2026-09", "九月思想汇报", datetime(2026, 9, 25, 2, tzinfo=UTC)
    )
    await store.reports.mark_read(september, li.id, None, datetime(2026, 9, 26, 2, tzinfo=UTC))
    await store.reports.mark_read(september, wang.id, "好", datetime(2026, 9, 27, 2, tzinfo=UTC))
    await store.reports.save_thought(zhang.id, "2026-10", "十月思想汇报", datetime(2026, 11, 3, 2, tzinfo=UTC))
    await store.reports.save_thought(chen.id, "2026-Q1", "一季度", datetime(2026, 3, 20, 2, tzinfo=UTC))
    await store.reports.add_contact(zhang.id, li.id, ESCAPE_LOOKALIKE, datetime(2026, 10, 12, 2, tzinfo=UTC))
    await store.reports.add_contact(chen.id, feng.id, f"{FORMULA} {TOM}", datetime(2026, 10, 13, 2, tzinfo=UTC))


#: The minutes of September's 支部党员大会: what a secretary writes in the 会议记录本, long enough to wrap.
CONTENT = (
    "一、王书记传达上级党委关于做好秋收期间安全生产的通知精神；二、讨论村东头道路硬化工程的筹资办法，"
    f"党员们一致同意先由党员带头出工；三、布置第四季度党员联户走访任务。{TOM}"
)
RESOLUTIONS = (
    Resolution("同意村东头道路硬化工程由党员带头出工，每户出工不少于两天", 3, 0, 1),
    Resolution(f"同意推荐赵巡逻为优秀共产党员候选人 {FORMULA}", 4, 0, 0),
)


async def seed_minutes(store: Store, september: int, lecture: int) -> None:
    """Minutes for September's meeting (主持人, 记录人, 会议内容, two resolutions with their votes) and the 党课's
    content (March's, the 党委会 and 二村's 党小组会 get a quick note in `seed`; June's keeps none)."""
    at = datetime(2026, 9, 11, 2, tzinfo=UTC)
    await store.minutes.save(september, "王书记", "李联络", CONTENT, RESOLUTIONS, None, at)
    await store.minutes.save(lecture, "王书记", "王书记", "学习二十大报告第一部分", [], None, at)


async def seed_households(store: Store, one: Member, two: Member) -> None:
    """A household served in each branch and one nobody serves yet; a visit; a request resolved and rated, one
    still with its handler."""
    at = iso(datetime(2026, 10, 1, 2, tzinfo=UTC))
    homes = []
    for head, who, phone in (
        ("刘大爷", one, "13900000001"),
        (f"户主 {TOM}", two, "13900000002"),
        ("没人联系的户", None, None),
    ):
        homes.append(
            await execute(
                store,
                "INSERT INTO households (head, building, entrance, room, phone, people, member_id, note, "
                "created_at, updated_at) VALUES (?, '5号楼', '1单元', '101', ?, 3, ?, ?, ?, ?)",
                (head, phone, who.id if who else None, "独居老人" if who is one else None, at, at),
            )
        )
    visited = iso(datetime(2026, 10, 20, 2, tzinfo=UTC))
    await execute(
        store,
        "INSERT INTO visits (household_id, member_id, found, at, local_date) "
        "VALUES (?, ?, '身体还好', ?, '2026-10-20')",
        (homes[0], one.id, visited),
    )
    await execute(store, "UPDATE households SET last_visit_at = ? WHERE id = ?", (visited, homes[0]))
    await execute(
        store,
        "INSERT INTO requests (household_id, logged_by, handler_id, unit_id, text, state, "
        "resolution, satisfaction, created_at, updated_at, resolved_at) VALUES (?, ?, ?, ?, "
        "'路灯坏了', 'resolved', '已修好', 'satisfied', ?, ?, ?)",
        (homes[0], one.id, one.id, one.unit_id, visited, visited, iso(datetime(2026, 10, 25, 2, tzinfo=UTC))),
    )
    await execute(
        store,
        "INSERT INTO requests (household_id, logged_by, handler_id, unit_id, text, state, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'in_progress', ?, ?)",
        (homes[1], two.id, two.id, two.unit_id, f"{FORMULA} 想办低保", visited, visited),
    )


def open_book(data: bytes | Path) -> Any:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    return openpyxl.load_workbook(source)


def rows(sheet: Any) -> list[list[Any]]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def every_value(book: Any) -> list[str]:
    return [str(v) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None]


def parts(data: bytes | Path) -> dict[str, bytes]:
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with zipfile.ZipFile(source) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


async def seed_care(store: Store, one: Member, visitor: Member, two: Member) -> None:
    """A care case in each branch (one visited, with text that looks like a formula; one closed)."""
    opened = iso(datetime(2026, 10, 2, 2, tzinfo=UTC))
    case = await execute(
        store,
        "INSERT INTO care_cases (member_id, source, situation, visitor_id, opened_at, "
        "quiet_since) VALUES (?, 'hardship', ?, ?, ?, '2026-10-20')",
        (one.id, f"{TOM} 工地受伤", visitor.id, opened),
    )
    await execute(
        store,
        "INSERT INTO care_visits (case_id, visitor_id, visited_on, brought, next_step, logged_at) "
        "VALUES (?, ?, '2026-10-20', ?, '下周复查', ?)",
        (case, visitor.id, f"{FORMULA} 慰问金", opened),
    )
    await execute(
        store,
        "INSERT INTO care_cases (member_id, source, situation, opened_at, quiet_since, closed_at, "
        "outcome) VALUES (?, 'ill', '住院', ?, '2026-09-01', ?, '已出院')",
        (two.id, iso(datetime(2026, 9, 1, 2, tzinfo=UTC)), iso(datetime(2026, 9, 30, 2, tzinfo=UTC))),
    )


async def seed_dues(store: Store, payer: Member, recorder: Member) -> None:
    """党费: a rule for the year and two months paid, recorded by the secretary."""
    at = datetime(2026, 1, 3, 2, tzinfo=UTC)
    await store.dues.set_rule(payer.id, 2026, "employed", 450000, 100, 4500, False, recorder.id, at)
    await store.dues.add_payment(payer.id, "2026-10", "2026-11", 9000, "cash", date(2026, 11, 5), recorder.id, at)


async def seed_development(store: Store, unit_id: int, secretary: Member) -> None:
    """发展党员: an 积极分子 with a 考察, and a 预备党员 walked from the application to 审批 (dates from 2025-08-01,
    the seed's first record)."""
    at = datetime(2026, 11, 1, 2, tzinfo=UTC)
    steps = {
        "马积极": [
            ("apply", "2025-09-01", "", "", "applicant"),
            ("talk", "2025-09-20", "", "", "applicant"),
            ("activist", "2025-10-15", "王书记、李联络", "", "activist"),
            ("review", "2026-04-10", "", "表现好", "activist"),
        ],
        "何预备": [
            ("apply", "2025-08-01", "", "", "applicant"),
            ("talk", "2025-08-15", "", "", "applicant"),
            ("activist", "2025-09-01", "王书记", "", "activist"),
            ("candidate", "2026-09-02", "王书记、李联络", "", "candidate"),
            ("vetting", "2026-09-20", "", "合格", "candidate"),
            ("training", "2026-10-10", "", "3天 24学时", "candidate"),
            ("publicity", "2026-10-12", "", "", "candidate"),  # 公示 to 2026-10-16, five working days
            ("admit", "2026-10-20", "", "应到6 实到5 赞成5 书面1", "admitted"),
            ("approve", "2026-11-10", "", "", "probationary"),
        ],
    }
    for name, taken in steps.items():
        person = await execute(
            store,
            "INSERT INTO development (unit_id, name, birth, stage, stage_on, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (unit_id, name, "2000-05-16", taken[-1][4], taken[-1][1], iso(at)),
        )
        for step, day, people, note, _ in taken:
            await execute(
                store,
                "INSERT INTO development_steps (person_id, step, on_day, people, note, recorded_by, recorded_at, "
                "ends_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (person, step, day, people, note, secretary.id, iso(at), "2026-10-16" if step == "publicity" else None),
            )


async def seed_appraisal(store: Store, wang: Member, li: Member, zhang: Member) -> None:
    """Issue 26: a talk (with a private note that must not print), a 评议 with two ballots on 李联络 (too few
    to show) and a 评定, a 整改 item, a pledge with its 践诺."""
    at = datetime(2026, 10, 10, 2, tzinfo=UTC)
    talk = TalkIn(date(2026, 10, 9), "谈了村里修路的意见", "私密内容", "phone", wang.id)
    await store.appraisal.add_talk(wang.unit_id, (wang.id, li.id), talk, at)
    appraisal = await store.appraisal.open_appraisal(
        wang.unit_id, 2026, date(2026, 11, 1), date(2026, 11, 20), wang.id, at
    )
    assert appraisal is not None
    await store.appraisal.save_self(appraisal, li.id, "按时参加组织生活", at)
    # two ballots on 李联络: fewer than three, so the sheet shows no counts
    await store.appraisal.cast(appraisal, wang.id, li.id, "excellent")
    await store.appraisal.cast(appraisal, zhang.id, li.id, "excellent")
    await store.appraisal.rate(appraisal, li.id, "excellent", None, wang.id, at)
    await store.appraisal.add_item(wang.unit_id, "学习不经常", "每月集中学习", li.id, date(2026, 12, 31), wang.id, at)
    pledge = await store.appraisal.make_pledge(li.id, 2026, "帮扶一户困难户", at)
    assert pledge
    found = await store.appraisal.pledge(li.id, 2026)
    assert found is not None
    await store.appraisal.add_progress(found.id, "看望王大爷四次", at)


async def seed_openness(store: Store, wang: Member) -> None:
    """Issue 28: a 党务公开 item posted on 18 November, its 公示期 running on the export's day, with a resident's
    objection (whose name must not print) answered."""
    at = datetime(2026, 11, 18, 2, tzinfo=UTC)
    draft = Draft(
        wang.unit_id,
        "village",
        "free",
        "村东道路硬化",
        "拟硬化村东道路 800 米。",
        5,
        date(2026, 11, 18),
        date(2026, 11, 24),
    )
    item = await store.openness.add_draft(draft, wang.id, at)
    await store.openness.post(item, -100777, wang.id, at, list)
    number, _ = await store.openness.object(item, (9999, None, "老刘异议人"), "预算太高", at, lambda n: [])
    await store.openness.answer(number, "明细已公开", wang.id, at, [])


#: A 身份证号 kept in the member file: it must appear on no sheet (tests/exports/test_xlsx.py).
ID_NUMBER = "110105195803120010"


async def seed_moving(store: Store, away: Member, leaving: Member, worker: Member) -> None:
    """Issue 27: 张流动's 流入地 and 活动证 (and a 身份证号 no sheet may show), a 转出 of 赵巡逻 closed by its 回执,
    Tom as an 在职党员 whose relation is at his workplace, reported with one activity, and a training entered."""
    from bot.store.moving import Entry
    from bot.store.transfers import Change, Letter

    at = datetime(2026, 11, 20, 2, tzinfo=UTC)
    fields = {
        "inflow_place": "广东省东莞市长安镇",
        "inflow_org": "中共东莞市长安镇委员会流动党员党支部",
        "inflow_contact": "刘书记 13900000000",
        "card_no": "LD-2025-08",
        "card_issued": "2025-08-01",
        "card_until": "2027-07-31",
        "id_number": ID_NUMBER,
    }
    await execute(
        store, "UPDATE members SET relation = 'elsewhere', note = '县供电公司党委' WHERE id = ?", (worker.id,)
    )
    async with store.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO member_details (member_id, field, value) VALUES (?, ?, ?)",
            [(away.id, k, v) for k, v in fields.items()] + [(worker.id, "arrived", "2024-03-01")],
        )
    letter = Letter("中共某县某镇委员会", "2026-031", date(2026, 9, 1), date(2026, 11, 30))
    transfer = await store.transfers.issue(leaving.id, leaving.unit_id, letter, None, at)
    assert transfer is not None
    [open_] = await store.transfers.of_member(leaving.id)
    await store.transfers.record(open_, Change("received", date(2026, 9, 10), "", "open", None), None, at)
    await store.moving.add_service("report", Entry(worker.id, date(2026, 3, 2), "周末义务维修电器", 0, worker.id), at)
    await store.moving.add_service(
        "activity", Entry(worker.id, date(2026, 4, 5), "给独居老人检修线路", 3, worker.id), at
    )
    await store.moving.add_study(Entry(away.id, date(2026, 6, 1), "流入地党组织集中培训", 8, None), at)
