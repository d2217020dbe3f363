"""Rights matrix (docs/PRODUCT.md §3, §4): every command in `COMMANDS` × every kind of person × private and group chat.

One table below says, per command, a sample argument string and what each kind of person gets in the
private chat:

* ``W`` — the unknown-user welcome (还没有登记) and nothing else;
* ``R`` — the refusal naming who may use the command; nothing written, nothing sent to anyone else;
* ``A`` — allowed: some answer that is neither the refusal nor the welcome;
* ``S`` — allowed by role but out of scope: a secretary of 二村 acting on 一村 data gets an answer that
  reveals none of 一村's people or meetings; nothing written, nothing sent to anyone else.

In a group chat the expectation follows from the table's ``private`` column: a private matter that is
allowed (``A``/``S``) answers with the button to the private chat (nothing written, nothing sent to anyone
else); refusals and the welcome stay as they are; other commands behave as in the private chat.

The people (tests/data/small.csv), one harness per kind of person: the unknown user 9999, 周普通 (member
of 二村), 李联络 (liaison of 张流动, 一村), 赵巡逻 (patrol post), 钱调解 (mediation post), 孙书记 (secretary of
二村), 王书记 (secretary of 一村), 社区书记 (secretary of the community committee), and a settings-level
admin (``ADMIN_IDS``, 7777, not on the roster, so without personal records).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram import Update
from telegram.ext import TypeHandler

from bot.app import running
from bot.emulator import BotApiEmulator, BotMessage, EmuGroup
from bot.services.kernel.commands import COMMANDS
from bot.store import Store
from tests.support.harness import (
    COMMUNITY_SECRETARY,
    LIAISON,
    MEDIATOR,
    MIGRANT,
    OTHER_LIAISON,
    OTHER_MIGRANT,
    OTHER_SECRETARY,
    PATROL,
    PLAIN,
    SECRETARY,
    SMALL_ROSTER,
    STRANGER,
    TOM,
    Harness,
    build_app,
    load_roster,
    loop_turn,
    make_settings,
)
from tests.support.silence import settled

#: Every command × every kind of person × both chats: the full run (CI, `pytest -q`) has it; `-m "not slow"` keeps
#: each capability's own refusal tests and stays under its minute.
pytestmark = pytest.mark.slow

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 10, 10, 0, tzinfo=SH)
ADMIN = 7777  # ADMIN_IDS, not on the roster
GROUP_ID = -100424242
NOTICE_PLACE, NOTICE_TOPIC = "一村会议室", "一村学习会"
NOTICE = f"党课 | 2026-11-20 15:00 | {NOTICE_PLACE} | {NOTICE_TOPIC} | 一村党支部"
REPORT = "本月在外务工期间，我认真学习了党的二十大精神，按时参加线上组织生活，遵守纪律。"
#: 一村's people and its meeting: what a secretary of 二村 must never be shown.
YICUN = ("王书记", "李联络", "张流动", "赵巡逻", "钱调解", "吴未绑定", NOTICE_PLACE, NOTICE_TOPIC)
ROSTER_IDS = (
    COMMUNITY_SECRETARY,
    SECRETARY,
    LIAISON,
    MIGRANT,
    PATROL,
    MEDIATOR,
    OTHER_SECRETARY,
    PLAIN,
    TOM,
    OTHER_MIGRANT,
    OTHER_LIAISON,
)

ROLES = ("unknown", "member", "liaison", "patrol", "mediator", "other_secretary", "secretary", "community", "admin")
ROLE_IDS = {
    "unknown": STRANGER,
    "member": PLAIN,
    "liaison": LIAISON,
    "patrol": PATROL,
    "mediator": MEDIATOR,
    "other_secretary": OTHER_SECRETARY,
    "secretary": SECRETARY,
    "community": COMMUNITY_SECRETARY,
    "admin": ADMIN,
}


@dataclass(frozen=True)
class Row:
    expect: str  # one code per role, in ROLES order
    args: str  # a sample argument string; `{notice}` is replaced by the id of a notice of 一村
    private: bool = True  # a private matter: redirected from a group

    def code(self, role: str) -> str:
        codes = self.expect.split()
        assert len(codes) == len(ROLES), self
        return codes[ROLES.index(role)]


TABLE: dict[str, Row] = {
    #                    unk mem lia pat med oth sec com adm
    "start": Row("W   A   A   A   A   A   A   A   A", "", private=False),
    "help": Row("W   A   A   A   A   A   A   A   A", "", private=False),
    "lang": Row("W   A   A   A   A   A   A   A   A", "zh", private=False),
    "cancel": Row("W   A   A   A   A   A   A   A   A", "", private=False),
    "invite": Row("W   R   R   R   R   S   A   A   A", "吴未绑定"),
    "notice": Row("W   R   R   R   R   S   A   A   A", NOTICE),
    "notices": Row("W   A   A   A   A   A   A   A   R", ""),
    "attendance": Row("W   R   R   R   R   S   A   A   A", "{notice}"),
    "checkin": Row("W   A   A   A   A   S   A   A   R", "{notice}"),
    "committee": Row("W   R   R   R   R   A   A   A   A", ""),
    "term": Row("W   R   R   R   R   A   A   A   A", "二村党支部 | 2024-01-01"),
    "backfill": Row("W   R   R   R   R   S   A   A   A", ""),
    "venue": Row("W   R   R   R   R   A   A   A   A", "村委会会议室"),
    "cancelnotice": Row("W   R   R   R   R   S   A   A   A", "{notice}"),
    "minutes": Row("W   R   R   R   R   S   A   A   A", "{notice} | 会议记录：学习了党章"),
    "bindgroup": Row("W   R   R   R   R   A   A   A   A", "", private=False),
    "unbindgroup": Row("W   R   R   R   R   A   A   A   A", "", private=False),
    "patrol": Row("W   R   R   A   R   R   R   R   R", "东区 | 45 | 一切正常"),
    "mediate": Row("W   R   R   R   A   R   R   R   R", "张三、李四 | 邻里 | resolved | 握手言和"),
    "duty": Row("W   R   R   A   A   R   R   R   R", ""),
    "dutyreport": Row("W   R   R   R   R   S   A   A   A", ""),
    "posts": Row("W   R   R   R   R   S   A   A   A", "赵巡逻 | patrol"),
    "log": Row("W   R   R   A   A   R   R   R   R", ""),
    "claim": Row("W   A   A   A   A   A   A   A   R", ""),
    "review": Row("W   R   R   R   R   S   A   A   A", ""),
    "account": Row("W   R   R   A   A   R   R   R   R", ""),
    "accounts": Row("W   R   R   R   R   S   A   A   A", ""),
    "rate": Row("W   R   R   R   R   S   A   A   A", "赵巡逻 | 称职"),
    "publicity": Row("W   R   R   R   R   S   A   A   A", ""),
    "status": Row("W   A   A   A   A   A   A   A   R", "home"),
    "report": Row("W   A   A   A   A   A   A   A   R", REPORT),
    "reports": Row("W   R   A   R   R   S   A   A   A", "2026-10"),
    "contact": Row("W   R   A   R   R   R   R   R   R", "张流动 | 电话联系，一切正常"),
    "members": Row("W   R   R   R   R   S   A   A   A", "一村"),
    "export": Row("W   R   R   R   R   S   A   A   A", ""),
    "ledger": Row("W   R   R   R   R   S   A   A   A", "一村 2026"),
    "overview": Row("W   R   R   R   R   S   A   A   A", "一村"),
    "households": Row("W   A   A   A   A   S   A   A   R", ""),
    "visit": Row("W   A   A   A   A   A   A   A   R", ""),
    "request": Row("W   A   A   A   A   A   A   A   R", ""),
    "requests": Row("W   A   A   A   A   S   A   A   R", ""),
    "care": Row("W   R   R   R   R   S   A   A   A", "张流动 | 在外务工受伤，家里困难"),
    "development": Row("W   A   A   A   A   S   A   A   A", ""),  # a member: their own record (none)
    "transfer": Row("W   R   R   R   R   S   A   A   A", ""),
    "member": Row("W   R   R   R   R   S   A   A   A", "张流动"),
    "study": Row("W   A   A   A   A   A   A   A   R", ""),
    "serve": Row("W   A   A   A   A   A   A   A   R", ""),
    "carevisit": Row("W   A   A   A   A   A   A   A   R", "张流动 | 送去慰问金 | 下周再去"),
    "dues": Row("W   A   A   A   A   S   A   A   R", "张流动"),
    "pay": Row("W   R   R   R   R   S   A   A   A", "张流动 | 2026-11 | 0.2 | 现金"),
    "talk": Row("W   A   A   A   A   A   A   A   R", ""),
    "talks": Row("W   A   A   A   A   A   A   A   R", ""),
    "appraisal": Row("W   A   A   A   A   A   A   A   R", ""),
    "rectify": Row("W   A   A   A   A   A   A   A   R", ""),
    "pledge": Row("W   A   A   A   A   A   A   A   R", ""),
    "health": Row("W   R   R   R   R   R   R   R   A", ""),
}

SEND_METHODS = (
    "sendmessage",
    "senddocument",
    "sendphoto",
    "editmessagetext",
    "editmessagereplymarkup",
    "editmessagecaption",
    "copymessage",
    "forwardmessage",
    "sendmediagroup",
)
APOLOGY = "出了点问题"
WELCOME = "还没有登记"


def test_table_covers_exactly_the_commands() -> None:
    names = [c.name for c in COMMANDS]
    assert sorted(TABLE) == sorted(names), "a command in COMMANDS needs a row in TABLE (and vice versa)"
    for name, row in TABLE.items():
        codes = row.expect.split()
        assert len(codes) == len(ROLES) and set(codes) <= set("WRAS"), name
        assert codes[0] == "W", name


def expected(row: Row, role: str, in_group: bool) -> str:
    code = row.code(role)
    if in_group and row.private and code in "AS":
        return "P"  # the button to the private chat
    return code


# ---------------------------------------------------------------------------------------------- harness


class Finished:
    """Update ids the application has completely handled (a handler after every other group)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    async def __call__(self, update: Update, _context: object) -> None:
        self.ids.add(update.update_id)


@dataclass
class Matrix:
    harness: Harness
    finished: Finished
    notice_id: int
    groups: int = 0

    def new_group(self) -> EmuGroup:
        """A fresh group chat for each case: the bot keeps to Telegram's 20 messages a minute per group."""
        self.groups += 1
        return self.emu.add_group(GROUP_ID - self.groups, f"测试群{self.groups}")

    @property
    def emu(self) -> BotApiEmulator:
        return self.harness.emu

    @property
    def store(self) -> Store:
        return self.harness.store

    async def handled(self, update_id: int, known: bool, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the update went through every handler. The gate stops an unknown user's update, so
        the last handler never sees it: it is done once it is recorded and no update is in progress any more
        (a pointer in a group is recorded with the update before it is sent); a known user's update may be
        recorded early (by its write transaction), so for them only the last handler counts."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        processor = self.harness.app.update_processor
        while update_id not in self.finished.ids:
            if not known and await self.store.updates.seen(update_id) and processor.current_concurrent_updates == 0:
                return
            if loop.time() > deadline:
                raise AssertionError(f"update {update_id} not handled within {timeout}s")
            await asyncio.sleep(0.005)

    def drain_all(self) -> None:
        for user in self.emu.users.values():
            user.drain()
        for group in self.emu.groups.values():
            group.drain()

    async def settle(self) -> None:
        await self.harness.settle()
        await settled(self.harness.app, self.harness.emu)
        self.drain_all()


_SNAPSHOT_SQL: dict[tuple[str, ...], str] = {}


async def snapshot(store: Store) -> dict[str, str]:
    """Every row of every table but the bot's own bookkeeping: the updates applied and the pointers given in
    groups to people not on the roster (once a day each). One statement (made once per schema) reads them all,
    each table's rows quoted, sorted and joined: a case costs one trip to the database thread, not one per table."""
    tables = tuple(
        r[0]
        for r in await store.db.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
        if r[0] not in ("processed_updates", "group_pointers")
    )
    sql = _SNAPSHOT_SQL.get(tables)
    if sql is None:
        parts = []
        for table in tables:
            columns = [c[1] for c in await store.db.fetchall(f"PRAGMA table_info({table})")]
            row = " || ',' || ".join(f"quote({c})" for c in columns)
            parts.append(
                f"SELECT '{table}', (SELECT group_concat(r, char(10)) FROM (SELECT {row} AS r FROM {table} ORDER BY 1))"
            )
        sql = _SNAPSHOT_SQL[tables] = " UNION ALL ".join(parts)
    rows = await store.db.fetchall(sql)
    return {str(r[0]): str(r[1]) for r in rows}


def diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [table for table in sorted(set(before) | set(after)) if before.get(table) != after.get(table)]


@pytest.fixture
async def matrix(emulator: BotApiEmulator, store: Store, tmp_path: Path) -> AsyncIterator[Matrix]:
    settings = make_settings(tmp_path, emulator, admin_ids=[ADMIN])
    await load_roster(store, SMALL_ROSTER)
    app = build_app(settings, store, emulator)
    finished = Finished()
    app.add_handler(TypeHandler(Update, finished), group=10**6)
    async with running(app, poll_timeout=1):
        assert app.job_queue is not None
        for job in app.job_queue.jobs():  # no reminder sweep writing in the middle of a case
            job.schedule_removal()
        harness = Harness(emulator, store, settings, app)
        harness.at(T0)
        for telegram_id in (*ROSTER_IDS, ADMIN):  # everyone has written to the bot: linked, reachable
            user = harness.user(telegram_id)
            await user.send("/start")
            await user.next_message()
        secretary = harness.user(SECRETARY)
        await secretary.send(f"/notice {NOTICE}")
        preview = await secretary.expect("预览")
        await secretary.press("发送", preview)
        sending = await secretary.expect("已开始发送", kind="message")
        match = re.search(r"#(\d+)", sending.text)
        assert match is not None
        m = Matrix(harness, finished, int(match.group(1)))
        await m.settle()
        yield m


def sends_since(emu: BotApiEmulator, start: int) -> list[int]:
    """Chat ids of the bot's sends and edits since the `start`-th logged call."""
    out = []
    for method, params in emu.calls[start:]:
        if method in SEND_METHODS and params.get("chat_id") not in (None, ""):
            out.append(int(params["chat_id"]))
    return out


def documents_text(messages: list[BotMessage]) -> str:
    return "\n".join((m.document_bytes or b"").decode("utf-8-sig", "replace") for m in messages if m.document_bytes)


async def run_case(m: Matrix, role: str, name: str, row: Row, in_group: bool) -> list[str]:
    """One command as one person in one chat; the problems found (empty when as expected)."""
    person = m.harness.user(ROLE_IDS[role])
    group = m.new_group() if in_group else None
    chat = group or person
    chat_id = group.chat_id if group else person.id
    args = row.args.format(notice=m.notice_id)
    text = f"/{name} {args}".strip()
    want = expected(row, role, in_group)
    label = f"{role} /{name} in {'group' if in_group else 'private'} (expected {want})"

    before = await snapshot(m.store)
    calls = len(m.emu.calls)
    update_id = await person.send(text, chat=group)
    await m.handled(update_id, known=role != "unknown")
    if want == "A":
        await m.harness.settle()  # what the command queued for others goes out before the next case
    await loop_turn()  # the answers already handed to the emulator are in the inbox
    got = chat.drain()
    texts = [msg.text for msg in got]
    print("CASE", label, [t[:70] for t in texts])
    problems: list[str] = []

    def problem(what: str) -> None:
        problems.append(f"{label}: {what}; got {texts!r}"[:600])

    refusal = f"/{name} 只有"
    if not got:
        problem("no answer")
    elif any(APOLOGY in t for t in texts):
        problem("the bot apologised (a handler failed)")
    elif want == "W":
        if len(got) != 1 or WELCOME not in texts[0]:
            problem("not exactly the registration welcome")
    elif want == "R":
        if len(got) != 1 or refusal not in texts[0]:
            problem("not exactly the refusal")
    elif want == "P":
        if len(got) != 1 or "私聊" not in texts[0] or not got[0].buttons or not got[0].buttons[0][0].url:
            problem("not exactly the button to the private chat")
    else:  # A or S
        first = texts[0]
        if refusal in first or WELCOME in first or ("私聊" in first and got[0].buttons and got[0].buttons[0][0].url):
            problem("refused, welcomed or redirected")
        if want == "S":
            shown = "\n".join(texts) + documents_text(got)
            leaked = [word for word in YICUN if word in shown and word not in args]
            if leaked or "start=" in shown:
                problem(f"reveals 一村 data {leaked}")

    if want != "A":
        after = await snapshot(m.store)
        if changed := diff(before, after):
            problem(f"wrote to {changed}")
        others = sorted({c for c in sends_since(m.emu, calls) if c != chat_id})
        if others:
            problem(f"sent to other chats {others}")
    if want == "A":
        cancel = await person.send("/cancel", chat=group)
        await m.handled(cancel, known=role != "unknown")
        await m.settle()
    m.drain_all()
    return problems


@pytest.mark.parametrize("role", ROLES)
async def test_rights_matrix(matrix: Matrix, role: str) -> None:
    problems: list[str] = []
    for in_group in (False, True):
        for spec in COMMANDS:
            problems += await run_case(matrix, role, spec.name, TABLE[spec.name], in_group)
    assert not matrix.emu.internal_errors
    assert not problems, "\n".join(problems)
