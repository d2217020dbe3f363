"""Memory bench: resident memory of the bot with 10 000 members, idle and after a notice to all of them.

Run: `.venv/bin/python bench/memory.py [--members 10000] [--runs 3] [--json out.json]`.

Each run builds a database in a temporary folder (a generated roster of N members in ten branches plus a
secretary, imported with `parse_roster`/`apply_roster`, everyone linked), then starts two processes: the
Bot API emulator (`--emulator`, every member a started chat, no rate limit) and the bot (`--bot`: the real
application polling the emulator, BROADCAST_RATE 10 000/s so that the sender is never held back). The bot
process reads its own VmRSS from /proc/self/status:

* idle: 12 s after start, i.e. after the first reminder sweep (it runs 10 s after start) has gone over
  the members;
* after a broadcast: one meeting notice published to every linked member by the same use case `/notice`
  Send calls (`bot.services.notices_compose.publish`: one outbox row per recipient, then the sender is
  woken), measured 2 s after the outbox has drained;
* peak: VmHWM, read after each step (start and first sweep, publishing, deliveries, the secretary's
  summary), so that the step which set it is known.

The emulator runs in its own process so that its copies of 10 000 chats do not count as the bot's memory.
Goal: ≤ 150 MB. Figures are medians over `--runs`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.app import build_application, running, services_of
from bot.config import Settings
from bot.emulator import BotApiEmulator
from bot.services.notices_compose import publish
from bot.services.rights import Actor
from bot.services.roster import apply_roster, parse_roster
from bot.store import Store
from bot.store.notices import Draft

SECRETARY_ID = 1
FIRST_ID = 300_001
COMMUNITY = "基准社区党委"
GOAL_MB = 150.0
IDLE_SECONDS = 12.0


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
async def serve_emulator(members: int) -> None:
    """The emulator on loopback with every chat started; prints its base URL, stops when stdin closes."""
    async with BotApiEmulator() as emu:
        for telegram_id in [SECRETARY_ID, *range(FIRST_ID, FIRST_ID + members)]:
            emu.add_user(telegram_id, f"user{telegram_id}").started = True
        print(emu.base_url, flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


# ---------------------------------------------------------------------------------------- bot
async def publish_to_all(store: Store, settings: Settings, now: datetime) -> int:
    """One notice of the committee to every linked member, by the use case `/notice` Send calls."""
    committee = await store.units.committee()
    assert committee is not None
    secretary = await store.members.by_telegram_id(SECRETARY_ID)
    assert secretary is not None
    draft = Draft(kind="general", unit_id=committee.id, starts_at=now + timedelta(days=1),
                  place="村委会礼堂", topic="学习党章")
    done = await publish(Actor(SECRETARY_ID, secretary), draft, now, store, settings, "zh")
    return done.queued


async def pause() -> None:
    """A short wait while polling for the broadcast's progress."""
    await asyncio.sleep(0.2)


async def run_bot(database: Path, base_url: str) -> dict[str, Any]:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, bot_token=SecretStr("123456:BENCH"), database_path=database,
        telegram_api_base_url=base_url, broadcast_rate=10_000, quiet_hours="", community_name=COMMUNITY,
    )
    #: VmHWM (the peak so far) at the end of each step: the step that raised it is the one that set the peak.
    peak_by_step: dict[str, float] = {}
    store = await Store.open(database)
    try:
        app = build_application(settings, store)
        async with running(app, poll_timeout=10):
            await asyncio.sleep(IDLE_SECONDS)
            idle, peak_by_step["start and first sweep"] = rss_mb(), rss_mb("self", "VmHWM")
            services = services_of(app)
            started = time.monotonic()
            queued = await publish_to_all(store, settings, services.now())
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
    return {"idle_mb": idle, "after_broadcast_mb": after, "peak_mb": rss_mb("self", "VmHWM"),
            "peak_by_step_mb": peak_by_step, "queued": queued, "sent": sent, "broadcast_seconds": drained}


# ---------------------------------------------------------------------------------------- orchestration
def one_run(members: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.sqlite3"
        asyncio.run(build(database, members))
        me = [sys.executable, __file__]
        emulator = subprocess.Popen([*me, "--emulator", "--members", str(members)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert emulator.stdout is not None
            base_url = emulator.stdout.readline().strip()
            assert base_url.startswith("http://127.0.0.1:"), base_url
            bot = subprocess.run([*me, "--bot", str(database), base_url], capture_output=True, text=True,
                                 check=False, timeout=600)
            if bot.returncode != 0:
                raise RuntimeError(f"bot process failed:\n{bot.stderr[-3000:]}")
            result: dict[str, Any] = json.loads(bot.stdout.strip().splitlines()[-1])
            result["emulator_mb"] = rss_mb(str(emulator.pid))
        finally:
            if emulator.stdin is not None:
                emulator.stdin.close()
            emulator.wait(timeout=30)
    return result


def summary(runs: list[dict[str, Any]], members: int) -> dict[str, Any]:
    keys = ("idle_mb", "after_broadcast_mb", "peak_mb", "emulator_mb", "broadcast_seconds")
    out: dict[str, Any] = {key: statistics.median(r[key] for r in runs) for key in keys}
    out["peak_by_step_mb"] = {step: statistics.median(r["peak_by_step_mb"][step] for r in runs)
                              for step in runs[0]["peak_by_step_mb"]}
    out.update(members=members, runs=len(runs), goal_mb=GOAL_MB, sent=min(r["sent"] for r in runs),
               queued=min(r["queued"] for r in runs))
    out["met"] = max(out["idle_mb"], out["after_broadcast_mb"]) <= GOAL_MB
    out["peak_within_goal"] = out["peak_mb"] <= GOAL_MB
    return out


def report(s: dict[str, Any]) -> None:
    print(f"\n{s['members']} members (+1 secretary), medians of {s['runs']} runs; bot process only "
          f"(the emulator runs in its own process: {s['emulator_mb']:.0f} MB)")
    print(f"idle (12 s after start)           {s['idle_mb']:6.1f} MB")
    print(f"after a notice to {s['sent']:>6} members  {s['after_broadcast_mb']:6.1f} MB  "
          f"(drained in {s['broadcast_seconds']:.1f} s)")
    print(f"peak (VmHWM)                      {s['peak_mb']:6.1f} MB")
    print("peak so far after each step: " + ", ".join(f"{step} {mb:.1f} MB"
                                                      for step, mb in s["peak_by_step_mb"].items()))
    print(f"goal <= {GOAL_MB:g} MB idle and after the broadcast: {'met' if s['met'] else 'NOT met'}; "
          f"peak {'within' if s['peak_within_goal'] else 'OVER'} it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--emulator", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bot", nargs=2, metavar=("DATABASE", "BASE_URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.emulator:
        asyncio.run(serve_emulator(args.members))
        return
    if args.bot:
        print(json.dumps(asyncio.run(run_bot(Path(args.bot[0]), args.bot[1]))))
        return
    runs = []
    for n in range(args.runs):
        result = one_run(args.members)
        runs.append(result)
        print(f"run {n + 1}: idle {result['idle_mb']:.1f} MB, after broadcast {result['after_broadcast_mb']:.1f} MB, "
              f"peak {result['peak_mb']:.1f} MB, {result['sent']} sent in {result['broadcast_seconds']:.1f} s",
              flush=True)
    s = summary(runs, args.members)
    report(s)
    if args.json:
        args.json.write_text(json.dumps({"summary": s, "runs": runs}, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
