"""Memory bench: resident memory of the bot with 10 000 members, idle and after a notice to all of them.

Run: `.venv/bin/python bench/memory.py [--members 10000] [--runs 3] [--json out.json]`;
`.venv/bin/python bench/memory.py --year --members 100000 --idle-only` for a community with a year of records.

Each run builds a database in a temporary folder (a generated roster of N members in ten branches plus a
secretary, imported with `parse_roster`/`apply_roster`, everyone linked), then starts two processes: the
Bot API emulator (`--emulator`, every member a started chat, no rate limit) and the bot (`--bot`: the real
application polling the emulator, BROADCAST_RATE 10 000/s so that the sender is never held back). The bot
process reads its own VmRSS from /proc/self/status:

* idle: 2 s after the first reminder sweep (it runs 10 s after start) has gone over the members and whatever
  it queued has been sent (at least 12 s after start);
* after a broadcast: one meeting notice published to every linked member by the same use case `/notice`
  Send calls (`bot.services.notices.compose.publish`: one outbox row per recipient, then the sender is
  woken), measured 2 s after the outbox has drained;
* peak: VmHWM, read after each step (start-up, the first sweep, publishing, deliveries, the secretary's
  summary), so that the step which set it is known.

The emulator runs in its own process so that its copies of 10 000 chats do not count as the bot's memory.
Goal: ≤ 150 MB. Figures are medians over `--runs`.

`--year` builds the community with `bench/dataset.py` instead: a year of status and thought reports, duty
logs and monthly meetings with their deliveries, replies and check-ins, as a live bot would have (or copies
`--database`, one that script built, afresh for each run); the first member, an admin, sends the notice.
Before the bot starts, one sweep is run and what it queued is marked as sent, as a bot that has run all year
would have sent it (otherwise the first sweep sends a year's reminders at once: not idle).
`--idle-only` stops after the idle figure (a notice to 100 000 members takes minutes to drain).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from dataset import FIRST_TELEGRAM_ID
from dataset import build as build_year
from pydantic import SecretStr

from bot.app import build_application, running, services_of
from bot.config import Settings
from bot.domain.call import Call
from bot.domain.rights import Actor
from bot.emulator import BotApiEmulator
from bot.services import registry as core
from bot.services.kernel.deps import Deps
from bot.services.members.roster import apply_roster, parse_roster
from bot.services.notices.compose import publish
from bot.store import Store
from bot.store.notices import Draft

SECRETARY_ID = 1
FIRST_ID = 300_001
COMMUNITY = "基准社区党委"
GOAL_MB = 150.0
IDLE_SECONDS = 12.0
SWEEP_LOG = "sweep queued="  # what `bot.runtime.delivery.sweep_job` logs when a sweep is done


def rss_mb(pid: str = "self", field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def roster(members: int) -> str:
    lines = ["name,branch,roles,telegram_id", f"书记,第1村党支部,secretary,{SECRETARY_ID}"]
    lines += [f"党员{i:05d},第{i % 10 + 1}村党支部,,{FIRST_ID + i}" for i in range(members)]
    return "\n".join(lines) + "\n"


async def build(path: Path, members: int) -> None:
    store = await Store.open(path)
    try:
        rows, errors = parse_roster(roster(members))
        assert not errors, errors
        await apply_roster(store, rows, COMMUNITY)
        async with store.db.transaction() as conn:  # everyone has written to the bot once
            await conn.execute("UPDATE members SET linked_at = ?", (datetime.now(UTC).isoformat(),))
    finally:
        await store.close()


# ---------------------------------------------------------------------------------------- emulator
def telegram_ids(members: int, database: Path | None) -> list[int]:
    """Everyone the bot may write to: the generated roster's, or every member with an id in `database`."""
    if database is None:
        return [SECRETARY_ID, *range(FIRST_ID, FIRST_ID + members)]
    with sqlite3.connect(database) as conn:
        return [int(r[0]) for r in conn.execute("SELECT telegram_id FROM members WHERE telegram_id IS NOT NULL")]


async def serve_emulator(members: int, database: Path | None) -> None:
    """The emulator on loopback with every chat started; prints its base URL, stops when stdin closes."""
    async with BotApiEmulator() as emu:
        for telegram_id in telegram_ids(members, database):
            emu.add_user(telegram_id, f"user{telegram_id}").started = True
        print(emu.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


# ---------------------------------------------------------------------------------------- bot
async def publish_to_all(store: Store, settings: Settings, now: datetime, sender: int) -> int:
    """One notice of the committee to every linked member, by the use case `/notice` Send calls."""
    committee = await store.units.committee()
    assert committee is not None
    secretary = await store.members.by_telegram_id(sender)
    assert secretary is not None
    draft = Draft(
        kind="general", unit_id=committee.id, starts_at=now + timedelta(days=1), place="村委会礼堂", topic="学习党章"
    )
    person = Actor(sender, secretary, admin="admin" in secretary.roles)
    done = await publish(Deps(store, settings), Call(person, now, "zh"), draft)
    return done.queued


async def pause() -> None:
    """A short wait while polling for the broadcast's progress."""
    await asyncio.sleep(0.2)


class SweepWatch(logging.Handler):
    """Notices the first sweep's log line: the sweep is over, and how many messages it queued."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(logging.INFO)
        self.loop, self.done, self.line = loop, asyncio.Event(), ""

    def emit(self, record: logging.LogRecord) -> None:
        if not self.line and record.getMessage().startswith(SWEEP_LOG):
            self.line = record.getMessage()
            self.loop.call_soon_threadsafe(self.done.set)


async def settled(store: Store, watch: SweepWatch) -> None:
    """Until the first sweep is over and what it queued is sent, then 2 s more (at least IDLE_SECONDS in all)."""
    await asyncio.gather(asyncio.wait_for(watch.done.wait(), timeout=900), asyncio.sleep(IDLE_SECONDS - 2))
    while await store.outbox.pending_count() > 0:
        await pause()
    await asyncio.sleep(2.0)


async def run_bot(database: Path, base_url: str, sender: int, idle_only: bool) -> dict[str, Any]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        bot_token=SecretStr("123456:BENCH"),
        database_path=database,
        telegram_api_base_url=base_url,
        broadcast_rate=10_000,
        quiet_hours="",
        community_name=COMMUNITY,
    )
    #: VmHWM (the peak so far) at the end of each step: the step that raised it is the one that set the peak.
    peak_by_step: dict[str, float] = {}
    watch = SweepWatch(asyncio.get_running_loop())
    delivery_log = logging.getLogger("bot.runtime.delivery")
    delivery_log.setLevel(logging.INFO)
    delivery_log.addHandler(watch)
    store = await Store.open(database)
    try:
        app = build_application(settings, store)
        async with running(app, poll_timeout=10):
            began = time.monotonic()
            peak_by_step["start-up (command menus)"] = rss_mb("self", "VmHWM")
            await settled(store, watch)
            idle, peak_by_step["start and first sweep"] = rss_mb(), rss_mb("self", "VmHWM")
            idle_at = time.monotonic() - began
            if idle_only:
                return {
                    "idle_mb": idle,
                    "peak_mb": rss_mb("self", "VmHWM"),
                    "peak_by_step_mb": peak_by_step,
                    "idle_at_seconds": idle_at,
                    "first_sweep": watch.line,
                }
            services = services_of(app)
            started = time.monotonic()
            queued = await publish_to_all(store, settings, services.now(), sender)
            peak_by_step["publishing"] = rss_mb("self", "VmHWM")
            services.poke_sender()
            while await store.outbox.pending_count() > 0:
                await pause()
            drained = time.monotonic() - started
            peak_by_step["deliveries"] = rss_mb("self", "VmHWM")
            await asyncio.sleep(2.0)  # the secretary's summary is built and sent after the last delivery
            after, peak_by_step["the secretary's summary"] = rss_mb(), rss_mb("self", "VmHWM")
        row = await store.db.fetchone("SELECT count(*) FROM outbox WHERE kind = 'notice' AND status = 'sent'")
        sent = int(row[0]) if row else 0
    finally:
        await store.close()
    return {
        "idle_mb": idle,
        "after_broadcast_mb": after,
        "peak_mb": rss_mb("self", "VmHWM"),
        "peak_by_step_mb": peak_by_step,
        "queued": queued,
        "sent": sent,
        "broadcast_seconds": drained,
        "idle_at_seconds": idle_at,
        "first_sweep": watch.line,
    }


# ---------------------------------------------------------------------------------------- orchestration
async def already_sent(database: Path) -> int:
    """What a bot that has run all year would have sent by now: one reminder sweep, its messages marked sent.
    Without it the first sweep would send a year's worth of reminders at once, and the bot is not idle."""
    settings = Settings(
        _env_file=None,
        database_path=database,
        quiet_hours="",  # type: ignore[call-arg]
        community_name=COMMUNITY,
    )
    store = await Store.open(database)
    try:
        queued = await core.sweep(store, settings, datetime.now(UTC))
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE outbox SET status = 'sent', sent_at = created_at WHERE status = 'pending'")
    finally:
        await store.close()
    return queued


def one_run(members: int, year: Path | None, idle_only: bool) -> dict[str, Any]:
    """One run on a fresh database: the generated roster, or a copy of the community with a year of records."""
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        if year is None:
            asyncio.run(build(database, members))
        else:
            shutil.copyfile(year, database)
            primed = asyncio.run(already_sent(database))
        me = [sys.executable, __file__]
        emulator = subprocess.Popen(
            [*me, "--emulator", "--members", str(members), *(["--ids-from", str(database)] if year else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert emulator.stdout is not None
            base_url = emulator.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:"), base_url
            sender = SECRETARY_ID if year is None else FIRST_TELEGRAM_ID
            bot = subprocess.run(
                [
                    *me,
                    "--bot",
                    str(database),
                    base_url,
                    "--sender",
                    str(sender),
                    *(["--idle-only"] if idle_only else []),
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=1800,
            )
            if bot.returncode != 0:
                raise RuntimeError(f"bot process failed:\n{bot.stderr[-3000:]}")
            result: dict[str, Any] = json.loads(bot.stdout.strip().splitlines()[-1])
            result["emulator_mb"] = rss_mb(str(emulator.pid))
            if year is not None:
                result["already_sent"] = primed
        finally:
            if emulator.stdin is not None:
                emulator.stdin.close()
            emulator.wait(timeout=30)
    return result


def summary(runs: list[dict[str, Any]], members: int, year: bool) -> dict[str, Any]:
    keys = [
        key
        for key in ("idle_mb", "after_broadcast_mb", "peak_mb", "emulator_mb", "broadcast_seconds", "idle_at_seconds")
        if key in runs[0]
    ]
    out: dict[str, Any] = {key: statistics.median(r[key] for r in runs) for key in keys}
    out["peak_by_step_mb"] = {
        step: statistics.median(r["peak_by_step_mb"][step] for r in runs) for step in runs[0]["peak_by_step_mb"]
    }
    out.update(members=members, runs=len(runs), goal_mb=GOAL_MB, year=year, first_sweep=runs[0]["first_sweep"])
    if "sent" in runs[0]:
        out.update(sent=min(r["sent"] for r in runs), queued=min(r["queued"] for r in runs))
    out["met"] = max(out["idle_mb"], out.get("after_broadcast_mb", 0.0)) <= GOAL_MB
    out["peak_within_goal"] = out["peak_mb"] <= GOAL_MB
    return out


def report(s: dict[str, Any]) -> None:
    records = " with a year of records" if s["year"] else " (+1 secretary)"
    print(
        f"\n{s['members']} members{records}, medians of {s['runs']} runs; bot process only "
        f"(the emulator runs in its own process: {s['emulator_mb']:.0f} MB)"
    )
    print(
        f"idle (first sweep over, its messages sent; {s['idle_at_seconds']:.0f} s after start) "
        f"{s['idle_mb']:6.1f} MB   [{s['first_sweep']}]"
    )
    if "after_broadcast_mb" in s:
        print(
            f"after a notice to {s['sent']:>6} members  {s['after_broadcast_mb']:6.1f} MB  "
            f"(drained in {s['broadcast_seconds']:.1f} s)"
        )
    print(f"peak (VmHWM)                      {s['peak_mb']:6.1f} MB")
    print(
        "peak so far after each step: " + ", ".join(f"{step} {mb:.1f} MB" for step, mb in s["peak_by_step_mb"].items())
    )
    measured = "idle and after the broadcast" if "after_broadcast_mb" in s else "idle"
    print(
        f"goal <= {GOAL_MB:g} MB {measured}: {'met' if s['met'] else 'NOT met'}; "
        f"peak {'within' if s['peak_within_goal'] else 'OVER'} it"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--year", action="store_true", help="a community with a year of records (bench/dataset.py)")
    parser.add_argument("--database", type=Path, help="with --year: a database bench/dataset.py built (copied)")
    parser.add_argument("--idle-only", action="store_true", help="stop after the idle figure")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--emulator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ids-from", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--bot", nargs=2, metavar=("DATABASE", "BASE_URL"), help=argparse.SUPPRESS)
    parser.add_argument("--sender", type=int, default=SECRETARY_ID, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.emulator:
        asyncio.run(serve_emulator(args.members, args.ids_from))
        return
    if args.bot:
        print(json.dumps(asyncio.run(run_bot(Path(args.bot[0]), args.bot[1], args.sender, args.idle_only))))
        return
    with tempfile.TemporaryDirectory() as folder:
        year: Path | None = None
        if args.year or args.database:
            year = args.database
            if year is None:
                year = Path(folder) / "community.sqlite3"
                print(f"built: {build_year(year, args.members, end=datetime.now(UTC))}", flush=True)
            with sqlite3.connect(year) as conn:
                args.members = int(conn.execute("SELECT count(*) FROM members").fetchone()[0])
        runs = []
        for n in range(args.runs):
            result = one_run(args.members, year, args.idle_only)
            runs.append(result)
            after = (
                f", after broadcast {result['after_broadcast_mb']:.1f} MB, {result['sent']} sent in "
                f"{result['broadcast_seconds']:.1f} s"
                if "after_broadcast_mb" in result
                else ""
            )
            print(
                f"run {n + 1}: idle {result['idle_mb']:.1f} MB ({result['idle_at_seconds']:.0f} s after start)"
                f"{after}, peak {result['peak_mb']:.1f} MB; {result['first_sweep']}",
                flush=True,
            )
    s = summary(runs, args.members, year is not None)
    report(s)
    if args.json:
        args.json.write_text(json.dumps({"summary": s, "runs": runs}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
