"""Run every benchmark and rewrite `bench/RESULTS.md` with the machine and each figure against its goal.

Run: `.venv/bin/python bench/run_all.py [--runs 3]` from the repository root (about half an hour on two
cores). Runs each bench (`sweep.py` at 10 000 and 100 000 members, `broadcast.py` when present, `updates.py`,
`memory.py`, `export.py`) and takes the medians of their figures. The community of 100 000 members with a
year of records (`dataset.py`) is built once and shared by `export.py` and `memory.py --year`, which copy it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "RESULTS.md"
#: Everything in RESULTS.md from this line on is written by hand (`scale.py`, `sweep.py --sources` runs) and kept.
BY_HAND = "<!-- by hand below: run_all.py keeps what follows -->"
LIBRARIES = ("python-telegram-bot", "aiosqlite", "httpx", "httpcore", "aiohttp", "pydantic")


@dataclass
class Figure:
    bench: str
    name: str
    value: str
    goal: str
    met: bool | None  # None: for information, no goal


class Community:
    """The 100 000-member community with a year of records, built by `dataset.py` when first needed."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "community.sqlite3"

    def database(self) -> str:
        if not self.path.exists():
            run("dataset.py", str(self.path), "--members", "100000")
        return str(self.path)


def run(script: str, *args: str) -> str:
    """Run a bench script, echoing its output as it comes; return the output."""
    print(f"\n$ {Path(sys.executable).name} bench/{script} {' '.join(args)}", flush=True)
    proc = subprocess.Popen(
        [sys.executable, str(BENCH / script), *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    if proc.wait() != 0:
        raise SystemExit(f"bench/{script} failed with status {proc.returncode}")
    return "".join(lines)


def repeated(script: str, runs: int, patterns: dict[str, str]) -> dict[str, float]:
    """Run `script` `runs` times; the median of each regex's first group over the runs."""
    found: dict[str, list[float]] = {key: [] for key in patterns}
    for _ in range(runs):
        output = run(script)
        for key, pattern in patterns.items():
            match = re.search(pattern, output)
            if match is None:
                raise SystemExit(f"bench/{script}: no {key!r} in its output")
            found[key].append(float(match.group(1)))
    return {key: statistics.median(values) for key, values in found.items()}


def with_json(script: str, runs: int, *args: str) -> dict[str, Any]:
    """Run a bench that takes `--runs` and `--json`; its summary."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.json"
        run(script, "--runs", str(runs), "--json", str(out), *args)
        summary: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))["summary"]
        return summary


def sweep(runs: int) -> list[Figure]:
    """`sweep.py` takes its medians itself (`--runs`), at 10 000 and 100 000 members."""
    out = run("sweep.py", "--runs", str(runs))

    def find(pattern: str) -> tuple[float, ...]:
        match = re.search(pattern, out)
        if match is None:
            raise SystemExit(f"bench/sweep.py: no {pattern!r} in its output")
        return tuple(float(g) for g in match.groups())

    steady = r"members {}: steady sweep \(nothing new due\) median ([\d.]+) ms, database ([\d.]+) ms"
    small, small_db = find(steady.format(10000))
    large, large_db = find(steady.format(100000))
    (ratio,) = find(r"ratio 100000/10000: steady database time ([\d.]+)")
    queued, many, many_db = find(r"members 100000: many due: queued (\d+), median (\d+) ms, database (\d+) ms")
    stall, held = find(r"longest event-loop stall: ([\d.]+) ms, longest hold of the loop: ([\d.]+) ms")
    (full,) = find(r"members 100000: full look of every mobile member \(the sweep before the due table\) median (\d+)")
    return [
        Figure(
            "sweep.py",
            "steady sweep (nothing new due), database time, 100 000 members",
            f"{large_db:.2f} ms",
            "≤ 50 ms",
            large_db <= 50,
        ),
        Figure(
            "sweep.py",
            "steady sweep database time, 100 000 / 10 000 members",
            f"{ratio:.2f} ({large_db:.2f} / {small_db:.2f} ms)",
            "≈ 1 (≤ 1.5)",
            ratio <= 1.5,
        ),
        Figure("sweep.py", "steady sweep, whole, 10 000 / 100 000 members", f"{small:.2f} / {large:.2f} ms", "—", None),
        Figure(
            "sweep.py",
            "longest hold of the event loop by a sweep (its thread's CPU between two wake-ups)",
            f"{held:.1f} ms",
            "≤ 50 ms",
            held <= 50,
        ),
        Figure(
            "sweep.py",
            "longest event-loop stall during a sweep (wall clock, other load included)",
            f"{stall:.1f} ms",
            "≤ 50 ms",
            stall <= 50,
        ),
        Figure(
            "sweep.py",
            f"everything due at once, 100 000 members: {queued:.0f} messages queued in one sweep",
            f"{many / 1000:.1f} s (database {many_db / 1000:.1f} s)",
            "—",
            None,
        ),
        Figure(
            "sweep.py",
            "the full look the sweep made every minute before the due table, 100 000 members",
            f"{full:.0f} ms",
            "—",
            None,
        ),
    ]


def updates(runs: int) -> list[Figure]:
    s = with_json("updates.py", max(runs, 10))  # the CPU ratio is a median of at least 10 pairs
    z, f, ratio = s["zhibu"], s["floor"], float(s["ratio"])
    cpu, (low, high) = float(s["cpu_ratio"]), s["cpu_ratio_range"]
    name = "burst of 400 `/status` one-liners"
    return [
        Figure(
            "updates.py",
            f"Zhibu: {name}",
            f"{z['per_second']:.0f} updates/s, p50 {z['p50_ms']:.0f} ms, "
            f"p99 {z['p99_ms']:.0f} ms, CPU {z['cpu_ms']:.2f} ms/update",
            "—",
            None,
        ),
        Figure(
            "updates.py",
            f"floor (bare PTB running Zhibu's SQL): {name}",
            f"{f['per_second']:.0f} updates/s, p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms, "
            f"CPU {f['cpu_ms']:.2f} ms/update",
            "—",
            None,
        ),
        Figure("updates.py", "throughput ratio Zhibu / floor", f"{ratio:.2f}", "—", None),
        Figure(
            "updates.py",
            f"CPU per update, floor / Zhibu, median of {len(s['cpu_ratio_pairs'])} alternating pairs",
            f"{cpu:.2f} ({low:.2f}–{high:.2f})",
            "≥ 0.9",
            cpu >= 0.9,
        ),
    ]


def memory(runs: int) -> list[Figure]:
    s = with_json("memory.py", runs)
    idle, after, peak = (float(s[k]) for k in ("idle_mb", "after_broadcast_mb", "peak_mb"))
    return [
        Figure(
            "memory.py",
            "RSS, 10 000 members, idle (first sweep over, ≥ 12 s after start)",
            f"{idle:.0f} MB",
            "≤ 150 MB",
            idle <= 150,
        ),
        Figure("memory.py", f"RSS after a notice to {s['sent']} members", f"{after:.0f} MB", "≤ 150 MB", after <= 150),
        Figure(
            "memory.py",
            f"peak RSS (VmHWM) over the run, reached during: {peak_step(s['peak_by_step_mb'])}",
            f"{peak:.0f} MB",
            "≤ 150 MB",
            peak <= 150,
        ),
    ]


def memory_year(runs: int, community: Community) -> list[Figure]:
    s = with_json("memory.py", runs, "--database", community.database(), "--idle-only")
    idle, peak = float(s["idle_mb"]), float(s["peak_mb"])
    return [
        Figure(
            "memory.py",
            f"RSS, {spaced(s['members'])} members with a year of records, idle (first sweep over, "
            f"{s['idle_at_seconds']:.0f} s after start)",
            f"{idle:.0f} MB",
            "≤ 150 MB",
            idle <= 150,
        ),
        Figure(
            "memory.py",
            "peak RSS (VmHWM) at 100 000 members: start-up and the first sweep",
            f"{peak:.0f} MB",
            "—",
            None,
        ),
    ]


def export(runs: int, community: Community) -> list[Figure]:
    s = with_json("export.py", runs, "--database", community.database())
    peak, floor = float(s["peak_mb"]), float(s["import_only_mb"])
    return [
        Figure(
            "export.py",
            f"peak RSS of `python -m bot export` at {spaced(s['members'])} members with a year of "
            f"records ({spaced(s['rows'])} rows, {s['files_mb']:.0f} MB of CSV, {s['seconds']:.0f} s; a "
            f"process that only imports the bot: {floor:.0f} MB)",
            f"{peak:.0f} MB",
            "≤ 200 MB",
            peak <= 200,
        )
    ]


def spaced(number: int) -> str:
    """10 000 rather than 10,000, as the other figures are written."""
    return f"{number:,}".replace(",", " ")


def peak_step(by_step: dict[str, float]) -> str:
    """The first step after which the peak so far was within 1 MB of the final peak."""
    final = max(by_step.values())
    return next(step for step, mb in by_step.items() if mb >= final - 1)


def broadcast(runs: int) -> list[Figure]:
    m = repeated(
        "broadcast.py",
        runs,
        {"time": r"time ([\d.]+) s;", "ratio": r"ratio ([\d.]+) \(target", "429": r"429 answers \d+ \(([\d.]+) %"},
    )
    return [
        Figure(
            "broadcast.py",
            f"notice to 1 000 at 200/s: time {m['time']:.2f} s, ratio to ideal",
            f"{m['ratio']:.3f}",
            "≤ 1.1",
            m["ratio"] <= 1.1,
        ),
        Figure("broadcast.py", "429 answers during it", f"{m['429']:.2f} %", "≤ 1 %", m["429"] <= 1),
    ]


def machine() -> list[str]:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")), "?")
    mem_kb = int(
        next(ln.split()[1] for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal:"))
    )
    libs = ", ".join(f"{name} {metadata.version(name)}" for name in LIBRARIES)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"- CPUs (`nproc`): {len(os.sched_getaffinity(0))}; CPU model (/proc/cpuinfo): {model}",
        f"- Memory: {mem_kb / 1024 / 1024:.1f} GiB; kernel {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; {libs}",
        f"- Load average when the run started: {load} (other work on the machine shows up as noise)",
    ]


def write(figures: list[Figure], runs: int, started: datetime, described: list[str]) -> None:
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip()
        or "?"
    )
    mark = {True: "yes", False: "**no**", None: ""}
    lines = [
        "# Benchmark results",
        "",
        f"Written by `.venv/bin/python bench/run_all.py --runs {runs}` on {started:%Y-%m-%d %H:%M} "
        f"(commit {commit}, working tree as it was). Do not edit by hand: run it again.",
        "",
        "## Machine",
        "",
        *described,
        "",
        "## Figures",
        "",
        f"Every figure is a median of {runs} runs: `broadcast.py` was run {runs} times; `sweep.py` made each "
        f"sweep {runs} times (the stall and the hold are the worst of them); "
        f"`updates.py` ran each side {runs} times, alternating; `memory.py` ran {runs} times. "
        "`updates.py` and `broadcast.py` run the Bot API emulator in the bot's process (it takes part of the "
        "CPU); `memory.py` runs it in a process of its own so that only the bot's memory is counted. "
        "BROADCAST_RATE is 10 000/s in `updates.py` (both sides) and `memory.py`, so that the rate limiter never "
        "holds a reply or a delivery back; `broadcast.py` uses 200/s with the emulator enforcing it. "
        "The 100 000-member community (`dataset.py`: a year of status and thought reports, duty logs and monthly "
        "meetings with deliveries, replies and check-ins) was built once for `export.py`, which runs "
        "`python -m bot export` as a process of its own and reads its peak RSS from the kernel (`wait4`), and for "
        "`memory.py --year`.",
        "",
        "| bench | figure | value | goal | met |",
        "|---|---|---|---|---|",
        *(f"| `{f.bench}` | {f.name} | {f.value} | {f.goal} | {mark[f.met]} |" for f in figures),
        "",
        "How each bench works, and what was found when a goal was missed: `bench/README.md`.",
        "",
    ]
    kept = RESULTS.read_text(encoding="utf-8").partition(BY_HAND) if RESULTS.exists() else ("", "", "")
    if kept[1]:  # the sections written by hand from other benches' runs stay as they are
        lines += [BY_HAND + kept[2]]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started, described = datetime.now(), machine()
    with tempfile.TemporaryDirectory() as folder:
        community = Community(Path(folder))
        benches: list[Callable[[int], list[Figure]]] = [
            sweep,
            updates,
            memory,
            lambda runs: memory_year(runs, community),
            lambda runs: export(runs, community),
        ]
        if (BENCH / "broadcast.py").exists():
            benches.append(broadcast)
        figures = [figure for bench in benches for figure in bench(args.runs)]
    write(figures, args.runs, started, described)
    for f in figures:
        print(f"{f.bench:<13} {f.name:<70} {f.value:<40} {f.goal:<9} {mark_text(f.met)}")


def mark_text(met: bool | None) -> str:
    return "" if met is None else ("met" if met else "NOT met")


if __name__ == "__main__":
    main()
