"""Export bench: peak resident memory of `python -m bot export DIR` at 100 000 members with a year of records.

Run: `.venv/bin/python bench/export.py [--members 100000] [--runs 3] [--database FILE] [--json out.json]`.

The community comes from `bench/dataset.py` (built in a temporary folder, about a minute and a half at 100 000
members, unless `--database` names one it built before: it is copied, never changed). Each run starts the
command line export as a process of its own, exactly as a secretary would (`python -m bot export DIR`, the
database in DATABASE_PATH), waits for it with `os.wait4` and takes the peak resident set size the kernel
reports for that process (`ru_maxrss`), with its wall time. Every file's rows are counted against the tables
they come from. For comparison the same kind of process that only imports the bot (`import bot.cli`) is
measured too: the interpreter and the libraries, which every command pays. Goal: ≤ 200 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dataset import build  # bench/ is on the path when a bench runs as a script

ROOT = Path(__file__).resolve().parents[1]

GOAL_MB = 200.0
#: Each file and the table whose rows it has, one for one.
SOURCES = {
    "members.csv": "members",
    "status_reports.csv": "status_reports",
    "thought_reports.csv": "thought_reports",
    "duty_logs.csv": "duty_logs",
    "notices.csv": "notices",
    "attendance.csv": "notice_members",
}


def measured(argv: list[str], database: Path, cwd: Path) -> tuple[float, float]:
    """Run a process to its end; (its peak RSS in MB, its wall time in s)."""
    env = {**os.environ, "DATABASE_PATH": str(database), "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource usage, not all children's
        seconds = time.perf_counter() - started
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(argv)} failed ({code}):\n{errors.read().decode()[-3000:]}")
    return usage.ru_maxrss / 1024, seconds  # ru_maxrss is in KB on Linux


def rows_in(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def one_run(database: Path, folder: Path, expected: dict[str, int]) -> dict[str, Any]:
    out = folder / "out"
    shutil.rmtree(out, ignore_errors=True)
    peak, seconds = measured([sys.executable, "-m", "bot", "export", str(out)], database, folder)
    counted = {name: rows_in(out / name) for name in SOURCES}
    if counted != expected:
        raise RuntimeError(f"rows written {counted}, rows in the tables {expected}")
    size = sum((out / name).stat().st_size for name in SOURCES)
    return {"peak_mb": peak, "seconds": seconds, "rows": sum(counted.values()), "files_mb": size / 2**20}


def bench(database: Path, runs: int) -> dict[str, Any]:
    with sqlite3.connect(database) as conn:
        expected = {
            name: int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]) for name, table in SOURCES.items()
        }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        floor, _ = measured([sys.executable, "-c", "import bot.cli"], database, folder)
        results = []
        for n in range(runs):
            result = one_run(database, folder, expected)
            results.append(result)
            print(
                f"run {n + 1}: peak RSS {result['peak_mb']:.1f} MB, {result['rows']:,} rows "
                f"({result['files_mb']:.0f} MB of CSV) in {result['seconds']:.1f} s",
                flush=True,
            )
    summary: dict[str, Any] = {key: statistics.median(r[key] for r in results) for key in ("peak_mb", "seconds")}
    summary.update(
        members=expected["members.csv"],
        rows=results[0]["rows"],
        files_mb=results[0]["files_mb"],
        rows_by_file=expected,
        import_only_mb=floor,
        runs=runs,
        goal_mb=GOAL_MB,
        met=summary["peak_mb"] <= GOAL_MB,
    )
    return {"summary": summary, "runs": results}


def report(s: dict[str, Any]) -> None:
    print(
        f"\n{s['members']:,} members with a year of records: {s['rows']:,} rows in six files "
        f"({s['files_mb']:.0f} MB); medians of {s['runs']} runs"
    )
    print(
        f"export peak RSS {s['peak_mb']:.1f} MB in {s['seconds']:.1f} s "
        f"(a process that only imports the bot: {s['import_only_mb']:.1f} MB)"
    )
    print(f"goal <= {GOAL_MB:g} MB: {'met' if s['met'] else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", type=Path, help="a database bench/dataset.py built (copied, not changed)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "community.sqlite3"
        if args.database:
            shutil.copyfile(args.database, database)
        else:
            sizes = build(database, args.members, args.months, end=datetime.now(UTC))
            print(f"built: {sizes}", flush=True)
        result = bench(database, args.runs)
    report(result["summary"])
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
