"""The harness the tests share: the small roster and its people, settings for a test, and `Harness` — the real
`Application` running against the emulator, with a way to act as any user."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import ZhibuApp, build_application, services_of
from bot.config import Settings
from bot.emulator import BotApiEmulator, EmuUser
from bot.emulator.driver import Inbox
from bot.emulator.inprocess import IN_PROCESS, EmulatorRequest
from bot.handlers.notices_replies import SEATING
from bot.runtime.context import Services
from bot.services import registry as core
from bot.services.members.roster import apply_roster, parse_roster
from bot.store import Store
from tests.support.silence import nothing_more, settled

DATA = Path(__file__).parents[1] / "data"
SMALL_ROSTER = DATA / "small.csv"
BAIMIAO = Path(__file__).resolve().parents[2] / "bot" / "demo" / "roster-baimiao.csv"
#: Telegram ids of the small roster.
COMMUNITY_SECRETARY = 3001
SECRETARY = 1001
LIAISON = 1002
MIGRANT = 1003
PATROL = 1004
MEDIATOR = 1005
OTHER_SECRETARY = 2001
PLAIN = 2002
TOM = 2003
OTHER_MIGRANT = 2004
OTHER_LIAISON = 2005
STRANGER = 9999


async def loop_turn() -> None:
    """Let the event loop run once: for tests that act after a number of turns of the loop (never a time)."""
    loop = asyncio.get_running_loop()
    turned = loop.create_future()
    loop.call_soon(turned.set_result, None)
    await turned


def make_settings(tmp_path: Path, emulator: BotApiEmulator, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "bot_token": "123456:TEST-TOKEN",
        "database_path": tmp_path / "zhibu.sqlite3",
        "telegram_api_base_url": emulator.base_url or IN_PROCESS,
        "broadcast_rate": 1000,
        "reminder_sweep_seconds": 3600,  # tests sweep explicitly with `harness.sweep()`
        # drafts are saved at every stop; no periodic save racing a test's "nothing was written" checks
        # (tests/runtime/test_persistence.py runs the bot as a process with a short interval of its own)
        "persistence_seconds": 3600,
        "quiet_hours": "",
        "community_name": "测试社区党委",
        # The tests of earlier issues press 签到 as a plain button; presence proven at the venue (the product's
        # default, CHECKIN_PROOF=code) is tested on its own (tests/notices/test_checkin.py).
        "checkin_proof": "none",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def build_app(settings: Settings, store: Store, emulator: BotApiEmulator) -> ZhibuApp:
    """`build_application` talking to `emulator`: over HTTP when its server runs (a test marked `http`), else in
    process, through PTB's request interface (`EmulatorRequest`)."""
    if emulator.base_url:
        return build_application(settings, store)
    return build_application(settings, store, request=lambda: EmulatorRequest(emulator, read_timeout=10))


async def load_roster(store: Store, path: Path, community: str = "测试社区党委") -> None:
    rows, errors = parse_roster(path.read_text(encoding="utf-8"))
    assert not errors, errors
    await apply_roster(store, rows, community)


@dataclass
class Harness:
    """The bot running against the emulator, with a way to act as any user."""

    emu: BotApiEmulator
    store: Store
    settings: Settings
    app: ZhibuApp
    users: dict[int, EmuUser] = field(default_factory=dict)

    @property
    def services(self) -> Services:
        return services_of(self.app)

    def at(self, moment: datetime) -> None:
        """Fix the bot's clock at this moment (an aware datetime)."""
        self.services.clock = lambda: moment

    async def sweep(self) -> int:
        """Run the reminder sweep now, as the repeating job does, and let the sender go."""
        queued = await core.sweep(self.store, self.settings, self.services.now())
        self.services.poke_sender()
        return queued

    async def settle(self) -> None:
        """Wait until no notice sent is still being seated (Send answers first) and the outbox is empty."""
        for _ in range(200):
            if not self.services.state.get(SEATING) and await self.store.outbox.pending_count() == 0:
                return
            await asyncio.sleep(0.02)
        raise AssertionError("a notice was still being seated, or the outbox did not drain")

    async def seated(self) -> None:
        """Wait until every notice sent has its seats and copies (written after Send's answer): until the bot has
        nothing left to do (`silence.settled`, which waits for `SEATING` to empty too)."""
        await settled(self.app, self.emu)

    async def nothing_more(self, *chats: Inbox) -> None:
        """Once the bot has nothing left to do (every update handled, the outbox drained, the sender idle), these
        chats have received nothing more (tests/support/silence.py)."""
        await nothing_more(self.app, self.emu, *chats)

    def user(self, telegram_id: int, name: str = "", lang: str = "zh") -> EmuUser:
        if telegram_id not in self.users:
            self.users[telegram_id] = self.emu.add_user(telegram_id, name or f"user{telegram_id}", language_code=lang)
        return self.users[telegram_id]


def stop_sweep_job(app: ZhibuApp) -> None:
    """Tests move the clock and sweep explicitly (`harness.sweep()`); the timed job would race them."""
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name("reminder-sweep"):
        job.schedule_removal()


async def link_all(store: Store) -> None:
    for telegram_id in (MIGRANT, LIAISON, SECRETARY):
        member = await store.members.by_telegram_id(telegram_id)
        assert member is not None
        await store.members.link(member.id, telegram_id)
