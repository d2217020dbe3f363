"""Updates bench: a burst of one-line `/status` reports, Zhibu against the bare framework floor.

Run: `.venv/bin/python bench/updates.py [--members 400] [--runs 3] [--json out.json]`.

Each run starts a fresh Bot API emulator (in this process) and a fresh database, imports a generated
roster of N members with Telegram ids and links them (`store.members.link`), then every member sends
`/status away_work | 广东东莞 | 电子厂` at once (mobile members: see `roster`). Zhibu answers each with a real
write (the status row, the member's last-seen time and the update's applied-once mark) and a reply. The floor is a bare
python-telegram-bot `Application` with one `CommandHandler` that inserts one row with aiosqlite (WAL
and the pragmas of `bot/store/db.py`) and replies with `send_message`, against the same emulator and
with the same transport (HTTPX pools, `AIORateLimiter`, long polling with no interval).

BROADCAST_RATE (the rate limiter's overall rate) is 10 000/s on both sides so that it never throttles
the replies. Latency runs from the update being queued in the emulator to the reply arriving in the
member's inbox; throughput is N over the time from the first update queued to the last reply. The sides
run alternately, `--runs` times each; the medians are reported with the ratio Zhibu / floor (goal ≥ 0.8).

`--hide-sniffio` makes `import sniffio` fail as it did before sniffio was a dependency (after the same
search of sys.path): httpcore imports it on every request. `--sniffio-ab` compares both in one process,
hidden and installed alternately, each side and each way `--runs` times.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.abc
import importlib.machinery
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import aiosqlite
from pydantic import SecretStr
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from bot.app import build_application, running
from bot.config import Settings
from bot.domain.models import Member
from bot.emulator import BotApiEmulator, BotMessage, EmuUser
from bot.services.members.people import first_look
from bot.services.members.roster import apply_roster, parse_roster
from bot.store import Store
from bot.store.db import current_update_id

RATE = 10_000.0  # BROADCAST_RATE on both sides: never the bottleneck here
TEXT = "/status away_work | 广东东莞 | 电子厂"
FIRST_ID = 200_001
GOAL_RATIO = 0.8
#: The floor's CPU per update over Zhibu's, median of the pairs (issue 31): Zhibu within 10 % of the floor.
GOAL_CPU_RATIO = 0.9
Side = Callable[[BotApiEmulator, Path, int], AbstractAsyncContextManager[None]]


@dataclass
class Run:
    side: str
    members: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms: float  # CPU time of this process (bot, emulator and database thread) per update
    tasks: float = 0.0  # tasks created per update (the emulator's too, the same on both sides)
    turns: float = 0.0  # turns of the event loop per update (idem)


class Counted:
    """Tasks created and turns of the event loop while it is on (a task factory; the loop's `_run_once`)."""

    def __init__(self) -> None:
        self.tasks = self.turns = 0

    def __enter__(self) -> Counted:
        loop = asyncio.get_running_loop()
        self._loop, self._factory, self._run_once = loop, loop.get_task_factory(), loop._run_once  # type: ignore[attr-defined]

        def factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> asyncio.Task[Any]:
            self.tasks += 1
            return asyncio.Task(coro, loop=loop, **kwargs)

        def run_once() -> None:
            self.turns += 1
            self._run_once()

        loop.set_task_factory(factory)  # type: ignore[arg-type]
        loop._run_once = run_once  # type: ignore[attr-defined]
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.set_task_factory(self._factory)
        self._loop._run_once = self._run_once  # type: ignore[attr-defined]


class NoSniffio(importlib.abc.MetaPathFinder):
    """`import sniffio` fails as it did when it was not installed: after searching sys.path for it."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> None:
        if name == "sniffio" or name.startswith("sniffio."):
            importlib.machinery.PathFinder.find_spec("sniffio_not_installed")  # the same search, finding nothing
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


_HIDER = NoSniffio()


def hide_sniffio(hidden: bool = True) -> None:
    """From now on `import sniffio` fails (hidden) or finds the installed package again."""
    for name in [n for n in sys.modules if n == "sniffio" or n.startswith("sniffio.")]:
        del sys.modules[name]
    if hidden and _HIDER not in sys.meta_path:
        sys.meta_path.insert(0, _HIDER)
    if not hidden and _HIDER in sys.meta_path:
        sys.meta_path.remove(_HIDER)


def roster(members: int) -> str:
    """Mobile members (流动), as those who report 外出务工 are: for a member who is not mobile, going away also asks
    「外出会超过一个月吗？」 (issue 12), a second message the floor has no counterpart for."""
    lines = ["name,branch,category,telegram_id"] + [
        f"党员{i:05d},基准村党支部,流动,{FIRST_ID + i}" for i in range(members)
    ]
    return "\n".join(lines) + "\n"


def transport(builder: ApplicationBuilder) -> ApplicationBuilder:  # type: ignore[type-arg]
    """The request objects and rate limiter of `bot.app.build_application`, with BROADCAST_RATE = RATE."""
    limiter: AIORateLimiter = AIORateLimiter(
        overall_max_rate=RATE, overall_time_period=1, group_max_rate=20, group_time_period=60, max_retries=5
    )
    return (
        builder.rate_limiter(limiter)
        .request(HTTPXRequest(connection_pool_size=16, read_timeout=10, write_timeout=20))
        .get_updates_request(HTTPXRequest(read_timeout=40))
    )


# ---------------------------------------------------------------------------------------- Zhibu
@asynccontextmanager
async def zhibu(emu: BotApiEmulator, folder: Path, members: int) -> AsyncIterator[None]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr("123456:BENCH"),
        database_path=folder / "zhibu.sqlite3",
        telegram_api_base_url=emu.base_url,
        broadcast_rate=RATE,
        reminder_sweep_seconds=3600,
        quiet_hours="",
        community_name="基准社区党委",
    )
    store = await Store.open(settings.database_path)
    try:
        rows, errors = parse_roster(roster(members))
        assert not errors, errors
        await apply_roster(store, rows, settings.community_name)
        for member in await store.members.all():
            assert member.telegram_id is not None
            await store.members.link(member.id, member.telegram_id)
        async with running(build_application(settings, store), poll_timeout=10):
            yield
        count = await store.db.fetchone("SELECT count(*) FROM status_reports")
        assert count is not None and count[0] == members, f"{count[0] if count else 0} status rows"
    finally:
        await store.close()


# ---------------------------------------------------------------------------------------- floor
async def floor_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Parse the one-line form, insert one row, reply."""
    message, db = update.effective_message, context.bot_data["db"]
    assert message is not None and message.text is not None and update.effective_user is not None
    fields = [p.strip() for p in message.text.partition(" ")[2].split("|")]
    await db.execute(
        "INSERT INTO status_reports (telegram_id, state, location, note, at) VALUES (?, ?, ?, ?, ?)",
        (update.effective_user.id, fields[0], fields[1], fields[2], message.date.isoformat()),
    )
    await context.bot.send_message(
        message.chat_id, f"已报备：<b>{fields[0]}</b>（{fields[1]}）。谢谢！", parse_mode=ParseMode.HTML
    )


@asynccontextmanager
async def floor(emu: BotApiEmulator, folder: Path, members: int) -> AsyncIterator[None]:
    db = await aiosqlite.connect(folder / "floor.sqlite3", isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON", "busy_timeout = 5000"):
        await db.execute(f"PRAGMA {pragma}")
    await db.execute(
        "CREATE TABLE status_reports (id INTEGER PRIMARY KEY, telegram_id INTEGER NOT NULL, "
        "state TEXT NOT NULL, location TEXT, note TEXT, at TEXT NOT NULL)"
    )
    builder = (
        ApplicationBuilder()
        .token("123456:FLOOR")
        .base_url(emu.base_url + "/bot")
        .base_file_url(emu.base_url + "/file/bot")
    )
    app: Application[Any, Any, Any, Any, Any, Any] = transport(builder).build()
    app.bot_data["db"] = db
    app.add_handler(CommandHandler("status", floor_status))
    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)
            yield
            await app.updater.stop()
            await app.stop()
        async with db.execute("SELECT count(*) FROM status_reports") as cur:
            count = await cur.fetchone()
        assert count is not None and count[0] == members, f"{count[0] if count else 0} status rows"
    finally:
        await db.close()


# ---------------------------------------------------------------------------------------- floor, Zhibu's SQL
async def floor_sql_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What Zhibu's database does for the one-line form — the gate's first look (applied already? which
    member?) and the status write with the update's applied-once mark, through Zhibu's own store — and a reply;
    none of Zhibu's gate, rights, conversations, wording or ordering."""
    message, store = update.effective_message, context.bot_data["store"]
    assert message is not None and message.text is not None and update.effective_user is not None
    fields = [p.strip() for p in message.text.partition(" ")[2].split("|")]
    token = current_update_id.set(update.update_id)
    try:
        seen, member = await first_look(store, update.update_id, update.effective_user.id)
        assert not seen and isinstance(member, Member)
        await store.reports.add_status(member.id, fields[0], fields[1], fields[2], message.date)
    finally:
        current_update_id.reset(token)
    await context.bot.send_message(
        message.chat_id, f"已报备：<b>{fields[0]}</b>（{fields[1]}）。谢谢！", parse_mode=ParseMode.HTML
    )


@asynccontextmanager
async def floor_sql(emu: BotApiEmulator, folder: Path, members: int) -> AsyncIterator[None]:
    """The bare framework with Zhibu's store on the same roster: the floor that runs the same SQL."""
    store = await Store.open(folder / "floor.sqlite3")
    try:
        rows, errors = parse_roster(roster(members))
        assert not errors, errors
        await apply_roster(store, rows, "基准社区党委")
        for member in await store.members.all():
            assert member.telegram_id is not None
            await store.members.link(member.id, member.telegram_id)
        builder = (
            ApplicationBuilder()
            .token("123456:FLOOR")
            .base_url(emu.base_url + "/bot")
            .base_file_url(emu.base_url + "/file/bot")
        )
        app: Application[Any, Any, Any, Any, Any, Any] = transport(builder).build()
        app.bot_data["store"] = store
        app.add_handler(CommandHandler("status", floor_sql_status))
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0.0, timeout=10, allowed_updates=Update.ALL_TYPES)
            yield
            await app.updater.stop()
            await app.stop()
        count = await store.db.fetchone("SELECT count(*) FROM status_reports")
        assert count is not None and count[0] == members, f"{count[0] if count else 0} status rows"
    finally:
        await store.close()


FLOORS: dict[str, Side] = {"sql": floor_sql, "insert": floor}


# ---------------------------------------------------------------------------------------- the burst
def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def watch(user: EmuUser, arrived: dict[int, float], done: asyncio.Event, expected: int) -> None:
    """Stamp the first reply's arrival in the user's inbox (the emulator calls `push` synchronously)."""
    push = user.push

    def stamped(msg: BotMessage) -> None:
        push(msg)
        if user.id not in arrived:
            arrived[user.id] = time.perf_counter()
            if len(arrived) == expected:
                done.set()

    user.push = stamped  # type: ignore[method-assign]


async def burst(side: str, start: Side, members: int) -> Run:
    async with BotApiEmulator() as emu:
        users = [emu.add_user(FIRST_ID + i, f"党员{i:05d}") for i in range(members)]
        arrived: dict[int, float] = {}
        done = asyncio.Event()
        for user in users:
            user.started = True
            watch(user, arrived, done, members)
        with tempfile.TemporaryDirectory() as folder:
            async with start(emu, Path(folder), members):
                await asyncio.sleep(1.0)  # start-up work (command menu, sender) out of the way
                queued: dict[int, float] = {}
                cpu = time.process_time()
                with Counted() as counted:
                    for user in users:
                        queued[user.id] = time.perf_counter()
                        await user.send(TEXT)
                    await asyncio.wait_for(done.wait(), timeout=120)
                cpu = time.process_time() - cpu
                for user in users:
                    reply = user.received[0].text
                    assert "已报备" in reply, f"{side}: unexpected reply {reply!r}"
    latencies = [(arrived[u] - queued[u]) * 1000 for u in queued]
    seconds = max(arrived.values()) - min(queued.values())
    return Run(
        side,
        members,
        seconds,
        members / seconds,
        statistics.median(latencies),
        percentile(latencies, 0.99),
        cpu * 1000 / members,
        counted.tasks / members,
        counted.turns / members,
    )


def summary(runs: list[Run]) -> dict[str, Any]:
    out: dict[str, Any] = {"members": runs[0].members, "runs_per_side": len(runs) // 2, "broadcast_rate": RATE}
    for side in ("zhibu", "floor"):
        mine = [r for r in runs if r.side == side]
        out[side] = {
            key: statistics.median(getattr(r, key) for r in mine)
            for key in ("seconds", "per_second", "p50_ms", "p99_ms", "cpu_ms", "tasks", "turns")
        }
        out[side]["all_per_second"] = [round(r.per_second, 1) for r in mine]
    out["ratio"] = out["zhibu"]["per_second"] / out["floor"]["per_second"]
    out["goal_ratio"] = GOAL_RATIO
    out["met"] = out["ratio"] >= GOAL_RATIO
    # each pair ran back to back (the order alternating): the floor's CPU per update over Zhibu's
    pairs = [
        f.cpu_ms / z.cpu_ms
        for z, f in zip([r for r in runs if r.side == "zhibu"], [r for r in runs if r.side == "floor"], strict=False)
    ]
    out["cpu_ratio_pairs"] = [round(p, 3) for p in pairs]
    out["cpu_ratio"] = statistics.median(pairs)
    out["cpu_ratio_range"] = (min(pairs), max(pairs))
    out["goal_cpu_ratio"] = GOAL_CPU_RATIO
    return out


async def bench(members: int, runs: int, floor_kind: str = "sql") -> dict[str, Any]:
    sides: list[tuple[str, Side]] = [("zhibu", zhibu), ("floor", FLOORS[floor_kind])]
    results: list[Run] = []
    for n in range(runs):
        for name, side in sides if n % 2 == 0 else sides[::-1]:
            run = await burst(name, side, members)
            results.append(run)
            print(
                f"run {n + 1} {name:<5} {run.per_second:7.1f} updates/s  p50 {run.p50_ms:7.1f} ms  "
                f"p99 {run.p99_ms:7.1f} ms  CPU {run.cpu_ms:.2f} ms/update  ({run.seconds:.2f} s)  "
                f"{run.tasks:.1f} tasks, {run.turns:.1f} loop turns per update",
                flush=True,
            )
    return {"summary": summary(results), "runs": [asdict(r) for r in results]}


async def sniffio_ab(members: int, runs: int) -> dict[str, Any]:
    """Both sides with `import sniffio` failing and succeeding, alternately in one process."""
    sides: list[tuple[str, Side]] = [("zhibu", zhibu), ("floor", floor)]
    results: list[tuple[bool, Run]] = []
    for n in range(runs):
        for hidden in (True, False) if n % 2 == 0 else (False, True):
            hide_sniffio(hidden)
            for name, side in sides if n % 2 == 0 else sides[::-1]:
                run = await burst(name, side, members)
                results.append((hidden, run))
                print(
                    f"run {n + 1} {'no sniffio' if hidden else 'sniffio':<10} {name:<5} {run.per_second:7.1f} "
                    f"updates/s  CPU {run.cpu_ms:.2f} ms/update",
                    flush=True,
                )
    hide_sniffio(False)
    out: dict[str, Any] = {"members": members, "runs": runs}
    for hidden, label in ((True, "without"), (False, "with")):
        mine = {side: [r for h, r in results if h == hidden and r.side == side] for side in ("zhibu", "floor")}
        out[label] = {
            side: {
                "per_second": statistics.median(r.per_second for r in rs),
                "cpu_ms": statistics.median(r.cpu_ms for r in rs),
            }
            for side, rs in mine.items()
        }
        out[label]["ratio"] = out[label]["zhibu"]["per_second"] / out[label]["floor"]["per_second"]
    return out


def report_ab(ab: dict[str, Any]) -> None:
    print(f"\n{ab['members']} members, medians of {ab['runs']} runs per side and way")
    for label in ("without", "with"):
        v, z, f = ab[label], ab[label]["zhibu"], ab[label]["floor"]
        print(
            f"{label:<7} sniffio: Zhibu {z['per_second']:6.1f} updates/s (CPU {z['cpu_ms']:.2f} ms), "
            f"floor {f['per_second']:6.1f} updates/s (CPU {f['cpu_ms']:.2f} ms), ratio {v['ratio']:.2f}"
        )


def report(result: dict[str, Any]) -> None:
    s = result["summary"]
    print(
        f"\n{s['members']} members, one /status each, BROADCAST_RATE {s['broadcast_rate']:g}/s on both sides; "
        f"medians of {s['runs_per_side']} runs per side"
    )
    for side in ("zhibu", "floor"):
        v = s[side]
        print(
            f"{side:<6} {v['per_second']:7.1f} updates/s  p50 {v['p50_ms']:7.1f} ms  p99 {v['p99_ms']:7.1f} ms  "
            f"CPU {v['cpu_ms']:.2f} ms/update  {v['tasks']:.1f} tasks, {v['turns']:.1f} loop turns per update"
        )
    print(f"ratio Zhibu/floor (throughput) {s['ratio']:.2f} (goal >= {GOAL_RATIO}) {'met' if s['met'] else 'NOT met'}")
    low, high = s["cpu_ratio_range"]
    met = "met" if s["cpu_ratio"] >= GOAL_CPU_RATIO else "NOT met"
    print(
        f"CPU per update, floor/Zhibu, median of {len(s['cpu_ratio_pairs'])} pairs: {s['cpu_ratio']:.2f} "
        f"(min {low:.2f}, max {high:.2f}; goal >= {GOAL_CPU_RATIO}) {met}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--runs", type=int, default=10, help="runs per side, alternating (pairs)")
    parser.add_argument(
        "--floor", choices=sorted(FLOORS), default="sql", help="sql: Zhibu's own SQL; insert: one INSERT (before)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--hide-sniffio", action="store_true", help="import sniffio fails, as before it was added")
    parser.add_argument("--sniffio-ab", action="store_true", help="with and without sniffio, alternately")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.sniffio_ab:
        ab = asyncio.run(sniffio_ab(args.members, args.runs))
        report_ab(ab)
        if args.json:
            args.json.write_text(json.dumps(ab, ensure_ascii=False, indent=2), encoding="utf-8")
        return
    if args.hide_sniffio:
        hide_sniffio()
    result = asyncio.run(bench(args.members, args.runs, args.floor))
    report(result)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
