"""Scale bench (issue 31): the code before and after, side by side in one run, on the same generated community.

Run: `.venv/bin/python bench/scale.py --members 10000 [--before main] [--runs 2] [--only pages,broadcast]`.

`--before` names a commit: its tree is extracted (`git archive`) to a temporary folder and each measurement runs in
a process of its own that imports the bot from that tree (PYTHONPATH), then from this one, alternately, `--runs`
times; figures are medians. Each side builds its community with its own `bench/dataset.py` (its own migrations),
member 1 is made the committee's secretary (so the lists hold every member), and each measurement works on a copy.

* **pages** — `/members`, `/reports`, `/dutyreport` of the committee secretary: the command (first page), then
  `--presses` presses of ▶ (pages 2, 3, …), each a call of the list's page use case as a press makes it; p50 / p95
  of a press; the command's own longest stall and hold (`command_stall_ms`, `command_hold_ms`); `stall_ms` is the
  longest over the command and its presses. The wording is read first and what start-up made is frozen out of the
  collector's passes (`gc.freeze`), as the bot does before polling.
* **broadcast** — a general meeting of the committee (every member) published as Send does (`compose.publish`):
  its time and the longest stall of the event loop meanwhile (a task asking to wake every millisecond); then
  `broadcast_state` with every delivery pending (what the sender asks after each delivery; median of 200); then
  the deliveries marked sent (one in 50 failed) and the secretary's summary (`summary_message`): its time, stall,
  and the growth of the process's RSS; then how long a one-line write waits when it comes 0.2 s into another
  publish to everyone (`write_wait_ms`), and the longest wait of writes made one after another 0.1 s apart until
  that publish is done (`write_wait_max_ms`; `writes_during_publish`: how many got in while it published); and
  how long the secretary waits for 「已开始发送」 (`answer_s`: `compose.open_notice`, the notice and its count,
  the seats following in the background; on a tree without it, the whole publish).
* **preview** — the preview before Send of that notice (`compose.preview`, issue 31): its time, stall, hold and
  collector pause, and the process's peak RSS (VmHWM) before and after it.
* **startup** — the application against the in-process emulator, with every linked member's chat known: the time
  from starting to polling, and the menu calls made (setMyCommands / deleteMyCommands) by then and in all.
* **import** — `import-roster` of a generated roster of `--members` rows into an empty database (`apply_roster`),
  the same roster again, and `invites` (`pending_links`) for them.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
END = datetime(2026, 11, 20, 12, tzinfo=UTC)
WHAT = ("pages", "broadcast", "preview", "startup", "import")


# ------------------------------------------------------------------------------------------------ child side
class Stalls:
    """The longest gap between two wake-ups of a task that asks to wake every millisecond (wall clock: other
    processes on the machine count), and the most CPU the event-loop thread used between two of them (`held`:
    what the code measured holds the loop for, whatever else the machine does), with the longest pause of
    Python's garbage collector (`collector`, CPU, part of a hold)."""

    def __init__(self) -> None:
        self.worst = 0.0
        self.held = 0.0
        self.collector = 0.0
        self._gc_started = 0.0
        self._task: asyncio.Task[None] | None = None
        self._woke = asyncio.Event()

    async def _run(self) -> None:
        last, cpu = time.perf_counter(), time.thread_time()
        while True:
            await asyncio.sleep(0.001)  # the probe itself: how late this wake-up comes is the stall measured
            now, cpu_now = time.perf_counter(), time.thread_time()
            self.worst = max(self.worst, now - last - 0.001)
            self.held = max(self.held, cpu_now - cpu)
            last, cpu = now, cpu_now
            self._woke.set()

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.thread_time()
        else:
            self.collector = max(self.collector, time.thread_time() - self._gc_started)

    async def woke(self) -> None:
        """Wait until the probe has woken once more (it is running, or it has seen what went before)."""
        self._woke.clear()
        await self._woke.wait()

    def __enter__(self) -> Stalls:
        self._task = asyncio.ensure_future(self._run())
        gc.callbacks.append(self._gc)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        gc.callbacks.remove(self._gc)


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def _timed(step: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    """(seconds, longest stall in seconds) of one awaited step."""
    took, stalls = await _probed(step)
    return took, stalls.worst


async def _probed(step: Callable[[], Awaitable[Any]]) -> tuple[float, Stalls]:
    """(seconds, the probe's figures) of one awaited step."""
    with Stalls() as stalls:
        await stalls.woke()
        started = time.perf_counter()
        await step()
        took = time.perf_counter() - started
        await stalls.woke()
    return took, stalls


async def _open(db: Path) -> Any:
    from bot.store import Store

    store = await Store.open(db)
    await store.db.conn.execute("UPDATE members SET unit_id = 1, group_id = NULL WHERE id = 1")
    return store


def _settings(db: Path, api: str | None = None) -> Any:
    from bot.config import Settings

    values: dict[str, Any] = {
        "bot_token": "123456:BENCH-TOKEN",
        "database_path": db,
        "broadcast_rate": 10_000,
        "reminder_sweep_seconds": 3600,
        "persistence_seconds": 3600,
        "quiet_hours": "",
        "community_name": "白庙社区党委",
    }
    if api is not None:
        values["telegram_api_base_url"] = api
    return Settings(_env_file=None, **values)


async def _call(store: Any, now: datetime) -> Any:
    from bot.domain.call import Call
    from bot.domain.rights import Actor

    member = await store.members.get(1)
    return Call(Actor(member.telegram_id, member), now, "zh")


async def child_pages(db: Path, presses: int) -> dict[str, Any]:
    from bot.i18n import check_catalogues
    from bot.services.duty.month import dutyreport_page, units_report
    from bot.services.kernel.buttons import ListPage
    from bot.services.kernel.deps import Deps
    from bot.services.kernel.pages import FilterWord, PageList
    from bot.services.reports.status_members import list_members, members_page
    from bot.services.reports.view import list_reports, reports_page

    store = await _open(db)
    deps = Deps(store, _settings(db))
    now = END - timedelta(days=3)
    call = await _call(store, now)
    month = now.year * 100 + now.month
    lists = {
        "members": (lambda: list_members(deps, call, ""), members_page, PageList.MEMBERS, 0),
        "reports": (lambda: list_reports(deps, call, ""), reports_page, PageList.REPORTS, month),
        "dutyreport": (lambda: units_report(deps, call, ""), dutyreport_page, PageList.DUTYREPORT, month),
    }
    check_catalogues()  # as `python -m bot run` does before polling: no list pays for reading the wording
    gc.collect()  # and as the bot does once started (`bot.app._settled`): what start-up made is out of the
    gc.freeze()  # collector's generations, so that its full passes walk only what the bot made since
    out: dict[str, Any] = {}
    for name, (command, page, kind, ref) in lists.items():
        first, commanding = await _probed(command)
        first_stall = commanding.worst
        times, stalls, cpu, held, collector = [], [], [], 0.0, 0.0
        for n in range(2, presses + 2):
            pressed = ListPage(kind, ref, FilterWord.ALL, n)
            started = time.thread_time()
            took, probe = await _probed(lambda pressed=pressed, page=page: page(deps, call, pressed))
            cpu.append(time.thread_time() - started)
            times.append(took)
            stalls.append(probe.worst)
            held, collector = max(held, probe.held), max(collector, probe.collector)
        times.sort()
        cpu.sort()
        p95 = min(len(times) - 1, int(len(times) * 0.95))
        out[name] = {
            "command_ms": first * 1000,
            "command_stall_ms": first_stall * 1000,  # the longest stall of the loop over the command alone
            "command_hold_ms": commanding.held * 1000,  # the most CPU it held the loop for between two turns
            "press_p50_ms": statistics.median(times) * 1000,
            "press_p95_ms": times[p95] * 1000,
            "press_cpu_p50_ms": statistics.median(cpu) * 1000,
            "press_cpu_p95_ms": cpu[p95] * 1000,
            "press_hold_ms": held * 1000,  # the most CPU a press held the loop for between two turns
            "press_collector_ms": collector * 1000,  # the longest collector pause during the presses
            "stall_ms": max([first_stall, *stalls]) * 1000,
        }
    await store.close()
    return out


async def child_broadcast(db: Path) -> dict[str, Any]:
    from bot.services.kernel.deps import Deps
    from bot.services.notices import compose
    from bot.services.notices.text import summary_message
    from bot.store.notices import Draft

    store = await _open(db)
    settings = _settings(db)
    deps = Deps(store, settings)
    now = END
    call = await _call(store, now)
    draft = Draft(kind="general", unit_id=1, starts_at=now + timedelta(days=2), place="村委会", topic="学习")
    rss0 = rss_mb()
    done: list[Any] = []
    publish_s, publishing = await _probed(lambda: _append(done, compose.publish(deps, call, draft)))
    peak_publish = _peak_mb()
    notice_id = done[0].notice_id
    states = []
    for _ in range(200):
        started = time.perf_counter()
        await store.notices.broadcast_state(notice_id)
        states.append(time.perf_counter() - started)
    await store.db.conn.execute(
        "UPDATE outbox SET status = CASE WHEN id % 50 = 0 THEN 'failed' ELSE 'sent' END WHERE ref = ?",
        (f"notice:{notice_id}",),
    )
    notice = await store.notices.get(notice_id)
    rss1 = rss_mb()
    summary_s, summarising = await _probed(lambda: summary_message(store, notice, settings.tz))
    rss2 = rss_mb()
    state_ms = statistics.median(states) * 1000
    waited, longest, writes = await _write_during_publish(deps, call, draft)
    answer_s = publish_s  # before the answer came first, Send answered after the whole publish
    if hasattr(compose, "open_notice"):
        started = time.perf_counter()
        await compose.open_notice(deps, call, draft)
        answer_s = time.perf_counter() - started
    await store.close()
    return {
        "recipients": done[0].recipients,
        "answer_s": answer_s,
        "publish_s": publish_s,
        "publish_stall_ms": publishing.worst * 1000,
        "publish_hold_ms": publishing.held * 1000,
        "publish_collector_ms": publishing.collector * 1000,
        "peak_after_publish_mb": peak_publish,
        "state_ms": state_ms,
        "bookkeeping_s": state_ms * done[0].recipients / 1000,
        "summary_s": summary_s,
        "summary_stall_ms": summarising.worst * 1000,
        "summary_hold_ms": summarising.held * 1000,
        "rss_publish_mb": rss1 - rss0,
        "rss_summary_mb": rss2 - rss1,
        "peak_mb": _peak_mb(),
        "write_wait_ms": waited * 1000,
        "write_wait_max_ms": longest * 1000,
        "writes_during_publish": writes,
    }


async def _one_write(store: Any) -> float:
    """A member's one-line write (as `/status` makes it): how long it took, waiting for the write lock included."""
    started = time.perf_counter()
    async with store.db.transaction() as conn:
        await conn.execute("UPDATE members SET language = language WHERE id = 2")
    return time.perf_counter() - started


async def _write_during_publish(deps: Any, call: Any, draft: Any) -> tuple[float, float, int]:
    """How long a member's one-line write waits when it comes 0.2 s into a publish to everyone (publishing in one
    transaction held the write lock for the whole publish; issue 31, third round), then writes one after another
    (0.1 s apart) until the publish is done: (the first's wait, the longest wait, how many were written while
    it was publishing)."""
    from bot.services.notices import compose

    publishing = asyncio.ensure_future(compose.publish(deps, call, draft))
    await asyncio.sleep(0.2)
    waits = [await _one_write(deps.store)]
    while not publishing.done():
        await asyncio.sleep(0.1)
        waits.append(await _one_write(deps.store))
    await publishing
    return waits[0], max(waits), len(waits)


async def child_preview(db: Path) -> dict[str, Any]:
    from bot.services.kernel.deps import Deps
    from bot.services.notices import compose
    from bot.store.notices import Draft

    store = await _open(db)
    deps = Deps(store, _settings(db))
    call = await _call(store, END)
    draft = Draft(kind="general", unit_id=1, starts_at=END + timedelta(days=2), place="村委会", topic="学习")
    await compose.preview(deps, call, draft.model_copy(update={"unit_id": 2}))  # imports and wording loaded
    peak0, rss0 = _peak_mb(), rss_mb()
    took, probe = await _probed(lambda: compose.preview(deps, call, draft))
    await store.close()
    return {
        "preview_s": took,
        "preview_stall_ms": probe.worst * 1000,
        "preview_hold_ms": probe.held * 1000,
        "preview_collector_ms": probe.collector * 1000,
        "rss_before_mb": rss0,
        "peak_before_mb": peak0,
        "peak_mb": _peak_mb(),
    }


def _peak_mb() -> float:
    """The process's peak RSS so far (VmHWM): what the machine's load does not change."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _append(into: list[Any], step: Awaitable[Any]) -> None:
    into.append(await step)


async def child_startup(db: Path) -> dict[str, Any]:
    from bot.app import running
    from bot.emulator import BotApiEmulator
    from bot.emulator.inprocess import IN_PROCESS, EmulatorRequest
    from bot.store import Store

    store = await Store.open(db)
    rows = await store.db.fetchall("SELECT telegram_id, name FROM members WHERE telegram_id IS NOT NULL")
    emulator = BotApiEmulator()
    for telegram_id, name in rows:
        emulator.add_user(int(telegram_id), str(name))
    settings = _settings(db, IN_PROCESS)
    from bot.app import build_application

    app = build_application(settings, store, request=lambda: EmulatorRequest(emulator, read_timeout=10))
    menu = ("setmycommands", "deletemycommands")
    started = time.perf_counter()
    async with running(app, poll_timeout=1):
        polling = time.perf_counter() - started
        by_polling = sum(1 for name, _ in emulator.calls if name in menu)
        task = app.bot_data["services"].state.get("menus_task")
        if task is not None:
            await task
        total = time.perf_counter() - started
        calls = sum(1 for name, _ in emulator.calls if name in menu)
    again = time.perf_counter()
    app = build_application(settings, store, request=lambda: EmulatorRequest(emulator, read_timeout=10))
    async with running(app, poll_timeout=1):
        polling_again = time.perf_counter() - again
        task = app.bot_data["services"].state.get("menus_task")
        if task is not None:
            await task
    calls_again = sum(1 for name, _ in emulator.calls if name in menu) - calls
    await store.close()
    return {
        "to_polling_s": polling,
        "menu_calls_before_polling": by_polling,
        "menus_done_s": total,
        "menu_calls": calls,
        "restart_to_polling_s": polling_again,
        "restart_menu_calls": calls_again,
    }


async def child_import(db: Path, members: int) -> dict[str, Any]:
    from bot.services.members.invites import pending_links
    from bot.services.members.roster import apply_roster, parse_roster
    from bot.store import Store

    lines = ["name,branch,group,roles,telegram_id,posts"]
    lines += [
        f"党员{i:06d},第{i % (members // 1000 + 1) + 1}村党支部,{'第1党小组' if i % 3 else ''},"
        f"{'liaison' if i % 200 == 1 else ''},{900_001 + i if i % 4 else ''},{'patrol' if i % 50 == 5 else ''}"
        for i in range(members)
    ]
    rows, errors = parse_roster("\n".join(lines) + "\n")
    assert not errors, errors[:3]
    store = await Store.open(db)
    first, first_stall = await _timed(lambda: apply_roster(store, rows, "白庙社区党委"))
    again, _ = await _timed(lambda: apply_roster(store, rows, "白庙社区党委"))
    invites, _ = await _timed(lambda: pending_links(store, "zhibu_bot"))
    await store.close()
    return {"import_s": first, "import_stall_ms": first_stall * 1000, "reimport_s": again, "invites_s": invites}


def child(args: argparse.Namespace) -> None:
    db = Path(args.db)
    if args.what == "pages":
        out = asyncio.run(child_pages(db, args.presses))
    elif args.what == "broadcast":
        out = asyncio.run(child_broadcast(db))
    elif args.what == "preview":
        out = asyncio.run(child_preview(db))
    elif args.what == "startup":
        out = asyncio.run(child_startup(db))
    else:
        out = asyncio.run(child_import(db, args.members))
    print(json.dumps(out))


# ----------------------------------------------------------------------------------------------- parent side
def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}


def _run(tree: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(Path(__file__)), *args], env=_env(tree), cwd=tree, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def _schema_digest(tree: Path) -> str:
    """What a side's community depends on: its migrations and `bench/dataset.py`."""
    digest = hashlib.sha256()
    for file in [*sorted((tree / "bot/store/migrations").glob("*.sql")), tree / "bench/dataset.py"]:
        digest.update(file.name.encode() + file.read_bytes())
    return digest.hexdigest()[:12]


def _community(tree: Path, folder: Path, members: int, keep: Path | None = None) -> Path:
    """The side's community: built, or taken from `keep` when one was built there from the same migrations and
    dataset (both sides share it then). A copy is made for each measurement, so the kept one is never changed."""
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        kept = keep / f"community-{members}-{_schema_digest(tree)}.sqlite3"
        if kept.exists():
            print(f"  {tree.name}: the community kept at {kept}", flush=True)
            return kept
        folder = keep
    path = folder / f"community-{members}.sqlite3"
    code = (
        "import sys; from pathlib import Path; from datetime import datetime, UTC; "
        "sys.path.insert(0, 'bench'); import dataset; "
        f"print(dataset.build(Path({str(path)!r}), members={members}, months=3, end=datetime(2026, 11, 20, 12, "
        "tzinfo=UTC)))"
    )
    done = subprocess.run([sys.executable, "-c", code], env=_env(tree), cwd=tree, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: dataset failed:\n{done.stderr[-3000:]}")
    print(f"  {tree.name}: {done.stdout.strip()}", flush=True)
    if keep is not None:
        kept = keep / f"community-{members}-{_schema_digest(tree)}.sqlite3"
        path.rename(kept)
        return kept
    return path


def _medians(results: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in results[0].items():
        if isinstance(value, dict):
            out[key] = _medians([r[key] for r in results])
        else:
            out[key] = statistics.median(r[key] for r in results)
    return out


def _flat(prefix: str, value: Any) -> list[tuple[str, float]]:
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _flat(f"{prefix}.{k}" if prefix else k, v)]
    return [(prefix, float(value))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", dest="what", choices=WHAT)
    parser.add_argument("--db")
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=10)
    parser.add_argument("--before", default="main")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default=",".join(WHAT))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="a folder where the communities built are kept and reused")
    parser.add_argument("--sides", default="before,after", help="the sides to run: before,after (or one of them)")
    args = parser.parse_args()
    if args.what:
        child(args)
        return
    only = [w for w in args.only.split(",") if w]
    with tempfile.TemporaryDirectory(prefix="zhibu-scale-") as tmp:
        folder = Path(tmp)
        before = folder / "before"
        before.mkdir()
        archive = subprocess.run(["git", "archive", args.before], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(before)], input=archive, check=True)
        wanted = [w for w in args.sides.split(",") if w]
        sides = {side: tree for side, tree in {"before": before, "after": ROOT}.items() if side in wanted}
        commit = subprocess.run(
            ["git", "rev-parse", "--short", args.before], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        print(f"before: {args.before} ({commit}); after: the working tree; {args.members} members", flush=True)
        communities = {}
        for side, tree in sides.items():
            (folder / side).mkdir(exist_ok=True)
            if set(only) - {"import"}:
                communities[side] = _community(tree, folder / side, args.members, args.keep)
        results: dict[str, dict[str, list[dict[str, Any]]]] = {w: {side: [] for side in sides} for w in only}
        for what in only:
            for _ in range(args.runs):
                for side, tree in sides.items():
                    db = folder / side / f"{what}.sqlite3"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
                    if what != "import":
                        shutil.copy(communities[side], db)
                    extra = ["--presses", str(args.presses)] if what == "pages" else []
                    line = _run(tree, "--child", what, "--db", str(db), "--members", str(args.members), *extra)
                    results[what][side].append(json.loads(line))
            medians = {side: _medians(runs) for side, runs in results[what].items()}
            print(f"\n{what} ({args.members} members, medians of {args.runs})", flush=True)
            print(f"  {'figure':<42} {'before':>12} {'after':>12} {'after/before':>12}")
            nothing: dict[str, Any] = {}
            first = medians.get("before") or medians.get("after") or nothing
            before_figures = dict(_flat("", medians.get("before") or nothing))
            after = dict(_flat("", medians.get("after") or nothing))
            for key, _ in _flat("", first):
                value = before_figures.get(key, float("nan"))
                new = after.get(key, float("nan"))
                ratio = new / value if value else float("nan")
                print(f"  {key:<42} {value:>12.2f} {new:>12.2f} {ratio:>12.3f}", flush=True)
        if args.json:
            args.json.write_text(json.dumps({"members": args.members, "results": results}, indent=1))


if __name__ == "__main__":
    main()
