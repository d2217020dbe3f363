"""`python -m bot sandbox`: the real bot against the built-in Bot API emulator, with a demo community.

It imports the demo roster (白庙社区, 58 members) into a database of its own, gives every member an
emulator account, plays a short tour, then lets you act as anyone: type messages, press buttons by
number or label, `:scan` a check-in QR image, `:digest` send the reminders due now. `--script FILE` plays a
scripted conversation and prints the transcript.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import SecretStr

from bot.app import build_application, running
from bot.config import Settings
from bot.domain.workdays import period
from bot.emulator import BotApiEmulator, BotMessage, EmuUser
from bot.services import registry
from bot.services.households.importing import apply_households, parse_households
from bot.services.members.roster import OrgNames, RosterRow, apply_roster, parse_roster
from bot.store import Store
from bot.store.openness import Draft

DEMO_DIR: Traversable = resources.files("bot.demo")
DEMO_ROSTER = DEMO_DIR / "roster-baimiao.csv"
DEMO_HOUSEHOLDS = DEMO_DIR / "households-baimiao.csv"  # 党员联户 (issue 15), for the demo roster only
DEMO_FILES = DEMO_DIR / "member-files-baimiao.csv"  # 党员档案的其他栏目 (issue 27), for the demo roster only
TOUR = DEMO_DIR / "tour.txt"
#: A second community of the same township, and a reader from the township (上级党委, read-only): issue 28.
DEMO_TOWNSHIP = DEMO_DIR / "roster-township.csv"
DEMO_COMMUNITY = "白庙社区党委"
DEMO_TOWNSHIP_NAME = "城关镇党委"
STRANGER = "陌生人"
UNREGISTERED = frozenset({"张金花", "孟春生", "田小红"})  # left unregistered, to show invites
STRANGER_ID = 8_000_000
FIRST_ID = 9_000_001
QUIET = 0.4  # seconds without a new message before the bot is taken to be done answering
DRAIN_SECONDS = 120  # `:digest`: how long the outbox may take to go out before the transcript goes on
_CODE = re.compile(r"/checkin (\d{6})")  # the code in the caption of a check-in QR image


class Sandbox:
    def __init__(self, emu: BotApiEmulator, names: dict[str, int], out: list[str] | None = None) -> None:
        self.emu = emu
        self.ids = names
        self.users: dict[int, EmuUser] = {}
        self.names = {v: k for k, v in names.items()}
        self.current = next(iter(names))
        self.out = out
        #: `:digest`: one reminder sweep now, as at DIGEST_TIME and outside quiet hours (set by `_main`).
        self.sweep: Callable[[], Awaitable[int]] | None = None

    def echo(self, line: str = "") -> None:
        print(line, flush=True)
        if self.out is not None:
            self.out.append(line)

    def user(self, name: str) -> EmuUser:
        telegram_id = self.ids[name]
        if telegram_id not in self.users:
            self.users[telegram_id] = self.emu.add_user(telegram_id, name, language_code="zh")
        return self.users[telegram_id]

    async def register_everyone(self, store: Store) -> None:
        """As if the members had already opened the bot (except a few, to show invites)."""
        for member in await store.members.all():
            if member.name in UNREGISTERED or member.telegram_id is None:
                continue
            self.user(member.name).started = True
            if not member.linked:
                await store.members.link(member.id, member.telegram_id)

    async def settle(self) -> None:
        """Wait until the bot has stopped sending, then print what everyone got."""
        last, quiet_since = -1, 0.0
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 10
        while loop.time() < deadline:
            count = len(self.emu.calls)
            if count != last:
                last, quiet_since = count, loop.time()
            elif loop.time() - quiet_since >= QUIET:
                break
            await asyncio.sleep(0.05)
        current = self.ids[self.current]
        others: list[tuple[str, BotMessage]] = []
        for telegram_id, user in self.users.items():
            for message in user.drain():
                name = self.names.get(telegram_id, str(telegram_id))
                if telegram_id == current:
                    self.show(name, message)
                else:
                    others.append((name, message))
        if len(others) <= 4:
            for name, message in others:
                self.show(name, message)
        elif others:
            first = others[0][1].text.splitlines()[0] if others[0][1].text else ""
            names = "、".join(dict.fromkeys(n for n, _ in others))
            self.echo(f"  支部 → {len(others)} 条消息发给 {names}（第一条：{first}）")

    def show(self, recipient: str, message: BotMessage) -> None:
        tags = {"edit": "（更新）", "alert": "（提示）", "document": "（文件）", "photo": "（图片）"}
        tag = tags.get(message.kind, "")
        head = f"  支部 → {recipient}{tag}："
        body = message.text if message.kind != "document" else (message.document_name or "")
        lines = body.splitlines() or [""]
        self.echo(head + lines[0])
        for line in lines[1:]:
            self.echo("      " + line)
        number = 1
        for row in message.buttons:
            cells = []
            for button in row:
                cells.append(f"[{number}] {button.text}" + (f" ({button.url})" if button.url else ""))
                number += 1
            self.echo("      " + "   ".join(cells))

    async def do(self, line: str) -> bool:
        """One line of input; False to stop."""
        line = line.strip()
        if not line or line.startswith("#"):
            return True
        if line in (":q", ":quit", ":exit"):
            return False
        if line.startswith(":as"):
            name = line[3:].strip()
            if name not in self.ids:
                self.echo(f"  （没有这个人：{name}。输入 :who 查看名单）")
            else:
                self.current = name
                self.echo(f"── 现在是 {name} ──")
            return True
        if line == ":who":
            self.echo("  " + "、".join(self.ids))
            return True
        if line == ":scan":
            await self.scan()
            return True
        if line == ":digest" and self.sweep is not None:
            self.echo(f"（提醒现在就发：到了每日待办汇总的时间，{await self.sweep()} 条）")
            await self.settle()
            return True
        if line.startswith(":press") or (line.isdigit() and self.numbered_buttons() >= int(line) > 0):
            label = line[6:].strip() if line.startswith(":press") else line
            await self.press(label)
            return True
        self.echo(f"{self.current} › {line}")
        await self.user(self.current).send(line)
        await self.settle()
        return True

    async def scan(self) -> None:
        """The current person scans the newest check-in QR image anyone was shown (`/checkin ID`): their phone
        opens its deep link, `/start ci_<code>`."""
        shown = [m for u in self.users.values() for m in u.received if m.kind == "photo" and _CODE.search(m.text)]
        if not shown:
            self.echo("  （还没有人出示签到二维码：召集人先发 /checkin 会议编号）")
            return
        match = _CODE.search(max(shown, key=lambda m: (m.chat_id, m.message_id)).text)
        assert match is not None
        self.echo(f"{self.current} 扫码签到（/start ci_{match.group(1)}）")
        await self.user(self.current).send(f"/start ci_{match.group(1)}")
        await self.settle()

    def numbered_buttons(self) -> int:
        """How many buttons the current person's latest message has (a bare number presses one)."""
        received = self.user(self.current).received
        return sum(len(row) for row in received[-1].buttons) if received else 0

    async def press(self, label: str) -> None:
        user = self.user(self.current)
        try:
            message = user.last_message_with_buttons()
        except AssertionError:
            self.echo("  （最近的消息没有按钮）")
            return
        buttons = [b for row in message.buttons for b in row]
        chosen = buttons[int(label) - 1] if label.isdigit() and 0 < int(label) <= len(buttons) else None
        self.echo(f"{self.current} 按下 [{chosen.text if chosen else label}]")
        try:
            await user.press(chosen.text if chosen else label, message)
        except AssertionError as exc:
            self.echo(f"  （{exc}）")
            return
        await self.settle()

    async def play(self, lines: Iterable[str]) -> None:
        for line in lines:
            if not await self.do(line):
                break


def demo_rows(roster: Traversable, *more: Traversable) -> tuple[list[RosterRow], dict[str, int]]:
    """The rows of the roster (and of `more` files, after it), each with a Telegram id for the emulator."""
    rows: list[RosterRow] = []
    for file in (roster, *more):
        found, errors = parse_roster(file.read_text(encoding="utf-8"))
        if errors:
            raise SystemExit(f"{file}: line {errors[0].line}, column {errors[0].column}: {errors[0].key}")
        rows += found
    linked = []
    ids: dict[str, int] = {}
    for index, row in enumerate(rows):
        telegram_id = row.telegram_id or FIRST_ID + index
        linked.append(dataclasses.replace(row, telegram_id=telegram_id))
        ids.setdefault(row.name, telegram_id)
    ids[STRANGER] = STRANGER_ID
    return linked, ids


async def demo_households(store: Store) -> None:
    rows, errors = parse_households(DEMO_HOUSEHOLDS.read_text(encoding="utf-8"))
    problems = errors or (await apply_households(store, rows))[1]
    if problems:
        raise SystemExit(f"{DEMO_HOUSEHOLDS}: line {problems[0].line}, column {problems[0].column}: {problems[0].key}")


async def demo_publicity(store: Store, settings: Settings) -> None:
    """党务公开 (issue 28): one item of 白庙村党支部 posted today by its secretary, open for objections for 5 working
    days (`:as 陌生人` then `/start oj_1` objects). No group is bound in the sandbox, so nothing is sent."""
    [secretary] = await store.members.named("彭国华")
    now = datetime.now(UTC)
    starts, ends = period(now.astimezone(settings.tz).date(), 5)
    body = "经四议两公开程序，村民代表会议表决通过：硬化村东道路 800 米，预算 12 万元，由村集体经济收入列支。"
    draft = Draft(secretary.unit_id, "village", "free", "村东道路硬化工程", body, 5, starts, ends)
    item = await store.openness.add_draft(draft, secretary.id, now)
    await store.openness.post(item, 0, secretary.id, now, list)


async def demo_member_files(store: Store) -> None:
    """The member file's fields of a few demo members (流入地 and 活动证, 外来, 人户分离), as a roster gives them."""
    rows, errors = parse_roster(DEMO_FILES.read_text(encoding="utf-8"))
    if errors:
        raise SystemExit(f"{DEMO_FILES}: line {errors[0].line}, column {errors[0].column}: {errors[0].key}")
    units = {u.name: u.id for u in await store.units.all()}
    async with store.unit_of_work() as uow:
        for row in rows:
            found = [m for m in await store.members.named(row.name) if m.unit_id == units.get(row.branch)]
            if len(found) == 1:
                await uow.members.set_details(found[0].id, row.details)


async def _main(
    settings: Settings, script: Path | None, roster: Path | None, database: Path | None, interactive: bool
) -> int:
    rows, ids = demo_rows(roster) if roster is not None else demo_rows(DEMO_ROSTER, DEMO_TOWNSHIP)
    with tempfile.TemporaryDirectory(prefix="zhibu-sandbox-") as tmp:
        async with BotApiEmulator() as emu:
            sandbox_settings = settings.model_copy(
                update={
                    "bot_token": settings.bot_token or SecretStr("sandbox:TOKEN"),
                    "telegram_api_base_url": emu.base_url,
                    "database_path": database or Path(tmp) / "sandbox.sqlite3",
                    "community_name": DEMO_COMMUNITY if roster is None else settings.community_name,
                    "township_name": DEMO_TOWNSHIP_NAME if roster is None else settings.township_name,
                }
            )
            store = await Store.open(sandbox_settings.database_path)
            try:
                names = OrgNames(sandbox_settings.community_name, sandbox_settings.township_name)
                await apply_roster(store, rows, names)
                if roster is None:
                    await demo_households(store)
                    await demo_publicity(store, sandbox_settings)
                    await demo_member_files(store)
                app = build_application(sandbox_settings, store)
                async with running(app, poll_timeout=1):
                    box = Sandbox(emu, ids)
                    box.sweep = partial(sweep_now, store, sandbox_settings)
                    await box.register_everyone(store)
                    print(
                        f"Zhibu sandbox: Bot API emulator at {emu.base_url}, "
                        f"{len(rows)} members of {sandbox_settings.community_name}.\n",
                        flush=True,
                    )
                    if script is not None:
                        await box.play(script.read_text(encoding="utf-8").splitlines())
                        return 0
                    await box.play(TOUR.read_text(encoding="utf-8").splitlines())
                    if interactive:
                        await _interactive(box)
            finally:
                await store.close()
    return 0


async def sweep_now(store: Store, settings: Settings) -> int:
    """`:digest`: the reminders due now, sent at once — as if it were DIGEST_TIME, outside quiet hours — so the daily
    digest (and the buttons it carries, 「办理转出」) can be seen without waiting for the morning."""
    now_settings = settings.model_copy(update={"digest_time": "00:00", "quiet_hours": ""})
    for worked_out in ("quiet", "digest_at"):  # cached properties of the copied settings: worked out again
        now_settings.__dict__.pop(worked_out, None)
    await store.due.look_again()  # a chain put off to the end of the quiet hours is looked at now
    queued = await registry.sweep(store, now_settings, datetime.now(UTC))
    for _ in range(int(DRAIN_SECONDS / 0.05)):  # the sender paces each chat: wait until it is done
        if not await store.outbox.pending_count():
            break
        await asyncio.sleep(0.05)
    return queued


async def _interactive(box: Sandbox) -> None:
    box.echo("\n输入消息发给机器人；:as 姓名 切换身份；数字 按按钮；:who 名单；:q 退出。")
    loop = asyncio.get_running_loop()
    while True:
        try:
            line = await loop.run_in_executor(None, lambda: input(f"[{box.current}] > "))
        except EOFError:
            return
        if not await box.do(line):
            return


def main(
    settings: Settings, script: Path | None = None, roster: Path | None = None, database: Path | None = None
) -> int:
    try:
        return asyncio.run(_main(settings, script, roster, database, interactive=sys.stdin.isatty()))
    except KeyboardInterrupt:
        return 0
